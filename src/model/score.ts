import { createHash } from "node:crypto";
import type { ModelConfig } from "../config/schema.js";
import type { Day } from "../util/time.js";

/**
 * The evaluator: pure functions from daily series to scores. Nothing here reads the database
 * or the clock. f = α·B + β·C + γ·D, B = k·ln(1 + A), C = m·N, D = n·U.
 */

export const EVENT_KINDS = ["commits", "issues_opened", "issues_closed", "prs_opened", "prs_merged", "releases"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export type EventCounts = Record<EventKind, number>;

export interface ScoreParts {
  /** Weighted events in the window; null when unknown. */
  activity: number | null;
  contributors: number | null;
  users: number | null;
  /** What is unknown, named (e.g. "stars:o/r"); empty when complete. */
  missing: string[];
}

export interface Score extends ScoreParts {
  day: Day;
  b: number | null;
  c: number | null;
  d: number | null;
  f: number | null;
  bShare: number | null;
  cShare: number | null;
  dShare: number | null;
  complete: boolean;
}

export function scoreDay(model: ModelConfig, day: Day, parts: ScoreParts): Score {
  const b = parts.activity === null ? null : model.k * Math.log1p(parts.activity);
  const c = parts.contributors === null ? null : model.m * parts.contributors;
  const d = parts.users === null ? null : model.n * parts.users;
  // Missing is not zero: with any part unknown, f is unknown too (it could only be understated).
  const f = b === null || c === null || d === null ? null : model.alpha * b + model.beta * c + model.gamma * d;
  const share = (weighted: number | null) => (f === null || f === 0 || weighted === null ? null : weighted / f);
  return {
    day,
    ...parts,
    b,
    c,
    d,
    f,
    bShare: share(b === null ? null : model.alpha * b),
    cShare: share(c === null ? null : model.beta * c),
    dShare: share(d === null ? null : model.gamma * d),
    complete: parts.missing.length === 0 && f !== null,
  };
}

export function weightedEvents(model: ModelConfig, counts: EventCounts): number {
  let total = 0;
  for (const kind of EVENT_KINDS) total += model.events[kind] * counts[kind];
  return total;
}

/** The parameters that define a model's numbers (its name and description do not). */
export function paramsHash(model: ModelConfig): string {
  const { name: _name, description: _description, ...params } = model;
  return createHash("sha256").update(stableJson(params)).digest("hex").slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Sums over a trailing window, by prefix sums: sums[i] = Σ values[i-w+1 .. i]. */
export function windowSums(values: readonly number[], window: number): number[] {
  const out = new Array<number>(values.length);
  let running = 0;
  for (let i = 0; i < values.length; i++) {
    running += values[i]!;
    if (i >= window) running -= values[i - window]!;
    out[i] = running;
  }
  return out;
}
