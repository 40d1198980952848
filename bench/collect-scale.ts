/**
 * Daily cycles at ecosystem scale on the loopback GitHub (50 ms of latency on every answer):
 * N repositories (default 10,000), 90% quiet and 10% active, collected on three consecutive
 * days by `oss-pulse collect`, and by a naive REST collector written here (repository, commits,
 * issues and releases of every repository, every day) for comparison.
 *
 * - quiet, half of them "old": nothing at all in the model window (history, issues and one
 *   release from 2025); the other half "settled": activity in the window, none since day 0.
 * - active: between cycles, 1-3 new commits; every other one also a new issue or pull request;
 *   every tenth a new release.
 *
 * Cycle 1 is the initial load. At GitHub's secondary limit (900 REST points a minute) it would
 * take the time printed as "pace floor"; to keep the bench within minutes it runs with the pace
 * lifted (`github.restPointsPerMinute`) and the fake not enforcing secondary limits. Cycles 2
 * and 3, the daily cycles, run at GitHub's pace with the fake enforcing it, and count every
 * secondary-limit answer. The naive collector is never paced (its pace floor is printed).
 *
 *   npm run bench:collect-scale [-- repos]
 */
import { join } from "node:path";
import { type FakeRepo, type LoggedRequest, generateRepo, startFakeGitHub } from "../tests/support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../tests/support/cli.js";
import { snapshotBatchQuery } from "../src/github/queries.js";
import { forEachLimit } from "../src/util/pool.js";

const count = Number(process.argv[2] ?? 10_000);
const TOKEN = "bench-token";
const LATENCY_MS = 50;
const REST_PACE = 900;
const GRAPHQL_PACE = 2000;
const DAYS = ["2026-11-26", "2026-11-27", "2026-11-28"];

type Kind = "old" | "settled" | "active";
const kindOf = (i: number): Kind => (i % 10 === 0 ? "active" : i % 2 === 0 ? "old" : "settled");
const repos: FakeRepo[] = [];
const kinds = new Map<string, Kind>();
for (let i = 0; i < count; i++) {
  const kind = kindOf(i);
  const old = kind === "old";
  const repo = generateRepo({
    owner: `org${i % 50}`,
    name: `repo${i}`,
    id: i + 1,
    seed: i + 1,
    commits: old ? 10 : 15,
    issues: old ? 3 : 4,
    pulls: old ? 2 : 3,
    releases: 1,
    startDay: old ? "2025-01-01" : "2026-10-01",
    endDay: old ? "2025-06-30" : "2026-11-20",
    starWeeks: 4,
  });
  repos.push(repo);
  kinds.set(`${repo.owner}/${repo.name}`, kind);
}
const fake = await startFakeGitHub({ repos, tokens: [TOKEN], limits: { core: 10_000_000, graphql: 10_000_000 }, latencyMs: LATENCY_MS });
const dir = tempDir();
const projects = Array.from({ length: 50 }, (_, p) => `  - name: org${p}\n    repos: [${repos.filter((_, i) => i % 50 === p).map((r) => `${r.owner}/${r.name}`).join(", ")}]`).join("\n");
const configFor = (rest: number) =>
  writeConfig(dir, `database: ${join(dir, "scale.db")}\ngithub: { apiUrl: ${fake.url}, concurrency: 16, restPointsPerMinute: ${rest}, graphqlPointsPerMinute: ${GRAPHQL_PACE} }\nprojects:\n${projects}\n`);

// ---- The snapshot query's cost, as GitHub's formula gives it (rateLimit.cost) ----
for (const size of [40, 100]) {
  const variables: Record<string, string> = {};
  for (let i = 0; i < size; i++) Object.assign(variables, { [`o${i}`]: repos[i]!.owner, [`n${i}`]: repos[i]!.name });
  const response = await fetch(fake.graphqlUrl, { method: "POST", headers: { authorization: `token ${TOKEN}` }, body: JSON.stringify({ query: snapshotBatchQuery(size), variables }) });
  const body = (await response.json()) as { data: { rateLimit: { cost: number } } };
  console.log(`snapshot query for ${size} repositories: rateLimit.cost ${body.data.rateLimit.cost} (${(body.data.rateLimit.cost / size).toFixed(3)} a repository)`);
}

