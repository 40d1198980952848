import Database from "better-sqlite3";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ServerResponse } from "node:http";
import { CLI, runCli, tempDir, writeConfig } from "../support/cli.js";
import { listenLoopback } from "../support/loopback.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

// End-to-end: the built CLI (`npx tsc -p .` first) against the loopback GitHub.
const TOKEN = "fake-daemon-e2e-token-0123456789";
const REPOS = ["acme/a1", "acme/a2"];

interface Daemon {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** Resolves when stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

const children: ChildProcessWithoutNullStreams[] = [];

function startDaemon(config: string, env: Record<string, string> = {}): Daemon {
  const child = spawn(process.execPath, [CLI, "--config", config, "daemon"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OSS_PULSE_LOG_LEVEL: "info", GITHUB_TOKEN: TOKEN, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let err = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(err)) w.resolve();
      else waiters.push(w);
    }
  });
  let killedAt = 0;
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    killedAt = Date.now();
    return kill(signal);
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, ms: Date.now() - killedAt })),
  );
  return {
    child,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      if (pattern.test(err)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stderr:\n${err}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then(() => setTimeout(() => reject(new Error(`daemon exited before ${pattern}; stderr:\n${err}`)), 50));
      });
    },
  };
}

function query<T>(db: string, sql: string): T[] {
  if (!existsSync(db)) return [];
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare(sql).all() as T[];
  } finally {
    sqlite.close();
  }
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

let fake: FakeGitHub;
beforeAll(async () => {
  const repos = REPOS.map((full, i) => {
    const [owner, name] = full.split("/") as [string, string];
    return generateRepo({ owner, name, id: i + 1, seed: i + 1, commits: 25, issues: 6, pulls: 5, releases: 2, startDay: "2025-11-01", endDay: "2026-01-09" });
  });
  fake = await startFakeGitHub({ repos, tokens: [TOKEN] });
});
afterAll(async () => fake?.close());
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function setup(schedule: string): { db: string; config: string } {
  const dir = tempDir();
  const db = join(dir, "pulse.db");
  const config = writeConfig(
    dir,
    `database: ${db}
github: { apiUrl: ${fake.url}, retryBaseMs: 1 }
schedule: { collect: "${schedule}" }
projects:
  - name: x
    repos: [${REPOS.join(", ")}]
models:
  - name: seed
    window: 30
`,
  );
  return { db, config };
}

