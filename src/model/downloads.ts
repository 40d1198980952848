import { addDays, dayRange, type Day } from "../util/time.js";

export const WINDOW_DAYS = 30;

export interface PackageSeries {
  /** Daily figures as the registry published them. */
  daily: readonly { day: Day; downloads: number }[];
  /** Days the registry had not published yet when last asked. */
  pending: readonly Day[];
  /** What the registry said on a day: all-time total and/or a stated 30-day figure. */
  snapshots: readonly { day: Day; total: number | null; last30: number | null }[];
}

export type Downloads30 =
  | { day: Day; downloads: number; method: "daily" | "stated" | "totals" }
  | { day: Day; downloads: null; missing: string };

/**
 * Downloads in the 30 days ending on day d (d−29 … d, UTC), the same definition for every
 * registry, tried in this order:
 *
 * 1. daily: the sum of the published daily figures of d−29 … d, when all 30 are known;
 * 2. stated: the 30-day figure the registry itself stated on d (Hugging Face `downloads`);
 * 3. totals: total(d) − total(d−30), from the all-time totals snapshotted on d and on d−30,
 *    when the total never went down between them (a reset or rename would make the difference
 *    meaningless, and downloads are never negative). Snapshots in between may be missing.
 *
 * Otherwise the figure is unknown (null) and `missing` says which part is missing: never 0.
 * This is the only definition U(x) uses; it is pure: `loadPackageSeries` (src/store/packages.ts) reads its input.
 */
export function downloads30(series: PackageSeries, days: readonly Day[]): Downloads30[] {
  return evaluate30(series, days, true);
}

/**
 * The same figures without saying what is missing: what U adds up, where the reasons would be
 * built for every incomplete day and thrown away (naming a short window's missing days is most
 * of the work on a young package).
 */
export function downloads30Values(series: PackageSeries, days: readonly Day[]): (number | null)[] {
  return evaluate30(series, days, false).map((d) => d.downloads);
}

function evaluate30(series: PackageSeries, days: readonly Day[], reasons: boolean): Downloads30[] {
  const daily = new Map(series.daily.map((row) => [row.day, row.downloads]));
  const pending = new Set(series.pending);
  const snapshots = [...series.snapshots].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const byDay = new Map(snapshots.map((s) => [s.day, s]));
  const totals = snapshots.filter((s) => s.total !== null) as { day: Day; total: number }[];
  const hasDaily = daily.size > 0 || pending.size > 0;
  const statesLast30 = snapshots.some((s) => s.last30 !== null);
  const windows = hasDaily ? dailyWindows(daily, days) : null;
  const totalsIndex = totals.length > 0 ? indexTotals(totals) : null;

  return days.map((day): Downloads30 => {
    const problems: string[] = [];
    if (windows) {
      // A day without a whole window of daily figures has none: fromDaily only names the gaps.
      const sum = windows.get(day) ?? (reasons ? fromDaily(day, daily, pending) : { missing: "" });
      if (typeof sum === "number") return { day, downloads: sum, method: "daily" };
      problems.push(sum.missing);
    }
    const stated = byDay.get(day)?.last30;
    if (stated !== undefined && stated !== null) return { day, downloads: stated, method: "stated" };
    if (statesLast30 && totals.length === 0) problems.push(`no 30-day figure stated on ${day}`);
    if (totalsIndex) {
      const difference = fromTotals(day, totals, totalsIndex);
      if (typeof difference === "number") return { day, downloads: difference, method: "totals" };
      problems.push(difference.missing);
    }
    if (problems.length === 0) problems.push("no downloads collected for this package");
    return { day, downloads: null, missing: problems.join("; ") };
  });
}

