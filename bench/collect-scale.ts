/**
 * A daily cycle for many repos on one token: collects N small repos from the loopback GitHub on
 * three consecutive days and prints, per day, the requests made, the rate-limit points spent
 * (core and GraphQL), and the time. From the third day on it shows the steady state: snapshots batched
 * through GraphQL, unchanged lists answered 304 at no cost.
 *
 *   npm run build && node dist/bench/collect-scale.js [repos]
 */
import { join } from "node:path";
import { type FakeRepo, generateRepo, startFakeGitHub } from "../tests/support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../tests/support/cli.js";

const count = Number(process.argv[2] ?? 1000);
const TOKEN = "bench-token";
const repos: FakeRepo[] = [];
for (let i = 0; i < count; i++) {
  repos.push(generateRepo({ owner: `org${i % 50}`, name: `repo${i}`, id: i + 1, seed: i + 1, commits: 30, issues: 8, pulls: 6, releases: 2, startDay: "2026-09-15", endDay: "2026-11-25" }));
}
const fake = await startFakeGitHub({ repos, tokens: [TOKEN], limits: { core: 1_000_000, graphql: 1_000_000 } });
const dir = tempDir();
const projects = Array.from({ length: 50 }, (_, p) => `  - name: org${p}\n    repos: [${repos.filter((_, i) => i % 50 === p).map((r) => `${r.owner}/${r.name}`).join(", ")}]`).join("\n");
const config = writeConfig(dir, `database: ${join(dir, "scale.db")}\ngithub: { apiUrl: ${fake.url}, concurrency: 8 }\nprojects:\n${projects}\n`);

for (const day of ["2026-11-26", "2026-11-27", "2026-11-28"]) {
  fake.resetLog();
  const t0 = Date.now();
  const run = await runCli(["--config", config, "-q", "--json", "collect"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: `${day}T03:00:00Z` } });
  const seconds = (Date.now() - t0) / 1000;
  const summary = JSON.parse(run.stdout || "{}") as { status?: string; requests?: number; points?: number };
  const core = fake.requests.filter((r) => r.resource === "core");
  const graphql = fake.requests.filter((r) => r.resource === "graphql");
  const notModified = core.filter((r) => r.status === 304).length;
  const corePoints = core.reduce((s, r) => s + r.cost, 0);
  const graphqlPoints = graphql.reduce((s, r) => s + r.cost, 0);
  console.log(`${day}: ${count} repos, status ${summary.status}, ${fake.requests.length} requests (${notModified} answered 304), ` +
    `core points ${corePoints}, GraphQL points ${graphqlPoints}, CLI counted ${summary.points} points, ${seconds.toFixed(1)} s`);
}
await fake.close();
