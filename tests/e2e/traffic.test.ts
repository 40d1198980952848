import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeTrafficDay, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";

const TOKEN = "traffic-test-token";
const D1 = "2026-11-10";
const D8 = "2026-11-17";
const day = (base: string, n: number) => new Date(Date.parse(`${base}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** 60 days of traffic ending on D8; one day without any view (GitHub lists no entry for it). */
function trafficDays(count: (i: number) => number): FakeTrafficDay[] {
  return [...Array(60).keys()].map((i) => ({ day: day(D8, i - 59), count: count(i), uniques: Math.ceil(count(i) / 3) }));
}

describe("traffic kept past GitHub's 14 days", () => {
  let fake: FakeGitHub;
  let dbPath: string;
  let config: string;
  const env = (d: string) => ({ GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: `${d}T06:00:00Z` });
  const collect = async (d: string) => {
    fake.state.today = d;
    const run = await runCli(["--config", config, "collect"], { env: env(d) });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return run;
  };
  const views = trafficDays((i) => (i === 50 ? 0 : 10 + (i % 7)));
  const clones = trafficDays((i) => 2 + (i % 3));

  beforeAll(async () => {
    const own = generateRepo({ owner: "acme", name: "own", id: 900, seed: 9, commits: 20, issues: 5, pulls: 5, releases: 1, startDay: "2026-08-01", endDay: D1 });
    own.traffic = { views, clones };
    const third = generateRepo({ owner: "other", name: "third", id: 901, seed: 10, commits: 20, issues: 5, pulls: 5, releases: 1, startDay: "2026-08-01", endDay: D1 });
    fake = await startFakeGitHub({ repos: [own, third], tokens: [TOKEN] });
    const dir = tempDir();
    dbPath = join(dir, "pulse.db");
    config = writeConfig(
      dir,
      `database: ${dbPath}
github: { apiUrl: ${fake.url}, retryBaseMs: 1 }
projects:
  - name: p
    repos: [acme/own, other/third]
models:
  - name: seed
  - name: reach
    users: { stars: 0, downloads: 0, views: 1, clones: 0.5 }
`,
    );
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("stores the views and clones of the last 14 days at each collect, and keeps them: two collects a week apart keep 21 days", async () => {
    const first = await collect(D1);
    const second = await collect(D8);
    const db = new Database(dbPath, { readonly: true });
    const rows = db
      .prepare(
        `SELECT kind, day, count, uniques, substr(fetched_at, 1, 10) > day AS whole FROM repo_traffic
         WHERE repo_id = (SELECT id FROM repos WHERE full_name = 'acme/own') ORDER BY kind, day`,
      )
      .all() as { kind: string; day: string; count: number; uniques: number; whole: number }[];
    db.close();
    // D1-13 .. D8: the 14 days of each answer, a week apart; all whole but today's, still counting.
    const kept = rows.filter((r) => r.kind === "views");
    expect(kept.map((r) => r.day)).toEqual([...Array(21).keys()].map((i) => day(D1, i - 13)));
    expect(kept.filter((r) => r.whole === 0).map((r) => r.day)).toEqual([D8]);
    for (const r of rows) {
      const fakeDay = (r.kind === "views" ? views : clones).find((d) => d.day === r.day)!;
      expect({ count: r.count, uniques: r.uniques }, `${r.kind} ${r.day}`).toEqual(fakeDay.count === 0 ? { count: 0, uniques: 0 } : { count: fakeDay.count, uniques: fakeDay.uniques });
    }
    expect(kept.some((r) => r.count === 0)).toBe(true);
    // A repo the token may not push to: asked once, said once, not a failure.
    const thirdAsked = fake.requests.filter((r) => r.path.startsWith("/repos/other/third/traffic/"));
    expect(thirdAsked.map((r) => r.status)).toEqual([403]);
    expect(first.stdout + first.stderr).toMatch(/other\/third: traffic not collected/);
    expect(second.stdout + second.stderr).not.toMatch(/traffic not collected/);
    expect(second.stdout).toMatch(/run \d+: ok/);
  });

  it("weighs views and clones into U when a model asks, over the 14 days ending on the day", async () => {
    const last = day(D8, -1);
    const run = await runCli(["--config", config, "score", "--json", "--all-models", "--from", last, "--to", last], { env: env(D8) });
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { model: string; day: string; u: number | null; missing: string[] }[];
    const inWindow = (d: FakeTrafficDay) => d.day > day(last, -14) && d.day <= last;
    const expected = views.filter(inWindow).reduce((s, d) => s + d.count, 0) + 0.5 * clones.filter(inWindow).reduce((s, d) => s + d.count, 0);
    const reach = rows.find((r) => r.model === "reach")!;
    expect(reach.missing.filter((m) => /views|clones/.test(m))).toEqual([]);
    expect(reach.u).toBe(expected);
  });

  it("explains U's change by each repo's weighted views and clones when the model weighs them", async () => {
    const [from, to] = [day(D8, -3), day(D8, -1)];
    const run = await runCli(["--config", config, "explain", "-p", "p", "-m", "reach", "--from", from, "--to", to, "--format", "json"], { env: env(D8) });
    expect(run.code, run.stderr).toBe(0);
    const e = JSON.parse(run.stdout) as { users: { u: { change: number }; trafficByRepo: { name: string; from: number; to: number; change: number }[] } };
    const weighted = (end: string) => {
      const inWindow = (d: FakeTrafficDay) => d.day > day(end, -14) && d.day <= end;
      return views.filter(inWindow).reduce((s, d) => s + d.count, 0) + 0.5 * clones.filter(inWindow).reduce((s, d) => s + d.count, 0);
    };
    const own = e.users.trafficByRepo.find((r) => r.name === "acme/own")!;
    expect(own).toMatchObject({ from: weighted(from), to: weighted(to) });
    // Stars and downloads weigh 0 here: the repos' traffic is the whole of U's change.
    expect(e.users.trafficByRepo.reduce((s, r) => s + r.change, 0)).toBeCloseTo(e.users.u.change, 9);
  });
});
