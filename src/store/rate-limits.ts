import type { RateBudget } from "../github/accounting.js";
import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

export function saveRateBudgets(db: Db, budgets: RateBudget[]): void {
  const stmt = db.prepare(
    `INSERT INTO rate_limits (resource, token, quota, remaining, reset_at, observed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (resource, token) DO UPDATE SET quota = excluded.quota, remaining = excluded.remaining,
       reset_at = excluded.reset_at, observed_at = excluded.observed_at
     WHERE excluded.observed_at >= rate_limits.observed_at`,
  );
  db.transaction(() => {
    for (const b of budgets) stmt.run(b.resource, b.token, b.quota, b.remaining, toIso(b.resetAt), toIso(b.observedAt));
  }).immediate();
}

/** A token's budget of one resource, as last seen. */
export interface StoredRateBudget {
  resource: string;
  token: string;
  quota: number;
  remaining: number;
  resetAt: string;
  observedAt: string;
}

export function readRateBudgets(db: Db): StoredRateBudget[] {
  return db
    .prepare(
      `SELECT resource, token, quota, remaining, reset_at AS resetAt, observed_at AS observedAt
       FROM rate_limits ORDER BY resource, token`,
    )
    .all() as StoredRateBudget[];
}
