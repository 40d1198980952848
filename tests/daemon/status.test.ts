import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { CronSchedule } from "../../src/coordination/schedule.js";
import { acquireLease } from "../../src/store/leases.js";
import { stalenessOf, statusReport } from "../../src/jobs/status.js";
import type { Db } from "../../src/store/open.js";
import { syncProjects } from "../../src/store/repos.js";
import { insertRun, tempDb } from "./helpers.js";

const HOUR = 3_600_000;
const daily = new CronSchedule("0 3 * * *", "UTC");

describe("stalenessOf: stale when no success since the last slot whose grace has passed", () => {
  it.each([
    ["fresh: success at today's slot", "2026-01-10T03:00:05Z", "2026-01-10T12:00:00Z", false, "2026-01-10T03:00:00Z"],
    ["within grace: today's run may still be running", "2026-01-09T03:00:05Z", "2026-01-10T03:30:00Z", false, "2026-01-09T03:00:00Z"],
    ["stale: today's run is over an hour late", "2026-01-09T03:00:05Z", "2026-01-10T04:00:01Z", true, "2026-01-10T03:00:00Z"],
    ["stale: never collected", null, "2026-01-10T12:00:00Z", true, "2026-01-10T03:00:00Z"],
  ])("%s", (_name, last, now, stale, due) => {
    const result = stalenessOf(last ? new Date(last) : null, daily, new Date(now), HOUR);
    expect(result.stale).toBe(stale);
    if (due) expect(result.dueSlot).toBe(due);
    expect(result.reason === null).toBe(!stale);
  });
});

describe("statusReport", () => {
  let db: Db | undefined;
  afterEach(() => db?.close());

  it("reports freshness, runs, failures, rate limits, the daemon and file sizes", () => {
    const t = tempDb();
    db = t.db;
    const config = parseConfig(`
database: ${t.path}
schedule: { collect: "0 3 * * *" }
projects:
  - name: alpha
    repos: [acme/a1, acme/a2]
  - name: beta
    repos: [acme/b1]
`);
    const now = new Date("2026-01-10T12:00:00Z");
    syncProjects(db, config, now);
    const id = (name: string) => db!.prepare("SELECT id FROM repos WHERE full_name = ?").pluck().get(name) as number;
    db.prepare("INSERT INTO repo_snapshots (repo_id, day, taken_at, stars) VALUES (?, ?, ?, 5), (?, ?, ?, 6)").run(
      id("acme/a1"), "2026-01-09", "2026-01-09T03:00:10Z", id("acme/a1"), "2026-01-10", "2026-01-10T03:00:10Z",
    );
    db.prepare("INSERT INTO sync_state (repo_id, stream, synced_to, updated_at) VALUES (?, 'commits', ?, ?)").run(id("acme/a1"), "2026-01-10T03:00:09Z", "2026-01-10T03:00:09Z");
    const first = insertRun(db, { status: "partial", startedAt: "2026-01-09T03:00:00Z" });
    db.prepare("INSERT INTO run_targets (run_id, target, outcome, error) VALUES (?, 'acme/a2', 'failed', 'HTTP 502'), (?, 'acme/b1', 'gone', 'acme/b1: gone: 404')").run(first, first);
    const second = insertRun(db, { status: "partial", startedAt: "2026-01-10T03:00:00Z" });
    // a2 recovered in the latest run; b1 is still gone.
    db.prepare("INSERT INTO run_targets (run_id, target, outcome, error) VALUES (?, 'acme/a2', 'ok', NULL), (?, 'acme/b1', 'gone', 'acme/b1: gone: 404')").run(second, second);
    insertRun(db, { kind: "score", status: "ok", startedAt: "2026-01-10T03:01:00Z" });
    db.prepare("INSERT INTO rate_limits VALUES ('core', 'token-1', 5000, 4321, '2026-01-10T13:00:00Z', '2026-01-10T12:00:00Z')").run();
    acquireLease(db, "daemon", "oss-pulse daemon", 30_000, now, { host: "box", pid: 4242, isAlive: () => true });

    const report = statusReport(db, config, { now, wallNow: now, dbPath: t.path, me: { host: "box", pid: 1, isAlive: () => true } });
    expect(report.healthy).toBe(true);
    expect(report.daemon).toMatchObject({ pid: 4242, host: "box" });
    expect(report.schedule).toEqual({ collect: "0 3 * * *", timezone: "UTC", previous: "2026-01-10T03:00:00Z", next: "2026-01-11T03:00:00Z" });
    expect(report.runs.lastCollect?.id).toBe(second);
    expect(report.runs.lastSuccessfulCollect?.id).toBe(second);
    expect(report.runs.lastScore?.status).toBe("ok");
    expect(report.projects[0]!.repos[0]).toEqual({
      repo: "acme/a1",
      status: "active",
      statusReason: null,
      lastSnapshot: "2026-01-10",
      syncedTo: { commits: "2026-01-10T03:00:09Z", issues: null, releases: null, stars: null },
    });
    expect(report.projects[1]!.repos[0]!.lastSnapshot).toBeNull();
    expect(report.failures).toEqual([{ target: "acme/b1", outcome: "gone", error: "acme/b1: gone: 404", runId: second, at: "2026-01-10T03:00:00Z" }]);
    expect(report.rateLimits).toEqual([{ resource: "core", token: "token-1", quota: 5000, remaining: 4321, resetAt: "2026-01-10T13:00:00Z", observedAt: "2026-01-10T12:00:00Z" }]);
    expect(report.rateLimitPausedUntil).toBeNull();
    expect(report.database.bytes).toBeGreaterThan(0);
    expect(report.database.walBytes).toBeGreaterThanOrEqual(0);
  });

  it("is unhealthy when the last successful collect is older than the due slot, and names the pause", () => {
    const t = tempDb();
    db = t.db;
    const config = parseConfig(`database: ${t.path}\nprojects:\n  - name: alpha\n    repos: [acme/a1]\n`);
    insertRun(db, { status: "ok", startedAt: "2026-01-08T03:00:00Z" });
    insertRun(db, { status: "failed", startedAt: "2026-01-10T03:00:00Z", error: "GitHub rejected the token" });
    db.prepare("INSERT INTO rate_limits VALUES ('core', 'token-1', 5000, 0, '2026-01-10T13:00:00Z', '2026-01-10T12:00:00Z')").run();
    const report = statusReport(db, config, { now: new Date("2026-01-10T12:00:00Z"), dbPath: t.path });
    expect(report.healthy).toBe(false);
    expect(report.staleness.reason).toMatch(/2026-01-08T03:00:00Z, before the run due at 2026-01-10T03:00:00Z/);
    expect(report.runs.lastCollect).toMatchObject({ status: "failed", error: "GitHub rejected the token" });
    expect(report.rateLimitPausedUntil).toBe("2026-01-10T13:00:00Z");
    expect(report.daemon).toBeNull();
  });
});
