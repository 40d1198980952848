import { existsSync, statSync } from "node:fs";
import type { Config } from "../config/schema.js";
import { lastSuccessfulCollect } from "../daemon/catch-up.js";
import { type LeaseHolder, type ProcessIdentity, leaseHolder, thisProcess } from "../daemon/lease.js";
import { rateLimitPause } from "../daemon/rate-pause.js";
import { CronSchedule } from "../daemon/schedule.js";
import type { Db } from "../store/open.js";
import { findRepo } from "../store/repos.js";
import { toIso } from "../util/time.js";
import { DEFAULT_GRACE_MS } from "./defaults.js";

export { DEFAULT_GRACE_MS };

export interface RunInfo {
  id: number;
  kind: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface RepoFreshness {
  repo: string;
  status: string;
  statusReason: string | null;
  /** Latest day with a snapshot of counts; null when never collected. */
  lastSnapshot: string | null;
  /** Per stream, the instant up to which the stream is complete. */
  syncedTo: Record<"commits" | "issues" | "releases" | "stars", string | null>;
}

export interface PackageFreshness {
  package: string;
  status: string;
  lastDownloadDay: string | null;
  lastSnapshot: string | null;
}

export interface Staleness {
  stale: boolean;
  /** The latest slot whose grace period has passed: a successful collect must have started since. */
  dueSlot: string | null;
  graceMinutes: number;
  reason: string | null;
}

export interface StatusReport {
  now: string;
  healthy: boolean;
  staleness: Staleness;
  daemon: LeaseHolder | null;
  schedule: { collect: string; timezone: string; previous: string | null; next: string | null };
  runs: { lastCollect: RunInfo | null; lastSuccessfulCollect: RunInfo | null; lastScore: RunInfo | null };
  projects: { name: string; repos: RepoFreshness[]; packages: PackageFreshness[] }[];
  failures: { target: string; outcome: string; error: string | null; runId: number; at: string }[];
  rateLimits: { resource: string; token: string; quota: number; remaining: number; resetAt: string; observedAt: string }[];
  rateLimitPausedUntil: string | null;
  database: { path: string; bytes: number; walBytes: number };
}

export interface StatusOptions {
  /** The data clock (OSS_PULSE_NOW in tests). */
  now: Date;
  /** Real time, for leases shared with other processes. */
  wallNow?: Date;
  dbPath: string;
  graceMs?: number;
  me?: ProcessIdentity;
}

/** Everything `oss-pulse status` shows, as a plain object; it reads and never writes. */
export function statusReport(db: Db, config: Config, options: StatusOptions): StatusReport {
  const { now } = options;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const schedule = new CronSchedule(config.schedule.collect, config.schedule.timezone);
  try {
    const success = lastSuccessfulCollect(db);
    const staleness = stalenessOf(success ? new Date(success.startedAt) : null, schedule, now, graceMs);
    const pause = rateLimitPause(db, now);
    return {
      now: toIso(now),
      healthy: !staleness.stale,
      staleness,
      daemon: hasTable(db, "leases") ? leaseHolder(db, "daemon", options.wallNow ?? new Date(), options.me ?? thisProcess) : null,
      schedule: {
        collect: config.schedule.collect,
        timezone: config.schedule.timezone,
        previous: isoOrNull(schedule.previous(now)),
        next: isoOrNull(schedule.next(now)),
      },
      runs: {
        lastCollect: lastRun(db, "collect"),
        lastSuccessfulCollect: success ? runById(db, success.id) : null,
        lastScore: lastRun(db, "score"),
      },
      projects: config.projects.map((p) => ({
        name: p.name,
        repos: p.repos.map((r) => repoFreshness(db, r)),
        packages: p.packages.map((pkg) => packageFreshness(db, pkg.registry, pkg.name)),
      })),
      failures: currentFailures(db),
      rateLimits: rateLimits(db),
      rateLimitPausedUntil: pause ? toIso(pause.until) : null,
      database: { path: options.dbPath, bytes: fileSize(options.dbPath), walBytes: fileSize(`${options.dbPath}-wal`) },
    };
  } finally {
    schedule.dispose();
  }
}

/**
 * Stale when no successful collect started at or after the latest slot whose grace period has
 * passed. The grace lets a run that is due, or still running, finish before a health check fails.
 */
export function stalenessOf(lastSuccess: Date | null, schedule: CronSchedule, now: Date, graceMs: number): Staleness {
  const graceMinutes = Math.round(graceMs / 60_000);
  const due = schedule.previous(new Date(now.getTime() - graceMs));
  if (!due) return { stale: false, dueSlot: null, graceMinutes, reason: null };
  if (lastSuccess && lastSuccess.getTime() >= due.getTime()) return { stale: false, dueSlot: toIso(due), graceMinutes, reason: null };
  const reason = lastSuccess
    ? `the last successful collect started at ${toIso(lastSuccess)}, before the run due at ${toIso(due)}`
    : `no collect has succeeded yet; one was due at ${toIso(due)}`;
  return { stale: true, dueSlot: toIso(due), graceMinutes, reason };
}

interface RunRow {
  id: number;
  kind: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

function toRunInfo(row: RunRow | undefined): RunInfo | null {
  if (!row) return null;
  return { id: row.id, kind: row.kind, trigger: row.trigger, status: row.status, startedAt: row.started_at, finishedAt: row.finished_at, error: row.error };
}

function lastRun(db: Db, kind: string): RunInfo | null {
  return toRunInfo(db.prepare("SELECT * FROM runs WHERE kind = ? ORDER BY started_at DESC, id DESC LIMIT 1").get(kind) as RunRow | undefined);
}

function runById(db: Db, id: number): RunInfo | null {
  return toRunInfo(db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined);
}

function repoFreshness(db: Db, name: string): RepoFreshness {
  const syncedTo: RepoFreshness["syncedTo"] = { commits: null, issues: null, releases: null, stars: null };
  const repo = findRepo(db, name);
  if (!repo) return { repo: name, status: "new", statusReason: null, lastSnapshot: null, syncedTo };
  const rows = db.prepare("SELECT stream, synced_to FROM sync_state WHERE repo_id = ?").all(repo.id) as { stream: keyof typeof syncedTo; synced_to: string | null }[];
  for (const row of rows) syncedTo[row.stream] = row.synced_to;
  const lastSnapshot = db.prepare("SELECT MAX(day) FROM repo_snapshots WHERE repo_id = ?").pluck().get(repo.id) as string | null;
  return { repo: repo.full_name, status: repo.status, statusReason: repo.status_reason, lastSnapshot, syncedTo };
}

function packageFreshness(db: Db, registry: string, name: string): PackageFreshness {
  const label = `${registry}:${name}`;
  // The packages tables come with another migration; an older database simply has none.
  if (!hasTable(db, "packages")) return { package: label, status: "unknown", lastDownloadDay: null, lastSnapshot: null };
  const row = db
    .prepare(
      `SELECT p.status,
              (SELECT MAX(day) FROM package_downloads d WHERE d.package_id = p.id) AS last_download,
              (SELECT MAX(day) FROM package_snapshots s WHERE s.package_id = p.id) AS last_snapshot
       FROM packages p WHERE p.registry = ? AND p.name = ?`,
    )
    .get(registry, name) as { status: string; last_download: string | null; last_snapshot: string | null } | undefined;
  if (!row) return { package: label, status: "new", lastDownloadDay: null, lastSnapshot: null };
  return { package: label, status: row.status, lastDownloadDay: row.last_download, lastSnapshot: row.last_snapshot };
}

/** Targets whose latest recorded outcome is a failure, with its reason. */
function currentFailures(db: Db): StatusReport["failures"] {
  const rows = db
    .prepare(
      `SELECT t.target, t.outcome, t.error, t.run_id, r.started_at FROM run_targets t JOIN runs r ON r.id = t.run_id
       WHERE t.run_id = (SELECT MAX(t2.run_id) FROM run_targets t2 WHERE t2.target = t.target)
         AND t.outcome IN ('failed', 'gone', 'blocked')
       ORDER BY t.target`,
    )
    .all() as { target: string; outcome: string; error: string | null; run_id: number; started_at: string }[];
  return rows.map((r) => ({ target: r.target, outcome: r.outcome, error: r.error, runId: r.run_id, at: r.started_at }));
}

function rateLimits(db: Db): StatusReport["rateLimits"] {
  const rows = db.prepare("SELECT * FROM rate_limits ORDER BY resource, token").all() as {
    resource: string;
    token: string;
    quota: number;
    remaining: number;
    reset_at: string;
    observed_at: string;
  }[];
  return rows.map((r) => ({ resource: r.resource, token: r.token, quota: r.quota, remaining: r.remaining, resetAt: r.reset_at, observedAt: r.observed_at }));
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function isoOrNull(date: Date | null): string | null {
  return date ? toIso(date) : null;
}