describe("oss-pulse daemon", () => {
  it("collects on schedule, scores after each collect, and stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    const { db, config } = setup("*/2 * * * * *");
    const daemon = startDaemon(config);
    await daemon.waitFor(/daemon started/);
    const finished = () => query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM runs WHERE kind = 'collect' AND status = 'ok'")[0]!.n;
    await until(() => finished() >= 4, 30_000);
    daemon.child.kill("SIGTERM");
    const exit = await daemon.exited;
    expect(exit.code, daemon.stderr()).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);

    // One snapshot per repo per day, however many cycles ran.
    const snapshots = query<{ repo_id: number; day: string; n: number }>(db, "SELECT repo_id, day, COUNT(*) AS n FROM repo_snapshots GROUP BY repo_id, day");
    expect(snapshots.length).toBeGreaterThanOrEqual(REPOS.length);
    expect(snapshots.every((s) => s.n === 1)).toBe(true);
    expect(query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM (SELECT sha FROM commits GROUP BY repo_id, sha HAVING COUNT(*) > 1)")[0]!.n).toBe(0);
    // A score run follows every collect, and scores are stored.
    const runs = query<{ kind: string; status: string }>(db, "SELECT kind, status FROM runs ORDER BY id");
    const collects = runs.filter((r) => r.kind === "collect");
    expect(collects.length).toBeGreaterThanOrEqual(4);
    // Each run counts its own requests and points: after the first (which reads the history),
    // identical cycles record identical figures, not a running total of the process's life.
    const counts = query<{ requests: number; points: number }>(db, "SELECT requests, points FROM runs WHERE kind = 'collect' AND status = 'ok' ORDER BY id LIMIT 4");
    expect(counts[1]!.requests).toBeGreaterThan(0);
    expect(counts.slice(2)).toEqual([counts[1], counts[1]]);
    expect(counts[0]!.requests).toBeGreaterThanOrEqual(counts[1]!.requests);
    expect(runs.filter((r) => r.kind === "score" && r.status === "ok").length).toBeGreaterThanOrEqual(collects.filter((r) => r.status === "ok").length - 1);
    expect(query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM scores")[0]!.n).toBeGreaterThan(0);
    // The WAL was folded back and the leases released.
    expect(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0).toBe(true);
    expect(query(db, "SELECT * FROM leases")).toEqual([]);
    expect(query<{ integrity_check: string }>(db, "PRAGMA integrity_check")[0]!.integrity_check).toBe("ok");
    expect(daemon.stderr()).not.toContain(TOKEN);

    const status = await runCli(["--config", config, "--json", "status"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as {
      healthy: boolean;
      daemon: unknown;
      runs: { lastSuccessfulCollect: { status: string } | null; lastScore: { status: string } | null };
      projects: { repos: { repo: string; lastSnapshot: string | null; syncedTo: { commits: string | null } }[] }[];
      failures: unknown[];
      database: { bytes: number };
    };
    expect(report.healthy).toBe(true);
    expect(report.daemon).toBeNull();
    expect(report.runs.lastSuccessfulCollect?.status).toBe("ok");
    expect(report.runs.lastScore?.status).toBe("ok");
    const today = new Date().toISOString().slice(0, 10);
    expect(report.projects[0]!.repos.map((r) => r.repo)).toEqual(REPOS);
    for (const repo of report.projects[0]!.repos) {
      expect(repo.lastSnapshot).toBe(today);
      expect(repo.syncedTo.commits).not.toBeNull();
    }
    expect(report.failures).toEqual([]);
    expect(report.database.bytes).toBeGreaterThan(0);
  });

  it("after downtime across a scheduled time, makes exactly one catch-up run", { timeout: 60_000 }, async () => {
    const { db, config } = setup("0 3 * * *");
    const collects = () => query<{ trigger: string; status: string; started_at: string }>(db, "SELECT trigger, status, started_at FROM runs WHERE kind = 'collect' ORDER BY id");
    const scored = () => query(db, "SELECT id FROM runs WHERE kind = 'score' AND status = 'ok'").length;

    // First start on an empty database, after the slot of the 9th: it catches up on that.
    let daemon = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T02:00:00Z" });
    await daemon.waitFor(/daemon started/);
    await until(() => scored() === 1);
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);
    expect(collects()).toMatchObject([{ trigger: "catch-up", status: "ok" }]);

    // Down over the 03:00 slot, restarted at 05:00: exactly one catch-up.
    daemon = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T05:00:00Z" });
    await daemon.waitFor(/daemon started/);
    await until(() => scored() === 2);
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);

    // Restarted again the same morning: nothing was missed, nothing runs.
    daemon = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T06:00:00Z" });
    await daemon.waitFor(/daemon started/);
    await new Promise((r) => setTimeout(r, 1000));
    daemon.child.kill("SIGTERM");
    expect((await daemon.exited).code).toBe(0);

    const all = collects();
    expect(all.map((r) => r.trigger)).toEqual(["catch-up", "catch-up"]);
    expect(all[1]!.started_at >= "2026-01-10T05:00:00Z").toBe(true);
    expect(query(db, "SELECT repo_id FROM repo_snapshots WHERE day = '2026-01-10'")).toHaveLength(REPOS.length);

    // status as a health check: fresh that morning, stale the next day after the slot and grace.
    const fresh = await runCli(["--config", config, "--json", "status"], { env: { OSS_PULSE_NOW: "2026-01-10T06:00:00Z" } });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((JSON.parse(fresh.stdout) as { schedule: { next: string } }).schedule.next).toBe("2026-01-11T03:00:00Z");
    const stale = await runCli(["--config", config, "status"], { env: { OSS_PULSE_NOW: "2026-01-11T04:30:00Z" } });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/health: STALE: the last successful collect started at 2026-01-10T05:00:0\dZ, before the run due at 2026-01-11T03:00:00Z/);
  });

  it("refuses a second daemon on the same database, and reclaims the lease of a SIGKILLed one", { timeout: 60_000 }, async () => {
    const { db, config } = setup("0 3 * * *");
    const first = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T02:00:00Z" });
    await first.waitFor(/daemon started/);

    const second = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T02:00:00Z" });
    const refused = await second.exited;
    expect(refused.code).toBe(1);
    expect(second.stderr()).toMatch(new RegExp(`oss-pulse: another daemon is running on .*pulse\\.db: oss-pulse daemon \\(pid ${first.child.pid} on `));

    // A collect from the CLI coordinates through the writer lease and is not refused by an idle daemon.
    await until(() => query(db, "SELECT id FROM runs WHERE kind = 'score'").length === 1);
    const cli = await runCli(["--config", config, "--json", "collect"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: "2026-01-10T02:10:00Z" } });
    expect(cli.code, cli.stderr).toBe(0);

    first.child.kill("SIGKILL");
    await first.exited;
    expect(query<{ pid: number }>(db, "SELECT pid FROM leases WHERE name = 'daemon'")).toEqual([{ pid: first.child.pid }]);

    const third = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T02:20:00Z" });
    await third.waitFor(/daemon started/);
    expect(third.stderr()).toMatch(new RegExp(`took over the daemon lease from oss-pulse daemon \\(pid ${first.child.pid} .*process gone`));
    expect(query<{ pid: number }>(db, "SELECT pid FROM leases WHERE name = 'daemon'")).toEqual([{ pid: third.child.pid }]);
    third.child.kill("SIGTERM");
    expect((await third.exited).code, third.stderr()).toBe(0);
    expect(query(db, "SELECT * FROM leases")).toEqual([]);
  });

  it.each([
    ["deleted", (db: string) => ["", "-wal", "-shm"].forEach((ext) => rmSync(`${db}${ext}`, { force: true }))],
    [
      "replaced by another file",
      (db: string) => {
        copyFileSync(db, `${db}.copy`);
        renameSync(`${db}.copy`, db);
      },
    ],
  ])("stops with an error, exit 1, when its database file is %s under it", { timeout: 60_000 }, async (what, act) => {
    const { db, config } = setup("*/2 * * * * *");
    const daemon = startDaemon(config);
    await daemon.waitFor(/daemon started/);
    await until(() => query(db, "SELECT id FROM runs WHERE kind = 'collect' AND status = 'ok'").length >= 1);
    const before = statSync(db, { throwIfNoEntry: false })?.ino;
    const acted = Date.now();
    act(db);
    const exit = await daemon.exited;
    expect(exit.code, daemon.stderr()).toBe(1);
    // Noticed before the next cycle (every 2 s here) at the latest.
    expect(Date.now() - acted).toBeLessThan(10_000);
    expect(daemon.stderr()).toMatch(new RegExp(`the database file .*pulse\\.db was ${what.split(" ")[0]}.*stopping`));
    expect(daemon.stderr()).toMatch(/start the daemon again once the database is where it should be/);
    // No cycle ran after it: nothing was logged "ok" into the lost file.
    const after = daemon.stderr().split(/the database file/)[1]!;
    expect(after).not.toMatch(/run \d+ \((schedule|catch-up)\)/);
    // The daemon neither recreated a deleted file nor wrote its WAL beside a replacement.
    if (what === "deleted") expect(existsSync(db)).toBe(false);
    else {
      expect(statSync(db).ino).not.toBe(before);
      expect(query<{ integrity_check: string }>(db, "PRAGMA integrity_check")[0]!.integrity_check).toBe("ok");
    }
  });

  describe("stopping while a collection is in flight", () => {
    let slow: FakeGitHub;
    const slowRepos = ["acme/s1", "acme/s2", "acme/s3"];
    beforeAll(async () => {
      const repos = slowRepos.map((full, i) => {
        const [owner, name] = full.split("/") as [string, string];
        return generateRepo({ owner, name, id: 10 + i, seed: 10 + i, commits: 10, issues: 3, pulls: 3, releases: 1, startDay: "2025-12-01", endDay: "2026-01-09" });
      });
      slow = await startFakeGitHub({ repos, tokens: [TOKEN], latencyMs: 1500 });
    });
    afterAll(async () => slow?.close());

    function slowSetup(): { db: string; config: string } {
      const dir = tempDir();
      const db = join(dir, "pulse.db");
      const config = writeConfig(
        dir,
        `database: ${db}\ngithub: { apiUrl: ${slow.url}, retryBaseMs: 1, concurrency: 1 }\nschedule: { collect: "0 3 * * *" }\nprojects:\n  - name: s\n    repos: [${slowRepos.join(", ")}]\n`,
      );
      return { db, config };
    }

    it("SIGTERM lets the request in flight finish, starts no new repo, and exits 0 in time", { timeout: 60_000 }, async () => {
      const { db, config } = slowSetup();
      const daemon = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T05:00:00Z" });
      await daemon.waitFor(/catch-up: the run due at 2026-01-10T03:00:00Z has not happened/);
      await new Promise((r) => setTimeout(r, 500));
      daemon.child.kill("SIGTERM");
      const exit = await daemon.exited;
      expect(exit.code, daemon.stderr()).toBe(0);
      expect(exit.ms).toBeLessThan(10_000);
      // Stopped halfway: recorded as interrupted (so the next start catches up), never left running.
      expect(query(db, "SELECT kind, status FROM runs")).toEqual([{ kind: "collect", status: "interrupted" }]);
      expect(query<{ outcome: string; error: string | null }>(db, "SELECT outcome, error FROM run_targets").some((t) => t.outcome === "skipped" && t.error === "stopping")).toBe(true);
      expect(query<{ integrity_check: string }>(db, "PRAGMA integrity_check")[0]!.integrity_check).toBe("ok");
      // Logs are JSON lines when stderr is not a terminal.
      const lines = daemon.stderr().trim().split("\n");
      expect(lines.every((l) => typeof (JSON.parse(l) as { msg: unknown }).msg === "string")).toBe(true);
    });

    /** A loopback server that answers every request with `answer` and counts them. */
    async function faultServer(answer: (res: ServerResponse) => void): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
      let requests = 0;
      const server = await listenLoopback((_req, res) => {
        requests++;
        answer(res);
      });
      return { url: server.url, requests: () => requests, close: () => server.close() };
    }

    // SIGTERM while a request waits: the drain cancels the back-off or the request in flight
    // (abort signals through the GitHub client and the registry client), records the run as
    // interrupted, checkpoints the WAL and exits 0, long before the wait would have ended.
    it.each([
      {
        name: "GitHub answers 503 and the client backs off",
        answer: (res: ServerResponse) => res.writeHead(503, { "content-type": "application/json", "retry-after": "30" }).end('{"message":"Service Unavailable"}'),
        config: (url: string) => `github: { apiUrl: ${url}, retryBaseMs: 20000 }\nprojects:\n  - name: s\n    repos: [acme/s1, acme/s2]\n`,
      },
      {
        // REST only: the request in flight is a repo's own, not the GraphQL snapshot before the repos.
        name: "GitHub accepts the request and never answers",
        answer: () => undefined,
        config: (url: string) => `github: { apiUrl: ${url}, retryBaseMs: 1, timeoutMs: 120000, graphql: never }\nprojects:\n  - name: s\n    repos: [acme/s1]\n`,
      },
      {
        name: "a registry answers 503 with Retry-After: 100",
        answer: (res: ServerResponse) => res.writeHead(503, { "content-type": "text/plain", "retry-after": "100" }).end("busy"),
        config: (url: string) => `registries:\n  npm: { baseUrl: "${url}" }\nprojects:\n  - name: s\n    packages: [{ registry: npm, name: left-pad }, { registry: npm, name: right-pad }]\n`,
      },
      {
        name: "a registry accepts the request and never answers",
        answer: () => undefined,
        config: (url: string) => `registries:\n  npm: { baseUrl: "${url}", timeoutMs: 120000 }\nprojects:\n  - name: s\n    packages: [{ registry: npm, name: left-pad }]\n`,
      },
    ])("SIGTERM while $name: interrupted, checkpointed, exit 0 at once", { timeout: 60_000 }, async ({ answer, config: body }) => {
      const server = await faultServer(answer);
      try {
        const dir = tempDir();
        const db = join(dir, "pulse.db");
        const config = writeConfig(dir, `database: ${db}\nschedule: { collect: "0 3 * * *" }\n${body(server.url)}`);
        const daemon = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T05:00:00Z" });
        await daemon.waitFor(/catch-up: the run due/);
        await until(() => server.requests() >= 1);
        // Into the wait: the back-off or the hung request has begun.
        await new Promise((r) => setTimeout(r, 300));
        const sent = server.requests();
        daemon.child.kill("SIGTERM");
        const exit = await daemon.exited;
        expect(exit.code, daemon.stderr()).toBe(0);
        expect(exit.ms).toBeLessThan(5_000);
        expect(server.requests()).toBe(sent); // no retry after the signal
        expect(query(db, "SELECT kind, status FROM runs")).toEqual([{ kind: "collect", status: "interrupted" }]);
        const targets = query<{ outcome: string; error: string | null }>(db, "SELECT outcome, error FROM run_targets");
        expect(targets.length).toBeGreaterThan(0);
        expect(targets.every((t) => t.outcome === "skipped" && t.error === "stopping"), JSON.stringify(targets)).toBe(true);
        expect(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0).toBe(true);
        expect(query(db, "SELECT * FROM leases")).toEqual([]);
        expect(daemon.stderr()).toMatch(/interrupted by shutdown/);
        expect(daemon.stderr()).toMatch(/daemon stopped; database closed/);
      } finally {
        await server.close();
      }
    });

    it("a second signal exits at once", { timeout: 60_000 }, async () => {
      const { config } = slowSetup();
      const daemon = startDaemon(config, { OSS_PULSE_NOW: "2026-01-10T05:00:00Z" });
      await daemon.waitFor(/catch-up: the run due/);
      daemon.child.kill("SIGTERM");
      await daemon.waitFor(/SIGTERM: stopping/);
      daemon.child.kill("SIGINT");
      const exit = await daemon.exited;
      expect(exit.code).toBe(1);
      expect(exit.ms).toBeLessThan(1000);
      expect(daemon.stderr()).toMatch(/second SIGINT: exiting now/);
    });
  });
});
