import { addDays, dayRange, type Day } from "../util/time.js";
import type { DailySeries } from "./types.js";

/**
 * Splits [from, to] at `through`, the newest day the registry has published: days up to it get
 * their figure (0 where none is listed: registries omit days without downloads), later days are
 * pending. `through` null means nothing is published yet.
 */
export function publishedSeries(from: Day, to: Day, through: Day | null, figures: ReadonlyMap<Day, number>): DailySeries {
  const last = through === null || through < from ? addDays(from, -1) : through < to ? through : to;
  return {
    from,
    days: dayRange(from, last).map((day) => ({ day, downloads: figures.get(day) ?? 0 })),
    pending: dayRange(addDays(last, 1), to),
  };
}

/** The later of two days. */
export function laterDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}