function fromDaily(day: Day, daily: ReadonlyMap<Day, number>, pending: ReadonlySet<Day>): number | { missing: string } {
  let sum = 0;
  const notPublished: Day[] = [];
  const unknown: Day[] = [];
  for (const d of dayRange(addDays(day, -(WINDOW_DAYS - 1)), day)) {
    const figure = daily.get(d);
    if (figure !== undefined) sum += figure;
    else if (pending.has(d)) notPublished.push(d);
    else unknown.push(d);
  }
  if (notPublished.length === 0 && unknown.length === 0) return sum;
  const parts: string[] = [];
  if (notPublished.length) parts.push(`daily downloads pending (not published yet) for ${spans(notPublished)}`);
  if (unknown.length) parts.push(`daily downloads missing for ${spans(unknown)}`);
  return { missing: parts.join("; ") };
}

/**
 * The 30-day sums of the days whose 30 daily figures are all published, by running sums over
 * the days in order (a day's window is then two subtractions, not thirty look-ups). The other
 * days are left to fromDaily, which names what is missing.
 */
function dailyWindows(daily: ReadonlyMap<Day, number>, days: readonly Day[]): Map<Day, number> {
  const sums = new Map<Day, number>();
  if (days.length === 0) return sums;
  let first = days[0]!;
  let last = days[0]!;
  for (const d of days) {
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const span = dayRange(addDays(first, -(WINDOW_DAYS - 1)), last);
  const at = new Map<Day, number>();
  const sum = [0];
  const known = [0];
  span.forEach((d, i) => {
    at.set(d, i);
    const figure = daily.get(d);
    sum.push(sum[i]! + (figure ?? 0));
    known.push(known[i]! + (figure === undefined ? 0 : 1));
  });
  for (const d of days) {
    const end = at.get(d)! + 1;
    const start = end - WINDOW_DAYS;
    if (known[end]! - known[start]! === WINDOW_DAYS) sums.set(d, sum[end]! - sum[start]!);
  }
  return sums;
}

/** Where each snapshot of a total sits among them, by day, and the drops between neighbours. */
interface TotalsIndex {
  at: Map<Day, number>;
  /** For each position i, the first position j >= i where the total went down (totals[j] < totals[j - 1]); totals.length: none. */
  nextDrop: number[];
}

function indexTotals(totals: readonly { day: Day; total: number }[]): TotalsIndex {
  const nextDrop = new Array<number>(totals.length + 1).fill(totals.length);
  for (let i = totals.length - 1; i >= 1; i--) nextDrop[i] = totals[i]!.total < totals[i - 1]!.total ? i : nextDrop[i + 1]!;
  return { at: new Map(totals.map((s, i) => [s.day, i])), nextDrop };
}

function fromTotals(day: Day, totals: readonly { day: Day; total: number }[], index: TotalsIndex): number | { missing: string } {
  const start = addDays(day, -WINDOW_DAYS);
  const endAt = index.at.get(day);
  const beginAt = index.at.get(start);
  const end = endAt === undefined ? undefined : totals[endAt];
  const begin = beginAt === undefined ? undefined : totals[beginAt];
  if (!end) return { missing: `no snapshot of the total on ${day}` };
  if (!begin) {
    const first = totals[0]?.day;
    const since = first !== undefined && first > start ? ` (tracking began on ${first})` : "";
    return { missing: `no snapshot of the total on ${start}${since}` };
  }
  // The snapshots from `start` to `day` are the positions beginAt..endAt: the first drop after beginAt.
  const drop = index.nextDrop[beginAt! + 1]!;
  if (drop <= endAt!) {
    const [before, after] = [totals[drop - 1]!, totals[drop]!];
    return { missing: `the total went down on ${after.day} (${before.total} to ${after.total}): a reset or rename, not negative downloads` };
  }
  return end.total - begin.total;
}

/** "2026-10-01..2026-10-03, 2026-10-09", at most three spans. */
function spans(days: readonly Day[]): string {
  const runs: [Day, Day][] = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else runs.push([day, day]);
  }
  const shown = runs.slice(0, 3).map(([a, b]) => (a === b ? a : `${a}..${b}`));
  if (runs.length > 3) shown.push(`${runs.length - 3} more`);
  return shown.join(", ");
}
