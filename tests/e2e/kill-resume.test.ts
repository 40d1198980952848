import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli, tempDir, writeConfig } from "../support/cli.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { type DailyFigures, type FakeRegistries, addDays, daysFrom, startFakeRegistries } from "../support/fake-registries.js";

/**
 * SIGKILL at seeded points of `backfill` and of `collect` (repos and packages), then a resumed
 * run: the database equals an uninterrupted run's, fact table by fact table. A kill point is
 * the Nth request the loopback GitHub receives from the process plus a few milliseconds, so the
 * kills land while a request is in flight, while its page is parsed, or while it is written,
 * whatever the machine's speed, and no test waits on a wall-clock guess.
 */

const TODAY = "2026-11-28";
const NOW = `${TODAY}T12:00:00Z`;
const TOKEN = "test-token-kill-resume";
/** Kill points per command; 52 in all. */
const KILLS_PER_COMMAND = 26;

function daily(base: number): DailyFigures {
  return Object.fromEntries(daysFrom(addDays(TODAY, -400), TODAY).map((d, i) => [d, base + ((i * 31) % 53)]));
}

/**
 * Every fact a run stores, in key order: equal digests mean equal databases for a user. The
 * instants a row was fetched or taken at are the clock's, not facts, and are left out.
 */
function digest(path: string): Record<string, string> {
  const db = new Database(path, { readonly: true });
  const queries: Record<string, string> = {
    commits: "SELECT * FROM commits ORDER BY repo_id, sha",
    issues: "SELECT * FROM issues ORDER BY repo_id, number",
    releases: "SELECT * FROM releases ORDER BY repo_id, release_id",
    release_assets: "SELECT * FROM release_assets ORDER BY repo_id, asset_id",
    star_history: "SELECT * FROM star_history ORDER BY repo_id, day",
    repo_snapshots: "SELECT repo_id, day, stars, forks, watchers, open_issues, open_prs, releases, release_downloads FROM repo_snapshots ORDER BY repo_id, day",
    repos: "SELECT id, full_name, github_id, default_branch, created_at, status FROM repos ORDER BY id",
    coverage: "SELECT repo_id, stream, covered_from, synced_to, cursor FROM sync_state ORDER BY repo_id, stream",
    package_downloads: "SELECT package_id, day, downloads FROM package_downloads ORDER BY package_id, day",
    package_pending_days: "SELECT package_id, day FROM package_pending_days ORDER BY package_id, day",
    package_snapshots: "SELECT package_id, day, total, last30, extra FROM package_snapshots ORDER BY package_id, day",
    scores: "SELECT project_id, model, day, activity, contributors, users, f, complete, missing FROM scores ORDER BY project_id, model, day",
  };
  const out: Record<string, string> = {};
  for (const [name, sql] of Object.entries(queries)) {
    const rows = db.prepare(sql).all();
    out[name] = `${rows.length}:${createHash("sha256").update(JSON.stringify(rows)).digest("hex")}`;
  }
  db.close();
  return out;
}

describe("SIGKILL at seeded points, then resume", () => {
  let fake: FakeGitHub;
  let registries: FakeRegistries;
  /** Called on each request the loopback GitHub receives. */
  let onRequest: () => void = () => undefined;

  beforeAll(async () => {
    const repos = [
      generateRepo({ owner: "acme", name: "engine", id: 7, seed: 7, commits: 1200, issues: 400, pulls: 300, releases: 12, startDay: "2025-10-01", endDay: "2026-11-27" }),
      generateRepo({ owner: "acme", name: "tools", id: 8, seed: 8, commits: 300, issues: 90, pulls: 60, releases: 3, startDay: "2026-04-01", endDay: "2026-11-27" }),
    ];
    fake = await startFakeGitHub({ repos, tokens: [TOKEN], latencyMs: 2, onRequest: () => onRequest() });
    registries = await startFakeRegistries({
      today: TODAY,
      npm: { engine: { daily: daily(900) } },
      pypi: { "acme-engine": { daily: daily(70) } },
      crates: {},
      docker: {},
      huggingfaceModels: {},
      huggingfaceDatasets: {},
    });
  });
  afterAll(async () => {
    await fake?.close();
    await registries?.close();
  });

  function config(dir: string, db: string): string {
    return writeConfig(
      dir,
      `database: ${db}
github: { apiUrl: ${fake.url}, retryBaseMs: 1 }
registries:
  npm: { baseUrl: "${registries.urls.npm}" }
  pypi: { baseUrl: "${registries.urls.pypi}" }
projects:
  - name: big
    repos: [acme/engine, acme/tools]
    packages:
      - { registry: npm, name: engine }
      - { registry: pypi, name: acme-engine }
models:
  - name: seed
    window: 365
`,
    );
  }

  /** Runs the command; SIGKILLs it `delayMs` after the loopback GitHub got its `killAt`th request. Resolves true when killed. */
  function runKilledAt(cfg: string, command: string, killAt: number, delayMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, "--config", cfg, command, "--json"], {
        env: { PATH: process.env.PATH, GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW },
        stdio: "ignore",
      });
      let seen = 0;
      onRequest = () => {
        if (++seen === killAt) setTimeout(() => child.kill("SIGKILL"), delayMs);
      };
      child.on("error", reject);
      child.on("close", (code, signal) => {
        onRequest = () => undefined;
        if (signal === "SIGKILL") resolve(true);
        else if (code === 0) resolve(false);
        else reject(new Error(`${command} exited ${code} without being killed`));
      });
    });
  }

  it.each(["backfill", "collect"] as const)("%s: every resumed database equals the uninterrupted one", { timeout: 240_000 }, async (command) => {
    const dir = tempDir();
    const golden = join(dir, "golden.db");
    let requests = 0;
    onRequest = () => requests++;
    const goldenRun = await runCli(["--config", config(dir, golden), command, "--json"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW } });
    onRequest = () => undefined;
    expect(goldenRun.code, goldenRun.stderr).toBe(0);
    expect(requests).toBeGreaterThan(15);
    const expected = digest(golden);

    let seed = command === "backfill" ? 12345 : 54321;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let kills = 0;
    let chains = 0;
    while (kills < KILLS_PER_COMMAND) {
      // One database, killed again and again until a run gets through, then resumed once more.
      chains++;
      const chainDir = tempDir();
      const db = join(chainDir, "killed.db");
      const cfg = config(chainDir, db);
      for (let attempt = 0; attempt < 6 && kills < KILLS_PER_COMMAND; attempt++) {
        // Early points weigh more: a resumed run has less left to do.
        const killAt = 1 + Math.floor(random() * random() * requests);
        const killed = await runKilledAt(cfg, command, killAt, Math.floor(random() * 25));
        if (!killed) break;
        kills++;
      }
      const resumed = await runCli(["--config", cfg, command, "--json"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW } });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(digest(db), `${command}, chain ${chains}`).toEqual(expected);
      // The resuming run itself ended ok.
      const runs = new Database(db, { readonly: true });
      const statuses = runs.prepare("SELECT status FROM runs WHERE kind = ? ORDER BY id").pluck().all(command) as string[];
      runs.close();
      expect(statuses.at(-1)).toBe("ok");
    }
    expect(kills).toBe(KILLS_PER_COMMAND);
  });
});
