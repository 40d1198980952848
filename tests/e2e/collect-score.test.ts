import Database from "better-sqlite3";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { ONES, type Weights, expectedA as expectedAIn, expectedN as expectedNOf } from "../support/expected.js";

// A canary token: it must never appear in any output, log or database byte.
const CANARY = "fake-canary-token-CANARY-0123456789";
const DAY1 = "2026-11-27";
const DAY2 = "2026-11-28";
/** A day is complete once a collect has run after it ended. */
const DAY3 = "2026-11-29";
const WINDOW = 30;

const REPOS: Record<string, string[]> = { alpha: ["acme/a1", "acme/a2"], beta: ["beta-org/b1", "beta-org/b2", "beta-org/b3"] };

function configYaml(fake: FakeGitHub, db: string): string {
  const projects = Object.entries(REPOS)
    .map(([name, repos]) => `  - name: ${name}\n    repos: [${repos.join(", ")}]`)
    .join("\n");
  return `database: ${db}
github:
  apiUrl: ${fake.url}
  retryBaseMs: 1
  concurrency: 3
bots: [release-robot]
projects:
${projects}
models:
  - name: seed
    window: ${WINDOW}
  - name: weighted
    window: ${WINDOW}
    alpha: 2
    k: 3
    m: 0.5
    n: 0.01
    events: { commits: 2, releases: 5 }
`;
}

const expectedA = (repos: FakeRepo[], day: string, w: Weights) => expectedAIn(repos, day, w, WINDOW);
const expectedN = (repos: FakeRepo[], day: string) => expectedNOf(repos, day, ["release-robot"]);

