import type { DailyDownloads, PackageSnapshot } from "../registries/types.js";
import { addDays, type Day } from "../util/time.js";
import type { Db } from "./open.js";

/** A package as the config names it, already in its registry's canonical form. */
export interface PackageRef {
  registry: string;
  name: string;
}

export interface PackageRow extends PackageRef {
  id: number;
  status: "active" | "gone";
}

/** What loadPackageSeries reads, each through the package's key and a range of days (checked by tests/store/series-plans.test.ts). */
export const PACKAGE_SERIES_QUERIES = {
  daily: "SELECT day, downloads FROM package_downloads WHERE package_id = ? AND day BETWEEN ? AND ?",
  pending: "SELECT day FROM package_pending_days WHERE package_id = ? AND day BETWEEN ? AND ?",
  snapshots: "SELECT day, total, last30 FROM package_snapshots WHERE package_id = ? AND day BETWEEN ? AND ? ORDER BY day",
} as const;

const cache = new WeakMap<Db, ReturnType<typeof prepare>>();

/** The statements of the package tables, prepared once per connection. */
function statements(db: Db) {
  let found = cache.get(db);
  if (!found) {
    found = prepare(db);
    cache.set(db, found);
  }
  return found;
}

function prepare(db: Db) {
  return {
    insertPackage: db.prepare(
      "INSERT INTO packages (registry, name, first_seen_at) VALUES (?, ?, ?) ON CONFLICT (registry, name) DO NOTHING",
    ),
    packageId: db.prepare("SELECT id FROM packages WHERE registry = ? AND name = ?").pluck(),
    setStatus: db.prepare("UPDATE packages SET status = ?, status_reason = ?, status_at = ? WHERE id = ? AND status IS NOT ?"),
    links: db.prepare("SELECT package_id FROM project_packages WHERE project_id = ?").pluck(),
    link: db.prepare("INSERT INTO project_packages (project_id, package_id) VALUES (?, ?) ON CONFLICT DO NOTHING"),
    unlink: db.prepare("DELETE FROM project_packages WHERE project_id = ? AND package_id = ?"),
    projectPackages: db.prepare(
      `SELECT p.id, p.registry, p.name, p.status FROM packages p
       JOIN project_packages pp ON pp.package_id = p.id JOIN projects j ON j.id = pp.project_id
       WHERE j.name = ? ORDER BY p.registry, p.name`,
    ),
    // Unchanged figures are left alone, so a second run reports no rows written.
    upsertDownloads: db.prepare(
      `INSERT INTO package_downloads (package_id, day, downloads, fetched_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (package_id, day) DO UPDATE SET downloads = excluded.downloads, fetched_at = excluded.fetched_at
       WHERE package_downloads.downloads <> excluded.downloads`,
    ),
    latestDay: db.prepare("SELECT MAX(day) FROM package_downloads WHERE package_id = ?").pluck(),
    earliestPending: db.prepare("SELECT MIN(day) FROM package_pending_days WHERE package_id = ?").pluck(),
    markPending: db.prepare("INSERT INTO package_pending_days (package_id, day, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
    clearPending: db.prepare("DELETE FROM package_pending_days WHERE package_id = ? AND day = ?"),
    clearPendingBefore: db.prepare("DELETE FROM package_pending_days WHERE package_id = ? AND day < ?"),
    upsertPackageSnapshot: db.prepare(
      `INSERT INTO package_snapshots (package_id, day, taken_at, total, last30, extra) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (package_id, day) DO UPDATE SET taken_at = excluded.taken_at, total = excluded.total,
         last30 = excluded.last30, extra = excluded.extra`,
    ),
    previousTotal: db.prepare(
      `SELECT day, total FROM package_snapshots
       WHERE package_id = ? AND day < ? AND total IS NOT NULL ORDER BY day DESC LIMIT 1`,
    ),
    upsertDrop: db.prepare(
      `INSERT INTO package_total_drops (package_id, day, previous_day, previous_total, total) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (package_id, day) DO UPDATE SET previous_day = excluded.previous_day,
         previous_total = excluded.previous_total, total = excluded.total`,
    ),
    clearDrop: db.prepare("DELETE FROM package_total_drops WHERE package_id = ? AND day = ?"),
    dailyBetween: db.prepare(PACKAGE_SERIES_QUERIES.daily),
    pendingBetween: db.prepare(PACKAGE_SERIES_QUERIES.pending).pluck(),
    snapshotsBetween: db.prepare(PACKAGE_SERIES_QUERIES.snapshots),
  };
}

/** The id of a package, created on first sight. */
export function upsertPackage(db: Db, ref: PackageRef, now: Date): number {
  const s = statements(db);
  s.insertPackage.run(ref.registry, ref.name, now.toISOString());
  return s.packageId.get(ref.registry, ref.name) as number;
}

/** Makes the project's packages exactly `packages` (the config is the truth). Returns their ids, in order. */
export function syncProjectPackages(db: Db, projectId: number, packages: readonly PackageRef[], now: Date = new Date()): number[] {
  const s = statements(db);
  const ids = packages.map((ref) => upsertPackage(db, ref, now));
  const wanted = new Set(ids);
  for (const id of ids) s.link.run(projectId, id);
  for (const id of s.links.all(projectId) as number[]) if (!wanted.has(id)) s.unlink.run(projectId, id);
  return ids;
}

/** The packages linked to a project, by project name. */
export function listProjectPackages(db: Db, projectName: string): PackageRow[] {
  return statements(db).projectPackages.all(projectName) as PackageRow[];
}

export function setPackageStatus(db: Db, packageId: number, status: PackageRow["status"], reason: string | null, now: Date): void {
  statements(db).setStatus.run(status, reason, now.toISOString(), packageId, status);
}

/** Writes published daily figures; returns how many rows were inserted or changed. */
export function upsertDailyDownloads(db: Db, packageId: number, rows: readonly DailyDownloads[], now: Date): number {
  const s = statements(db);
  let changed = 0;
  for (const row of rows) {
    changed += s.upsertDownloads.run(packageId, row.day, row.downloads, now.toISOString()).changes;
    s.clearPending.run(packageId, row.day);
  }
  return changed;
}

/** Records days not published yet, and forgets pending days before `from` (the registry no longer keeps them). */
export function markPendingDays(db: Db, packageId: number, from: Day, days: readonly Day[], now: Date): void {
  const s = statements(db);
  s.clearPendingBefore.run(packageId, from);
  for (const day of days) s.markPending.run(packageId, day, now.toISOString());
}

/** The newest day with a figure, and the oldest day still pending: where the next collect starts. */
export function dailyCoverage(db: Db, packageId: number): { latest: Day | null; earliestPending: Day | null } {
  const s = statements(db);
  return {
    latest: (s.latestDay.get(packageId) as Day | null) ?? null,
    earliestPending: (s.earliestPending.get(packageId) as Day | null) ?? null,
  };
}

/**
 * Stores the day's snapshot (replacing an earlier one of the same day) and records a drop when
 * the total is lower than the previous day's. Returns the drop, if any.
 */
export function upsertPackageSnapshot(
  db: Db,
  packageId: number,
  day: Day,
  snapshot: PackageSnapshot,
  now: Date,
): { previousDay: Day; previousTotal: number } | null {
  const s = statements(db);
  s.upsertPackageSnapshot.run(packageId, day, now.toISOString(), snapshot.total, snapshot.last30, JSON.stringify(snapshot.extra ?? {}));
  const previous = s.previousTotal.get(packageId, day) as { day: Day; total: number } | undefined;
  if (snapshot.total !== null && previous && snapshot.total < previous.total) {
    s.upsertDrop.run(packageId, day, previous.day, previous.total, snapshot.total);
    return { previousDay: previous.day, previousTotal: previous.total };
  }
  s.clearDrop.run(packageId, day);
  return null;
}

/**
 * What is stored of one package that bears on its downloads over the 30 days ending on each day
 * of [from, to]: published daily figures, days still pending, and snapshots of totals.
 */
export function loadPackageSeries(db: Db, packageId: number, from: Day, to: Day) {
  const s = statements(db);
  const start = addDays(from, -30);
  return {
    daily: s.dailyBetween.all(packageId, start, to) as { day: Day; downloads: number }[],
    pending: s.pendingBetween.all(packageId, start, to) as Day[],
    snapshots: s.snapshotsBetween.all(packageId, start, to) as { day: Day; total: number | null; last30: number | null }[],
  };
}

/** A package's status and its newest stored day of each kind; undefined when never seen. */
export function readPackageFreshness(db: Db, ref: PackageRef): { status: string; lastDownloadDay: Day | null; lastSnapshot: Day | null } | undefined {
  return db
    .prepare(
      `SELECT p.status,
              (SELECT MAX(day) FROM package_downloads d WHERE d.package_id = p.id) AS lastDownloadDay,
              (SELECT MAX(day) FROM package_snapshots s WHERE s.package_id = p.id) AS lastSnapshot
       FROM packages p WHERE p.registry = ? AND p.name = ?`,
    )
    .get(ref.registry, ref.name) as { status: string; lastDownloadDay: Day | null; lastSnapshot: Day | null } | undefined;
}
