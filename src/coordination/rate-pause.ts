import type { Db } from "../store/open.js";
import { readRateBudgets } from "../store/rate-limits.js";
import { toIso } from "../util/time.js";

/** The GitHub budgets a collection cannot do without. */
const NEEDED = ["core", "graphql"];

export interface RatePause {
  resource: string;
  until: Date;
}

/**
 * When every token's budget of a resource a collection needs is spent and not yet reset, the
 * instant collection can resume (the latest such reset); otherwise null. Starting a run before
 * then would only fail each repo in turn.
 */
export function rateLimitPause(db: Db, now: Date): RatePause | null {
  const rows = readRateBudgets(db);
  let pause: RatePause | null = null;
  for (const resource of NEEDED) {
    const budgets = rows.filter((r) => r.resource === resource);
    if (budgets.length === 0) continue;
    const spent = budgets.every((b) => b.remaining <= 0 && Date.parse(b.resetAt) > now.getTime());
    if (!spent) continue;
    // With several tokens, the first one to reset lets work resume.
    const until = new Date(Math.min(...budgets.map((b) => Date.parse(b.resetAt))));
    if (!pause || until > pause.until) pause = { resource, until };
  }
  return pause;
}

export function describePause(pause: RatePause): string {
  return `GitHub ${pause.resource} rate limit spent until ${toIso(pause.until)}`;
}
