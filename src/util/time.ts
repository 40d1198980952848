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
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included; empty when from > to. */
export function dayRange(from: Day, to: Day): Day[] {
  const days: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
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
