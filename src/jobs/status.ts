import { existsSync, statSync } from "node:fs";
import type { Config } from "../config/schema.js";
import { thisProcess } from "../coordination/lease.js";
import { rateLimitPause } from "../coordination/rate-pause.js";
import { CronSchedule } from "../coordination/schedule.js";
import { type LeaseHolder, type ProcessIdentity, leaseHolder } from "../store/leases.js";
import { type Db, hasTable } from "../store/open.js";
import { readPackageFreshness } from "../store/packages.js";
import { type StoredRateBudget, readRateBudgets } from "../store/rate-limits.js";
import { findRepo, lastSnapshotDay } from "../store/repos.js";
import { type RunInfo, type TargetFailure, currentFailures, lastRun, lastSuccessfulCollect } from "../store/runs.js";
import { syncedToByStream } from "../store/sync.js";
import { toIso } from "../util/time.js";
import { DEFAULT_GRACE_MS } from "./defaults.js";

export { DEFAULT_GRACE_MS };

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
  failures: TargetFailure[];
  rateLimits: StoredRateBudget[];
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
        lastSuccessfulCollect: success,
        lastScore: lastRun(db, "score"),
      },
      projects: config.projects.map((p) => ({
        name: p.name,
        repos: p.repos.map((r) => repoFreshness(db, r)),
        packages: p.packages.map((pkg) => packageFreshness(db, pkg.registry, pkg.name)),
      })),
      failures: currentFailures(db),
      rateLimits: readRateBudgets(db),
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

function repoFreshness(db: Db, name: string): RepoFreshness {
  const repo = findRepo(db, name);
  if (!repo) return { repo: name, status: "new", statusReason: null, lastSnapshot: null, syncedTo: { commits: null, issues: null, releases: null, stars: null } };
  return { repo: repo.full_name, status: repo.status, statusReason: repo.status_reason, lastSnapshot: lastSnapshotDay(db, repo.id), syncedTo: syncedToByStream(db, repo.id) };
}

function packageFreshness(db: Db, registry: string, name: string): PackageFreshness {
  const label = `${registry}:${name}`;
  // The packages tables come with another migration; an older database simply has none.
  if (!hasTable(db, "packages")) return { package: label, status: "unknown", lastDownloadDay: null, lastSnapshot: null };
  const row = readPackageFreshness(db, { registry, name });
  if (!row) return { package: label, status: "new", lastDownloadDay: null, lastSnapshot: null };
  return { package: label, ...row };
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function isoOrNull(date: Date | null): string | null {
  return date ? toIso(date) : null;
}