/** New items for the active repositories, dated the day before `day`. */
function activity(day: string, cycle: number): void {
  const at = (h: number) => `${new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000 + h * 3_600_000).toISOString().slice(0, 19)}Z`;
  repos.forEach((repo, i) => {
    if (kinds.get(`${repo.owner}/${repo.name}`) !== "active") return;
    const name = `${repo.owner}/${repo.name}`;
    const last = repo.commits.at(-1)!;
    const n = 1 + ((i / 10 + cycle) % 3);
    fake.state.addCommits(name, Array.from({ length: n }, (_, k) => ({ ...last, root: false, sha: `${cycle}${k}${i}`.padEnd(40, "a"), committedAt: at(8 + k), authoredAt: at(8 + k) })));
    if ((i / 10) % 2 === 0) {
      const number = 10_000 + cycle;
      fake.state.addIssues(name, [{ number, isPull: cycle % 2 === 0, authorLogin: "newcomer", authorType: "User", state: "open", createdAt: at(12), closedAt: null, mergedAt: null, updatedAt: at(12) }]);
    }
    if ((i / 10) % 10 === 0) {
      fake.state.addReleases(name, [{ id: 5_000_000 + i * 10 + cycle, tagName: `v9.${cycle}.0`, name: `v9.${cycle}.0`, draft: false, prerelease: false, createdAt: at(14), publishedAt: at(14), assets: [] }]);
    }
  });
}

interface Share {
  requests: number;
  points: number;
}

interface Tally {
  requests: number;
  points: number;
  notModified: number;
  secondary: number;
  rest: number;
  graphql: number;
  quiet: Share;
  active: Share;
  /** Per active repository, by route (REST: the list read; GraphQL: the query's operation). */
  activeRoutes: Map<string, Share>;
}

/** The repositories a GraphQL query named (variables o0/n0, o1/n1, ...); empty when it named none. */
function reposOf(variables: Record<string, unknown> | undefined): string[] {
  const names: string[] = [];
  for (const [key, owner] of Object.entries(variables ?? {})) {
    const i = /^o(\d+)$/.exec(key)?.[1];
    const name = i === undefined ? undefined : variables?.[`n${i}`];
    if (typeof owner === "string" && typeof name === "string") names.push(`${owner}/${name}`);
  }
  return names;
}

/**
 * Requests and points from the fake's log: each REST request charged to its repository, each
 * GraphQL query shared among the repositories it named (evenly among all if it named none).
 */
function tally(log: readonly LoggedRequest[]): Tally {
  const t: Tally = { requests: log.length, points: 0, notModified: 0, secondary: 0, rest: 0, graphql: 0, quiet: { requests: 0, points: 0 }, active: { requests: 0, points: 0 }, activeRoutes: new Map() };
  const active = Math.ceil(count / 10);
  const quiet = count - active;
  const charge = (kind: Kind | undefined, route: string, requests: number, points: number) => {
    const bucket = kind === "active" ? t.active : t.quiet;
    bucket.requests += requests;
    bucket.points += points;
    if (kind !== "active") return;
    const share = t.activeRoutes.get(route) ?? { requests: 0, points: 0 };
    share.requests += requests;
    share.points += points;
    t.activeRoutes.set(route, share);
  };
  for (const r of log) {
    t.points += r.cost;
    if (r.status === 304) t.notModified++;
    if (r.secondaryLimited) t.secondary++;
    if (r.resource === "graphql") {
      t.graphql++;
      const route = `GraphQL ${r.operation ?? "query"}`;
      const named = reposOf(r.variables);
      if (named.length === 0) {
        charge("old", route, quiet / count, (r.cost * quiet) / count);
        charge("active", route, active / count, (r.cost * active) / count);
      } else {
        for (const name of named) charge(kinds.get(name), route, 1 / named.length, r.cost / named.length);
      }
      continue;
    }
    t.rest++;
    const m = r.path.match(/^\/repos\/([^/]+)\/([^/]+)(\/[^/]+)?/);
    charge(m ? kinds.get(`${m[1]}/${m[2]}`) : undefined, `REST ${m?.[3]?.slice(1) ?? "repo"}${r.status === 304 ? " (304)" : ""}`, 1, r.cost);
  }
  for (const [bucket, n] of [[t.quiet, quiet], [t.active, active]] as const) {
    bucket.requests /= n;
    bucket.points /= n;
  }
  for (const share of t.activeRoutes.values()) {
    share.requests /= active;
    share.points /= active;
  }
  return t;
}

