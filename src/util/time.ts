import { StoppedError } from "../errors.js";

/** A UTC calendar day, 'YYYY-MM-DD'. */
export type Day = string;

/** The first day of a series read from its very beginning (a whole history, not a window). */
export const BEGINNING: Day = "0001-01-01";

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string): value is Day {
  if (!DAY_RE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

export function dayOf(instant: Date | string): Day {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  return date.toISOString().slice(0, 10);
}

export function addDays(day: Day, n: number): Day {
  // Calendar arithmetic on integers: scoring calls this for every day of every series, and a
  // Date parsed and formatted each time was a quarter of a full re-score.
  const z = numberOfDay(day);
  if (z === null) return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
  return dayOfNumber(z + n);
}

/**
 * Days seen, both ways (day ↔ days since 1970-01-01): a scorer meets the same few thousand days
 * over and over. Each cache is emptied when it reaches CACHED_DAYS, so it stays small.
 */
const CACHED_DAYS = 200_000;
const numbers = new Map<Day, number>();
const days = new Map<number, Day>();

/** Days since 1970-01-01 of a well-formed day in years 1–9999; null otherwise. */
function numberOfDay(day: Day): number | null {
  const cached = numbers.get(day);
  if (cached !== undefined) return cached;
  const y = digits(day, 0, 4);
  const m = digits(day, 5, 7);
  const d = digits(day, 8, 10);
  if (day.length !== 10 || day[4] !== "-" || day[7] !== "-" || y < 1 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const z = dayNumber(y, m, d);
  if (numbers.size >= CACHED_DAYS) numbers.clear();
  numbers.set(day, z);
  return z;
}

function dayOfNumber(z: number): Day {
  let day = days.get(z);
  if (day === undefined) {
    day = dayFromNumber(z);
    if (days.size >= CACHED_DAYS) days.clear();
    days.set(z, day);
  }
  return day;
}

/** The number written by the ASCII digits from..to of s; -1 when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The day of a day number (civil_from_days); outside years 0–9999 through Date. */
function dayFromNumber(z: number): Day {
  const shifted = z + 719468;
  const era = Math.floor(shifted / 146097);
  const doe = shifted - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(z * DAY_MS).toISOString().slice(0, 10);
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}

/** Every day from `from` to `to`, both included; empty when from > to. */
export function dayRange(from: Day, to: Day): Day[] {
  const first = numberOfDay(from);
  const last = numberOfDay(to);
  const range: Day[] = [];
  if (first === null || last === null) {
    for (let d = from; d <= to; d = addDays(d, 1)) range.push(d);
    return range;
  }
  for (let z = first; z <= last; z++) range.push(dayOfNumber(z));
  return range;
}

/** Normalises any ISO-8601 instant to the canonical UTC form stored in the database. */
export function toIso(instant: Date | string): string {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function minDay(a: Day | null | undefined, b: Day | null | undefined): Day | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a < b ? a : b;
}

/** Waits `ms`; rejects with StoppedError as soon as `signal` aborts (a back-off must not hold up a shutdown). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StoppedError());
    const stop = (): void => {
      clearTimeout(timer);
      reject(new StoppedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    signal?.addEventListener("abort", stop, { once: true });
  });

/**
 * `work`, or a StoppedError as soon as `signal` aborts, whichever comes first. What `work` still
 * does afterwards is left to settle on its own (its own requests see the same signal).
 */
export function unlessStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new StoppedError());
  }
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(new StoppedError());
    signal.addEventListener("abort", stop, { once: true });
    work.then(
      (value) => (signal.removeEventListener("abort", stop), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", stop), reject(error)),
    );
  });
}

/** The clock every job takes as an argument, so tests can pin "now". */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** OSS_PULSE_NOW pins the clock for reproducible runs (tests, demos); it must be ISO-8601. */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.OSS_PULSE_NOW;
  if (!pinned) return systemClock;
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime())) throw new Error(`OSS_PULSE_NOW is not an ISO-8601 instant`);
  const offset = at.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}
