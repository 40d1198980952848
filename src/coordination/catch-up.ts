import type { Db } from "../store/open.js";
import { lastSuccessfulCollect } from "../store/runs.js";
import type { CronSchedule } from "./schedule.js";

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
