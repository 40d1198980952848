import { pidAlive } from "../util/process.js";
import { redact } from "../util/secrets.js";
import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

export type RunKind = "collect" | "backfill" | "score";
export type RunStatus = "running" | "ok" | "partial" | "failed" | "interrupted";
export type TargetOutcome = "ok" | "failed" | "gone" | "blocked" | "empty" | "skipped";

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
