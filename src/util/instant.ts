import { z } from "zod";
import { addDays, dayOf, isDay } from "./time.js";

/**
 * Instants and days from outside (APIs) are checked at the schema boundary against a `now`
 * passed in: ISO-8601 with a four-digit year, from 1970-01-01 to one day after `now`. A date
 * outside (`+275760-09-13T00:00:00Z`, a clock years ahead) would otherwise sort wrongly as a
 * string and make scoring walk day by day to it. Dates back to 1970 are kept: histories
 * imported from older version control go back to the 1980s.
 */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const EARLIEST_DAY = "1970-01-01";
const DAY_MS = 86_400_000;

/** Marks the issues `parseLeavingOut` may answer by leaving an item out. */
const OUT_OF_RANGE = { dateOutOfRange: true } as const;

/** A date problem; `outOfRange` when the value is a date (so its item may be left out), not garbage. */
export interface DateProblem {
  message: string;
  outOfRange: boolean;
}

export function instantProblem(value: string, now: Date): DateProblem | null {
  if (!INSTANT_RE.test(value)) {
    const readable = !Number.isNaN(Date.parse(value));
    return { message: `not an ISO-8601 instant with a four-digit year (${JSON.stringify(value.slice(0, 40))})`, outOfRange: readable };
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return { message: `not a valid instant (${JSON.stringify(value.slice(0, 40))})`, outOfRange: false };
  if (at < EARLIEST_MS || at > now.getTime() + DAY_MS) return { message: `${value} is outside ${EARLIEST_DAY} .. ${dayOf(new Date(now.getTime() + DAY_MS))}`, outOfRange: true };
  return null;
}

export function dayProblem(value: string, now: Date): DateProblem | null {
  if (!isDay(String(value))) {
    const readable = !Number.isNaN(Date.parse(value));
    return { message: `not a YYYY-MM-DD day (${JSON.stringify(value.slice(0, 40))})`, outOfRange: readable };
  }
  const latest = addDays(dayOf(now), 1);
  if (value < EARLIEST_DAY || value > latest) return { message: `${value} is outside ${EARLIEST_DAY} .. ${latest}`, outOfRange: true };
  return null;
}

function checked(problem: (value: string) => DateProblem | null): z.ZodString {
  return z.string().check((ctx) => {
    const found = problem(ctx.value);
    if (found) ctx.issues.push({ code: "custom", message: found.message, input: ctx.value, ...(found.outOfRange ? { params: OUT_OF_RANGE } : {}) });
  });
}

/** An ISO instant from 1970 to a day after `now`. */
export function instantAt(now: Date): z.ZodString {
  return checked((value) => instantProblem(value, now));
}

/** A YYYY-MM-DD day from 1970-01-01 to the day after `now`. */
export function dayAt(now: Date): z.ZodString {
  return checked((value) => dayProblem(value, now));
}

/** Unix seconds (GitHub's star-history weeks) in the same range. */
export function unixSecondsAt(now: Date): z.ZodNumber {
  return z
    .number()
    .int()
    .check((ctx) => {
      const ms = ctx.value * 1000;
      if (ms < EARLIEST_MS || ms > now.getTime() + DAY_MS) {
        ctx.issues.push({ code: "custom", message: `${ctx.value} (unix seconds) is outside ${EARLIEST_DAY} .. ${dayOf(new Date(now.getTime() + DAY_MS))}`, input: ctx.value, params: OUT_OF_RANGE });
      }
    });
}

export type LeftOutParse<T> = { success: true; data: T; leftOut: string[] } | { success: false; issues: z.core.$ZodIssue[] };

/**
 * Parses `data`; an element of a list whose only problems are dates out of range is left out
 * (and described in `leftOut`), and the rest is kept. Any other problem fails the whole answer.
 */
export function parseLeavingOut<T>(schema: z.ZodType<T>, data: unknown): LeftOutParse<T> {
  const first = schema.safeParse(data);
  if (first.success) return { success: true, data: first.data, leftOut: [] };
  const cuts = new Map<string, { container: (string | number)[]; index: number; problems: string[] }>();
  for (const issue of first.error.issues) {
    const at = issue.path.findIndex((part) => typeof part === "number");
    const params = (issue as { params?: Record<string, unknown> }).params;
    if (at < 0 || params?.dateOutOfRange !== true) return { success: false, issues: first.error.issues };
    const container = issue.path.slice(0, at) as (string | number)[];
    const index = issue.path[at] as number;
    const key = JSON.stringify([...container, index]);
    const cut = cuts.get(key) ?? { container, index, problems: [] };
    cut.problems.push(`${issue.path.slice(at + 1).join(".") || "(item)"}: ${issue.message}`);
    cuts.set(key, cut);
  }
  const copy = structuredClone(data) as unknown;
  const leftOut: string[] = [];
  // Highest index first, so earlier indices stay valid.
  for (const cut of [...cuts.values()].sort((a, b) => b.index - a.index)) {
    const list = cut.container.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as unknown[];
    const where = cut.container.length > 0 ? `${cut.container.join(".")}.${cut.index}` : `item ${cut.index}`;
    leftOut.push(`${where} (${itemName(list[cut.index])}): ${cut.problems.join("; ")}`);
    list.splice(cut.index, 1);
  }
  const second = schema.safeParse(copy);
  if (!second.success) return { success: false, issues: second.error.issues };
  return { success: true, data: second.data, leftOut: leftOut.reverse() };
}

/** How an item names itself: a commit's sha, an issue's number, a release's tag, a row's day. */
function itemName(item: unknown): string {
  if (typeof item !== "object" || item === null) return "item";
  const record = item as Record<string, unknown>;
  for (const key of ["sha", "number", "tag_name", "id", "day", "date", "week"]) {
    const value = record[key];
    if (typeof value === "string" || typeof value === "number") return `${key} ${String(value).slice(0, 40)}`;
  }
  return "item";
}
