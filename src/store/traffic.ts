import { type Day, addDays, dayOf, toIso } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";

export type TrafficKind = "views" | "clones";

export interface TrafficRow {
  day: Day;
  count: number;
  uniques: number;
}

/**
 * Stores one answer of a traffic endpoint: each day it covered, the days without an entry as
 * 0, in one transaction with the other kind. `covers`: the first day the answer spoke for.
 */
export function saveTraffic(db: Db, repoId: number, answers: { kind: TrafficKind; from: Day; rows: TrafficRow[] }[], now: Date): void {
  const today = dayOf(now);
  const upsert = db.prepare(
    `INSERT INTO repo_traffic (repo_id, kind, day, count, uniques, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_id, kind, day) DO UPDATE SET count = excluded.count, uniques = excluded.uniques, fetched_at = excluded.fetched_at`,
  );
  db.transaction(() => {
    for (const { kind, from, rows } of answers) {
      const byDay = new Map(rows.map((r) => [r.day, r]));
      for (let day = from; day <= today; day = addDays(day, 1)) {
        const row = byDay.get(day);
        upsert.run(repoId, kind, day, row?.count ?? 0, row?.uniques ?? 0, toIso(now));
      }
    }
    db.prepare("DELETE FROM traffic_denied WHERE repo_id = ?").run(repoId);
  }).immediate();
}

/** When the repo's traffic was last refused, or null. */
export function trafficDeniedAt(db: Db, repoId: number): string | null {
  return (readStatements(db).deniedAt.get(repoId) as string | undefined) ?? null;
}

/** Read for every repo of every project the scorer evaluates: prepared once per connection. */
const readStatements = preparedOnce((db: Db) => ({
  deniedAt: db.prepare("SELECT denied_at FROM traffic_denied WHERE repo_id = ?").pluck(),
  complete: db.prepare("SELECT kind, day, count FROM repo_traffic WHERE repo_id = ? AND substr(fetched_at, 1, 10) > day ORDER BY day"),
}));

export function denyTraffic(db: Db, repoId: number, reason: string, now: Date): void {
  db.prepare(
    "INSERT INTO traffic_denied (repo_id, reason, denied_at) VALUES (?, ?, ?) ON CONFLICT (repo_id) DO UPDATE SET reason = excluded.reason, denied_at = excluded.denied_at",
  ).run(repoId, reason, toIso(now));
}

/**
 * The complete days of a repo's traffic (a row fetched after its day ended), by kind; null when
 * the token may not read it.
 */
export function loadTraffic(db: Db, repoId: number): { views: Map<Day, number>; clones: Map<Day, number> } | null {
  if (trafficDeniedAt(db, repoId) !== null) return null;
  const rows = readStatements(db).complete.all(repoId) as { kind: TrafficKind; day: Day; count: number }[];
  const out = { views: new Map<Day, number>(), clones: new Map<Day, number>() };
  for (const r of rows) out[r.kind].set(r.day, r.count);
  return out;
}
