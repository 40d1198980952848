import { pidAlive } from "../util/process.js";
import { redact } from "../util/secrets.js";
import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

export type RunKind = "collect" | "backfill" | "score";
export type RunStatus = "running" | "ok" | "partial" | "failed" | "interrupted";
export type TargetOutcome = "ok" | "failed" | "gone" | "blocked" | "empty" | "skipped";

/** The reason recorded for a target never started because its run was told to stop. */
export const STOPPING = "stopping";

export interface TargetResult {
  /** `owner/repo` for a repository, `registry:name` for a package. */
  target: string;
  outcome: TargetOutcome;
  error?: string;
  requests?: number;
  points?: number;
}

export function startRun(db: Db, kind: RunKind, trigger: string, now: Date): number {
  const info = db
    .prepare("INSERT INTO runs (kind, trigger, started_at, status, pid) VALUES (?, ?, ?, 'running', ?)")
    .run(kind, trigger, toIso(now), process.pid);
  return Number(info.lastInsertRowid);
}

export function recordTarget(db: Db, runId: number, result: TargetResult): void {
  db.prepare(
    `INSERT INTO run_targets (run_id, target, outcome, error, requests, points)
     VALUES (@runId, @target, @outcome, @error, @requests, @points)
     ON CONFLICT (run_id, target) DO UPDATE SET outcome = excluded.outcome, error = excluded.error,
       requests = run_targets.requests + excluded.requests, points = run_targets.points + excluded.points`,
  ).run({
    runId,
    target: result.target,
    outcome: result.outcome,
    error: result.error === undefined ? null : redact(result.error),
    requests: result.requests ?? 0,
    points: result.points ?? 0,
  });
}

export function finishRun(
  db: Db,
  runId: number,
  fields: { status: RunStatus; requests: number; points: number; error?: string; now: Date },
): void {
  db.prepare(
    "UPDATE runs SET finished_at = ?, status = ?, requests = ?, points = ?, error = ? WHERE id = ?",
  ).run(toIso(fields.now), fields.status, fields.requests, fields.points, fields.error ? redact(fields.error) : null, runId);
}

/** Runs left 'running' by a process that died are marked interrupted (their pid is gone). */
export function markStaleRuns(db: Db, isAlive: (pid: number) => boolean = pidAlive): number {
  const stale = db.prepare("SELECT id, pid FROM runs WHERE status = 'running'").all() as { id: number; pid: number | null }[];
  const mark = db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = ?");
  let count = 0;
  for (const run of stale) {
    if (run.pid !== null && run.pid !== process.pid && isAlive(run.pid)) continue;
    if (run.pid === process.pid) continue;
    mark.run(run.id);
    count++;
  }
  return count;
}

/** A run as `status` and catch-up read it. */
export interface RunInfo {
  id: number;
  kind: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
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

export function lastRun(db: Db, kind: RunKind): RunInfo | null {
  return toRunInfo(db.prepare("SELECT * FROM runs WHERE kind = ? ORDER BY started_at DESC, id DESC LIMIT 1").get(kind) as RunRow | undefined);
}

/**
 * The latest collect that completed. "partial" counts: one failing repo is recorded on its own
 * and must not make every later start re-run the whole cycle.
 */
export function lastSuccessfulCollect(db: Db): RunInfo | null {
  return toRunInfo(
    db
      .prepare("SELECT * FROM runs WHERE kind = 'collect' AND status IN ('ok', 'partial') ORDER BY started_at DESC, id DESC LIMIT 1")
      .get() as RunRow | undefined,
  );
}

/**
 * Marks this process's run of `kind` left 'running' by a job that threw as failed; when the job
 * threw before it recorded a run, records one, so that `status` shows the failure and its reason.
 */
export function failOpenRun(db: Db, kind: RunKind, trigger: string, error: string, now: Date): number {
  const open = db
    .prepare("SELECT id FROM runs WHERE kind = ? AND status = 'running' AND pid = ? ORDER BY id DESC LIMIT 1")
    .pluck()
    .get(kind, process.pid) as number | undefined;
  const runId = open ?? startRun(db, kind, trigger, now);
  finishRun(db, runId, { status: "failed", requests: 0, points: 0, error, now });
  return runId;
}

export interface TargetFailure {
  target: string;
  outcome: string;
  error: string | null;
  runId: number;
  at: string;
}

/** Targets whose latest recorded outcome is a failure, with its reason. */
export function currentFailures(db: Db): TargetFailure[] {
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