describe("collect then score, end to end", () => {
  let fake: FakeGitHub;
  let dir: string;
  let dbPath: string;
  let config: string;
  const env = (day: string, extra: Record<string, string> = {}) => ({ GITHUB_TOKEN: CANARY, OSS_PULSE_NOW: `${day}T12:00:00Z`, ...extra });
  const outputs: string[] = [];

  beforeAll(async () => {
    const all: FakeRepo[] = [];
    let id = 100;
    for (const repos of Object.values(REPOS)) {
      for (const full of repos) {
        const [owner, name] = full.split("/") as [string, string];
        all.push(generateRepo({ owner, name, id: id++, seed: id, commits: 150, issues: 60, pulls: 50, releases: 4, startDay: "2026-10-29", endDay: DAY1 }));
      }
    }
    // Created on the first day of the first window: one collect covers each repo's whole life.
    for (const r of all) r.createdAt = "2026-10-29T00:00:00Z";
    fake = await startFakeGitHub({ repos: all, tokens: [CANARY] });
    dir = tempDir();
    dbPath = join(dir, "pulse.db");
    config = writeConfig(dir, configYaml(fake, dbPath));
  });

  afterAll(async () => {
    await fake?.close();
  });

  const project = (name: string) => REPOS[name]!.map((full) => fake.state.getRepo(full)!);

  it("collects two projects of several repos on day 1", async () => {
    const run = await runCli(["--config", config, "collect"], { env: env(DAY1) });
    outputs.push(run.stdout, run.stderr);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/run \d+: ok/);
  });

  it("leaves every fact and score table unchanged when collecting twice on the same day", async () => {
    const counts = () => {
      const db = new Database(dbPath, { readonly: true });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('runs', 'run_targets')").pluck().all() as string[]).sort();
      const result = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get()]));
      db.close();
      return result;
    };
    const before = counts();
    const run = await runCli(["--config", config, "collect"], { env: env(DAY1) });
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    expect(counts()).toEqual(before);
  });

  it("collects day 2 with new activity, incrementally", async () => {
    const a1 = fake.state.getRepo("acme/a1")!;
    a1.commits.push({ sha: "f".repeat(40), committedAt: `${DAY2}T09:00:00Z`, authoredAt: `${DAY2}T08:00:00Z`, authorLogin: "newcomer", authorType: "User", authorEmail: "new@example.com", authorName: "New" });
    a1.stars += 5;
    fake.state.touch("acme/a1");
    fake.resetLog();
    const run = await runCli(["--config", config, "collect"], { env: env(DAY2) });
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    // Only the stream that moved is read, a1's new commits through a GraphQL history query that
    // names it alone; an unchanged repo costs its share of the snapshot query alone.
    const rest = fake.requests.filter((r) => r.resource === "core");
    expect(rest.map((r) => r.path)).toEqual([]);
    const graphql = fake.requests.filter((r) => r.resource === "graphql");
    expect(graphql.map((r) => r.operation)).toEqual(["Snapshots", "CommitHistories"]);
    expect(graphql[1]!.variables).toMatchObject({ o0: "acme", n0: "a1" });
    expect(Object.keys(graphql[1]!.variables ?? {}).filter((k) => k.startsWith("o"))).toEqual(["o0"]);
  });

  it("scores A, N, U and f for both days as computed independently", async () => {
    const day3 = await runCli(["--config", config, "collect"], { env: env(DAY3) });
    outputs.push(day3.stdout, day3.stderr);
    expect(day3.code).toBe(0);
    const run = await runCli(["--config", config, "score", "--json", "--all-models", "--from", DAY1, "--to", DAY3], { env: env(DAY3) });
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { project: string; model: string; day: string; a: number; n: number; u: number; f: number; complete: boolean; missing: string[] }[];
    expect(rows).toHaveLength(2 * 2 * 3);
    // The day still running is not complete: its activity is not all in yet.
    for (const row of rows.filter((r) => r.day === DAY3)) {
      expect(row.complete).toBe(false);
      expect(row.a).toBeNull();
      expect(row.missing).toEqual(expect.arrayContaining(REPOS[row.project]!.map((r) => `commits:${r}`)));
    }
    for (const name of Object.keys(REPOS)) {
      const repos = project(name);
      for (const day of [DAY1, DAY2]) {
        const stars = day === DAY1 ? repos.reduce((s, r) => s + r.stars - (r.owner === "acme" && r.name === "a1" ? 5 : 0), 0) : repos.reduce((s, r) => s + r.stars, 0);
        const seed = rows.find((r) => r.project === name && r.model === "seed" && r.day === day)!;
        const A = expectedA(repos, day, ONES);
        const N = expectedN(repos, day);
        expect(seed, `${name} ${day}`).toMatchObject({ complete: true, missing: [], a: A, n: N, u: stars });
        expect(seed.f).toBeCloseTo(Math.log1p(A) + N + stars, 9);
        const weighted = rows.find((r) => r.project === name && r.model === "weighted" && r.day === day)!;
        const Aw = expectedA(repos, day, { ...ONES, commits: 2, releases: 5 });
        expect(weighted.a).toBe(Aw);
        expect(weighted.f).toBeCloseTo(2 * 3 * Math.log1p(Aw) + 0.5 * N + 0.01 * stars, 9);
      }
    }
  });

  it("writes a self-contained HTML report of the scores", async () => {
    const out = join(dir, "report.html");
    const run = await runCli(["--config", config, "report", "--out", out, "--model", "weighted"], { env: env(DAY2) });
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    const html = readFileSync(out, "utf8");
    for (const name of Object.keys(REPOS)) expect(html).toContain(`"project":"${name}"`);
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("never lets the token reach stdout, stderr, logs or the database", async () => {
    // Error paths too: a 5xx storm, a rejected token, a bad config.
    fake.state.faults.add({ path: /^\/(graphql|repos\/)/, respond: { status: 503, body: { message: "Service Unavailable" } } });
    const failing = await runCli(["--config", config, "collect"], { env: env(DAY2) });
    outputs.push(failing.stdout, failing.stderr);
    expect(failing.code, failing.stdout + failing.stderr).toBe(1);
    fake.state.clearFaults();
    const denied = await runCli(["--config", config, "collect"], { env: env(DAY2, { GITHUB_TOKEN: `${CANARY}x` }) });
    outputs.push(denied.stdout, denied.stderr);
    expect(denied.code, denied.stdout + denied.stderr).toBe(1);
    expect(denied.stdout + denied.stderr).toMatch(/401|Bad credentials/);
    const bad = writeConfig(dir, `${configYaml(fake, dbPath)}colour: blue\n`);
    const invalid = await runCli(["--config", bad, "collect"], { env: env(DAY2) });
    outputs.push(invalid.stdout, invalid.stderr);
    expect(invalid.code, invalid.stderr).toBe(2);
    for (const text of outputs) expect(text.includes(CANARY), text).toBe(false);
    for (const file of [dbPath, `${dbPath}-wal`]) {
      let bytes = "";
      try {
        bytes = readFileSync(file).toString("latin1");
      } catch {
        continue;
      }
      expect(bytes).not.toContain(CANARY);
    }
  });
});
