import type { Db } from "../store/open.js";
import type { CronSchedule } from "./schedule.js";

export interface CollectRun {
  id: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  error: string | null;
}

/**
 * The latest collect that completed. "partial" counts: one failing repo is recorded on its own
 * and must not make every later start re-run the whole cycle.
 */
export function lastSuccessfulCollect(db: Db): CollectRun | null {
  const row = db
    .prepare(
      `SELECT id, trigger, started_at, finished_at, status, error FROM runs
       WHERE kind = 'collect' AND status IN ('ok', 'partial') ORDER BY started_at DESC, id DESC LIMIT 1`,
    )
    .get() as { id: number; trigger: string; started_at: string; finished_at: string | null; status: string; error: string | null } | undefined;
  if (!row) return null;
  return { id: row.id, trigger: row.trigger, startedAt: row.started_at, finishedAt: row.finished_at, status: row.status, error: row.error };
}

/**
 * The slot to catch up on: the last scheduled slot at or before `now`, when no successful
 * collect started at or after it. node-cron replays nothing, so this comparison with the
 * database is what makes a missed run happen once, and only once: the catch-up itself starts
 * after the slot, so asking again afterwards answers null.
 */
export function missedSlot(db: Db, schedule: CronSchedule, now: Date): Date | null {
  const slot = schedule.previous(now);
  if (!slot) return null;
  const last = lastSuccessfulCollect(db);
  if (last && Date.parse(last.startedAt) >= slot.getTime()) return null;
  return slot;
}
