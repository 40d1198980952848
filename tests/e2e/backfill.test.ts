import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";

const TODAY = "2026-11-28";
const NOW = `${TODAY}T12:00:00Z`;
const TOKEN = "test-token-backfill";

function config(fake: FakeGitHub, db: string): string {
  return `database: ${db}
github: { apiUrl: ${fake.url}, retryBaseMs: 1 }
projects:
  - name: big
    repos: [acme/engine, acme/tools]
models:
  - name: seed
    window: 30
`;
}

describe("backfill", () => {
  let fake: FakeGitHub;
  let repos: FakeRepo[];

  beforeAll(async () => {
    repos = [
      generateRepo({ owner: "acme", name: "engine", id: 7, seed: 7, commits: 2500, issues: 900, pulls: 700, releases: 30, startDay: "2025-09-01", endDay: "2026-11-20" }),
      generateRepo({ owner: "acme", name: "tools", id: 8, seed: 8, commits: 400, issues: 120, pulls: 80, releases: 3, startDay: "2026-02-01", endDay: "2026-11-25" }),
    ];
    fake = await startFakeGitHub({ repos, tokens: [TOKEN], latencyMs: 2 });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("stays within 2% + 5 of the pagination floor and rebuilds a score row for every day", async () => {
    const dir = tempDir();
    const db = join(dir, "full.db");
    fake.resetLog();
    const run = await runCli(["--config", writeConfig(dir, config(fake, db)), "backfill", "--json"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW } });
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(0);
    const floor = repos.reduce(
      (sum, r) =>
        sum +
        Math.max(1, Math.ceil(r.commits.length / 100)) +
        Math.max(1, Math.ceil(r.issues.length / 100)) +
        Math.max(1, Math.ceil(r.releases.length / 100)) +
        Math.max(1, Math.ceil(r.starHistory.length / 30)),
      0,
    );
    const made = fake.requests.length;
    expect(made).toBeGreaterThanOrEqual(floor);
    expect(made).toBeLessThanOrEqual(Math.ceil(floor * 1.02) + 5);

    const sqlite = new Database(db, { readonly: true });
    const days = sqlite.prepare("SELECT day FROM scores WHERE model = 'seed' ORDER BY day").pluck().all() as string[];
    const first = [...repos.flatMap((r) => [r.commits[0]!.committedAt, r.issues[0]!.createdAt])].sort()[0]!.slice(0, 10);
    const starFirst = repos.flatMap((r) => r.starHistory.flatMap((w, _i) => w.days.map((n, d) => (n > 0 ? new Date(w.week * 1000 + d * 86_400_000).toISOString().slice(0, 10) : "9999")))).sort()[0]!;
    const start = first < starFirst ? first : starFirst;
    expect(days[0]).toBe(start);
    expect(days.at(-1)).toBe(TODAY);
    expect(days.length).toBe((Date.parse(TODAY) - Date.parse(start)) / 86_400_000 + 1);

    // The retained-stars series is the star history served, day by day.
    for (const r of repos) {
      const stored = new Map(
        (sqlite.prepare("SELECT h.day, h.stars_added FROM star_history h JOIN repos p ON p.id = h.repo_id WHERE p.full_name = ?").all(`${r.owner}/${r.name}`) as { day: string; stars_added: number }[]).map((x) => [x.day, x.stars_added]),
      );
      for (const w of r.starHistory) {
        w.days.forEach((n, d) => expect(stored.get(new Date(w.week * 1000 + d * 86_400_000).toISOString().slice(0, 10))).toBe(n));
      }
    }
    // After a backfill every past day is complete; today is not over, so it is not.
    expect(sqlite.prepare("SELECT COUNT(*) FROM scores WHERE complete = 0 AND day < ?").pluck().get(TODAY)).toBe(0);
    expect(sqlite.prepare("SELECT complete FROM scores WHERE day = ?").pluck().get(TODAY)).toBe(0);
    sqlite.close();
  });
});