/** At most `pace` a minute, the first minute's worth at once: the least time the requests need. */
const paceFloor = (requests: number, pace: number) => (Math.max(0, requests - pace) / pace) * 60;

/** The naive daily collector: four unconditional requests a repository, unpaced. */
async function naive(day: string): Promise<{ tally: Tally; seconds: number }> {
  const since = new Date(Date.parse(`${day}T00:00:00Z`) - 89 * 86_400_000).toISOString();
  fake.resetLog();
  const t0 = performance.now();
  await forEachLimit(repos, 64, async (repo) => {
    const base = `${fake.url}/repos/${repo.owner}/${repo.name}`;
    for (const path of ["", `/commits?since=${since}&per_page=100`, `/issues?state=all&since=${since}&per_page=100`, "/releases?per_page=100"]) {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `token ${TOKEN}` } });
      await response.arrayBuffer();
    }
  });
  return { tally: tally(fake.requests), seconds: (performance.now() - t0) / 1000 };
}

const fmt = (n: number, d = 3) => n.toFixed(d);
console.log(`${count} repositories (${count - Math.ceil(count / 10)} quiet, ${Math.ceil(count / 10)} active), ${LATENCY_MS} ms latency, pace ${REST_PACE} REST / ${GRAPHQL_PACE} GraphQL points a minute`);
for (const [cycle, day] of DAYS.entries()) {
  if (cycle > 0) activity(day, cycle);
  const initial = cycle === 0;
  fake.setSecondaryLimits(initial ? null : { restPerMinute: REST_PACE, graphqlPerMinute: GRAPHQL_PACE });
  const config = configFor(initial ? 1_000_000 : REST_PACE);
  fake.resetLog();
  const t0 = performance.now();
  const run = await runCli(["--config", config, "-q", "--json", "collect"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: `${day}T03:00:00Z` } });
  const seconds = (performance.now() - t0) / 1000;
  const summary = JSON.parse(run.stdout || "{}") as { status?: string; targets?: { outcome: string; error?: string }[] };
  const failed = (summary.targets ?? []).filter((t) => t.outcome !== "ok");
  const ours = tally(fake.requests);
  fake.setSecondaryLimits(null);
  const base = await naive(day);
  const floor = Math.max(paceFloor(ours.rest, REST_PACE), paceFloor(ours.graphql, GRAPHQL_PACE));
  console.log(
    `cycle ${cycle + 1} (${day}${initial ? ", initial load, unpaced" : ""}): status ${summary.status ?? run.stderr.slice(0, 200)}` +
      `${failed.length > 0 ? ` (${failed.length} targets not ok, e.g. ${failed[0]!.error})` : ""}\n` +
      `  oss-pulse: ${ours.requests} requests (${ours.rest} REST, ${ours.graphql} GraphQL, ${ours.notModified} answered 304), ${ours.points} points, ` +
      `${ours.secondary} secondary-limit answers, ${fmt(seconds, 1)} s (pace floor ${fmt(floor, 1)} s)\n` +
      `    per quiet repository: ${fmt(ours.quiet.requests)} requests, ${fmt(ours.quiet.points)} points; per active: ${fmt(ours.active.requests)} requests, ${fmt(ours.active.points)} points\n` +
      `    per active repository by route: ${[...ours.activeRoutes].map(([route, share]) => `${route} ${fmt(share.requests)} req / ${fmt(share.points)} pt`).join(", ")}\n` +
      `  naive:     ${base.tally.requests} requests, ${base.tally.points} points, ${fmt(base.seconds, 1)} s unpaced (pace floor ${fmt(paceFloor(base.tally.rest, REST_PACE), 1)} s)\n` +
      `    per quiet repository: ${fmt(base.tally.quiet.requests)} requests; per active: ${fmt(base.tally.active.requests)} requests\n` +
      `  ratio: ${fmt(base.tally.requests / Math.max(1, ours.requests), 1)}x fewer requests, ${fmt(base.tally.points / Math.max(1, ours.points), 1)}x fewer points`,
  );
}
await fake.close();
