import { addDays, dayRange, type Day } from "../util/time.js";
import type { DailyDownloads, DailySeries } from "./types.js";

/**
 * Splits [from, to] at `through`, the newest day the registry has published: days up to it get
 * their figure, later days are pending. `through` null means nothing is published yet. A day up
 * to `through` that the answer does not list is 0 where the registry omits days without
 * downloads (`absent: "zero"`), and pending where it lists every day, zeros included
 * (`absent: "pending"`): there a short or empty series means days are missing, not zeros.
 */
export function publishedSeries(from: Day, to: Day, through: Day | null, figures: ReadonlyMap<Day, number>, absent: "zero" | "pending" = "zero"): DailySeries {
  const last = through === null || through < from ? addDays(from, -1) : through < to ? through : to;
  const days: DailyDownloads[] = [];
  const pending: Day[] = [];
  for (const day of dayRange(from, last)) {
    const figure = figures.get(day) ?? (absent === "zero" ? 0 : undefined);
    if (figure === undefined) pending.push(day);
    else days.push({ day, downloads: figure });
  }
  return { from, days, pending: [...pending, ...dayRange(addDays(last, 1), to)] };
}

/** The later of two days. */
export function laterDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}
