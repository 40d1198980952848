import cron, { type ParsedFields, type ScheduledTask } from "node-cron";
import { type WallTime, addWallDays, instantOf, secondsOfDay, wallTimeOf } from "./zoned-time.js";

// Far enough back for "29 February" (every four years) with room to spare.
const MAX_DAYS = 366 * 8;

/**
 * A cron expression read in a timezone, with the slots around any instant. node-cron only
 * looks forward from the real clock and never back, yet catch-up and `status` need the last
 * slot before a given "now"; so this walks the calendar itself and leaves the meaning of every
 * field to node-cron's own matcher (L, W, #, DST), called through `match()` on tasks that are
 * created but never started.
 */
export class CronSchedule {
  private readonly matcher: ScheduledTask;
  private readonly dayMatcher: ScheduledTask | null;
  /** Every time of day the expression allows, as seconds since midnight, ascending. */
  private readonly times: Int32Array;

  constructor(
    readonly expression: string,
    readonly timezone: string = "UTC",
  ) {
    const fields = cron.parse(expression);
    this.matcher = cron.createTask(expression, () => undefined, { timezone });
    this.dayMatcher = createDayMatcher(fields, timezone);
    this.times = timesOfDay(fields);
  }

  /** The latest slot at or before `now`, or null when there was none within eight years. */
  previous(now: Date): Date | null {
    return this.walk(now, -1);
  }

  /** The earliest slot after `now`. */
  next(now: Date): Date | null {
    return this.walk(now, 1);
  }

  /** Drops the matcher tasks from node-cron's global registry. */
  dispose(): void {
    void this.matcher.destroy();
    void this.dayMatcher?.destroy();
  }

  private walk(now: Date, direction: 1 | -1): Date | null {
    const nowMs = Math.floor(now.getTime() / 1000) * 1000;
    const start = wallTimeOf(nowMs, this.timezone);
    const nowSecond = secondsOfDay(start.hour, start.minute, start.second);
    const count = this.times.length;
    for (let i = 0; i <= MAX_DAYS; i++) {
      const day = addWallDays(start, i * direction);
      if (!this.dayMatches(day)) continue;
      for (let k = 0; k < count; k++) {
        const second = this.times[direction === 1 ? k : count - 1 - k]!;
        // A cheap pre-filter on the first day; the instant comparison below is the real test
        // (it also sorts out the hour that DST repeats).
        if (i === 0 && (direction === 1 ? second < nowSecond : second > nowSecond)) continue;
        const at = instantOf({ ...day, hour: Math.floor(second / 3600), minute: Math.floor(second / 60) % 60, second: second % 60 }, this.timezone);
        if (direction === 1 ? at <= nowMs : at > nowMs) continue;
        if (this.matcher.match(new Date(at))) return new Date(at);
      }
    }
    return null;
  }

  private dayMatches(day: WallTime): boolean {
    if (!this.dayMatcher) return true;
    // Noon exists on every day in every timezone, DST transitions included.
    return this.dayMatcher.match(new Date(instantOf({ ...day, hour: 12, minute: 0, second: 0 }, this.timezone)));
  }
}

/**
 * A matcher for the day fields alone, so that a day with no slot is rejected with one test
 * instead of one per time of day. Null when the fields cannot be written back (every day is
 * then tried in full, which is slower but still right).
 */
function createDayMatcher(fields: ParsedFields, timezone: string): ScheduledTask | null {
  const everyDay = fields.dayOfMonth.length === 31 && fields.dayOfMonth.every((d) => typeof d === "number");
  const expression = `0 0 12 ${everyDay ? "*" : fields.dayOfMonth.join(",")} ${fields.month.join(",")} ${fields.dayOfWeek.join(",")}`;
  if (!cron.validate(expression)) return null;
  return cron.createTask(expression, () => undefined, { timezone });
}

function timesOfDay(fields: ParsedFields): Int32Array {
  const out: number[] = [];
  for (const h of fields.hour) for (const m of fields.minute) for (const s of fields.second) out.push(secondsOfDay(h, m, s));
  return Int32Array.from(new Set(out)).sort();
}
