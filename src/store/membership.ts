import type { ListedRepo } from "../config/portfolio.js";
import type { OwnerKind } from "../github/discovery.js";
import { BEGINNING, type Day, dayOf, toIso } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";

/** Why a repository is wanted by a project now: the source that brings it, and whether that source is new. */
export interface WantedRepo {
  via: string;
  /** A source seen for the first time brings its members in from the beginning of their history. */
  founding: boolean;
}

export interface MembershipChange {
  project: string;
  kind: "repo" | "package";
  name: string;
  change: "joined" | "left";
  day: Day;
  at: string;
  via: string;
  reason: string | null;
}

/** A member's days: joined <= day < left (left null: still a member). */
export interface MemberInterval {
  from: Day;
  to: Day | null;
}

/**
 * Records that a source of a project was seen; returns true the first time. Call before
 * `syncRepoMembers` so that a new source's members join from the beginning.
 */
export function noteSource(db: Db, projectId: number, source: string, now: Date): boolean {
  return db.prepare("INSERT INTO project_sources (project_id, source, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").run(projectId, source, toIso(now)).changes > 0;
}

const TABLES = {
  repo: { membership: "repo_membership", current: "project_repos", id: "repo_id" },
  package: { membership: "package_membership", current: "project_packages", id: "package_id" },
} as const;

/**
 * Makes a project's current repositories (or packages) `wanted`: a wanted one that is not a
 * member joins (from the beginning when its source is new, else on today's day; a repository
 * that joins late has its history read once); a member not wanted leaves today with
 * `reasonOf(id)`. Nothing is deleted: a departed member's interval stays, so its history still
 * counts on the days it belonged. Call inside a transaction.
 */
export function syncMembers(
  db: Db,
  kind: "repo" | "package",
  projectId: number,
  wanted: ReadonlyMap<number, WantedRepo>,
  reasonOf: (id: number) => string,
  now: Date,
): void {
  const t = TABLES[kind];
  const day = dayOf(now);
  const at = toIso(now);
  const open = db.prepare(`SELECT ${t.id} FROM ${t.membership} WHERE project_id = ? AND left_day IS NULL`).pluck().all(projectId) as number[];
  const openSet = new Set(open);
  const close = db.prepare(`UPDATE ${t.membership} SET left_day = ?, left_at = ?, left_reason = ? WHERE project_id = ? AND ${t.id} = ? AND left_day IS NULL`);
  const unlink = db.prepare(`DELETE FROM ${t.current} WHERE project_id = ? AND ${t.id} = ?`);
  const link = db.prepare(`INSERT OR IGNORE INTO ${t.current} (project_id, ${t.id}) VALUES (?, ?)`);
  const join =
    kind === "repo"
      ? db.prepare(`INSERT OR IGNORE INTO repo_membership (project_id, repo_id, joined_day, joined_at, via, backfill) VALUES (?, ?, ?, ?, ?, ?)`)
      : db.prepare(`INSERT OR IGNORE INTO package_membership (project_id, package_id, joined_day, joined_at, via) VALUES (?, ?, ?, ?, ?)`);
  for (const id of open) {
    if (wanted.has(id)) continue;
    close.run(day, at, reasonOf(id), projectId, id);
    unlink.run(projectId, id);
  }
  for (const [id, w] of wanted) {
    link.run(projectId, id);
    if (openSet.has(id)) continue;
    const args = [projectId, id, w.founding ? BEGINNING : day, at, w.via];
    join.run(...(kind === "repo" ? [...args, w.founding ? null : "pending"] : args));
  }
}

/**
 * Dates the departures recorded at or after `since` to the first day whose data of the repo is
 * not complete: a repo is seen once a collect, so it is not known to have belonged past its
 * last complete day, and its last days never make the project's history incomplete.
 */
export function settleDepartures(db: Db, since: Date): void {
  const rows = db
    .prepare(
      `SELECT m.project_id, m.repo_id, m.joined_at, m.joined_day, m.left_day,
              (SELECT CASE WHEN COUNT(synced_to) = 3 THEN MIN(synced_to) END FROM sync_state s
               WHERE s.repo_id = m.repo_id AND s.stream IN ('commits', 'issues', 'releases')) AS synced_to
       FROM repo_membership m WHERE m.left_at >= ?`,
    )
    .all(toIso(since)) as { project_id: number; repo_id: number; joined_at: string; joined_day: Day; left_day: Day; synced_to: string | null }[];
  const update = db.prepare("UPDATE repo_membership SET left_day = ? WHERE project_id = ? AND repo_id = ? AND joined_at = ?");
  db.transaction(() => {
    for (const row of rows) {
      if (row.synced_to === null) continue;
      // Synced up to an instant: its day is not complete, the days before it are.
      const end = dayOf(row.synced_to);
      let left = end < row.left_day ? end : row.left_day;
      if (left < row.joined_day) left = row.joined_day;
      if (left !== row.left_day) update.run(left, row.project_id, row.repo_id, row.joined_at);
    }
  }).immediate();
}

/** The membership intervals of every repository (or package) that ever belonged to the project, by id. */
export function memberIntervals(db: Db, kind: "repo" | "package", projectId: number): Map<number, MemberInterval[]> {
  const rows = intervalStatements(db)[kind].all(projectId) as { id: number; joined_day: Day; left_day: Day | null }[];
  const out = new Map<number, MemberInterval[]>();
  for (const r of rows) {
    if (r.left_day !== null && r.left_day <= r.joined_day) continue; // joined and left the same day
    const list = out.get(r.id) ?? [];
    list.push({ from: r.joined_day, to: r.left_day });
    out.set(r.id, list);
  }
  return out;
}

const intervalStatements = preparedOnce((db: Db) => {
  const of = (kind: "repo" | "package") => {
    const t = TABLES[kind];
    return db.prepare(`SELECT ${t.id} AS id, joined_day, left_day FROM ${t.membership} WHERE project_id = ? ORDER BY ${t.id}, joined_day`);
  };
  return { repo: of("repo"), package: of("package"), packageRow: db.prepare("SELECT id, registry, name FROM packages WHERE id = ?") };
});

/** Repos whose history is still to be read once since they joined a project. */
export function pendingBackfill(db: Db, repoId: number): boolean {
  return db.prepare("SELECT 1 FROM repo_membership WHERE repo_id = ? AND backfill = 'pending' AND left_day IS NULL").get(repoId) !== undefined;
}

export function backfillDone(db: Db, repoId: number): void {
  db.prepare("UPDATE repo_membership SET backfill = 'done' WHERE repo_id = ? AND backfill = 'pending'").run(repoId);
}

/** Repositories that left any project at or after `since` (a collect crawls them one last time). */
export function departedSince(db: Db, since: Date): number[] {
  return db.prepare("SELECT DISTINCT repo_id FROM repo_membership WHERE left_at >= ?").pluck().all(toIso(since)) as number[];
}

/** What joined or left the named project at or after `since` (an instant; null: ever). */
export function membershipChanges(db: Db, projectName: string, since: string | null): MembershipChange[] {
  const from = since ?? "";
  const rows = db
    .prepare(
      `SELECT 'repo' AS kind, r.full_name AS name, m.joined_day, m.joined_at, m.via, m.left_day, m.left_at, m.left_reason
       FROM repo_membership m JOIN repos r ON r.id = m.repo_id JOIN projects p ON p.id = m.project_id
       WHERE p.name = @project AND (m.joined_at >= @from OR m.left_at >= @from)
       UNION ALL
       SELECT 'package', k.registry || ':' || k.name, m.joined_day, m.joined_at, m.via, m.left_day, m.left_at, m.left_reason
       FROM package_membership m JOIN packages k ON k.id = m.package_id JOIN projects p ON p.id = m.project_id
       WHERE p.name = @project AND (m.joined_at >= @from OR m.left_at >= @from)`,
    )
    .all({ project: projectName, from }) as {
    kind: "repo" | "package";
    name: string;
    joined_day: Day;
    joined_at: string;
    via: string;
    left_day: Day | null;
    left_at: string | null;
    left_reason: string | null;
  }[];
  const changes: MembershipChange[] = [];
  for (const r of rows) {
    const base = { project: projectName, kind: r.kind, name: r.name, via: r.via };
    if (r.joined_at >= from) changes.push({ ...base, change: "joined", day: r.joined_day, at: r.joined_at, reason: null });
    if (r.left_at !== null && r.left_day !== null && r.left_at >= from) changes.push({ ...base, change: "left", day: r.left_day, at: r.left_at, reason: r.left_reason });
  }
  return changes.sort((a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name));
}

/** How many repositories and packages the project has now. */
export function memberCounts(db: Db, projectName: string): { repos: number; packages: number } {
  return db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM project_repos WHERE project_id = p.id) AS repos,
              (SELECT COUNT(*) FROM project_packages WHERE project_id = p.id) AS packages
       FROM projects p WHERE p.name = ?`,
    )
    .get(projectName) as { repos: number; packages: number } | undefined ?? { repos: 0, packages: 0 };
}

export interface OwnerState {
  name: string;
  kind: OwnerKind;
  listedAt: string;
}

export interface OwnerRepo extends ListedRepo {
  repoId: number;
}

export function ownerState(db: Db, owner: string): OwnerState | null {
  const row = db.prepare("SELECT name, kind, listed_at AS listedAt FROM owners WHERE name = ?").get(owner) as OwnerState | undefined;
  return row ?? null;
}

/** The stored listing of an owner (empty when never listed). */
export function ownerRepos(db: Db, owner: string): OwnerRepo[] {
  return (
    db.prepare("SELECT repo_id AS repoId, name, fork, archived, stars FROM owner_repos WHERE owner = ? ORDER BY name").all(owner) as
      { repoId: number; name: string; fork: number; archived: number; stars: number }[]
  ).map((r) => ({ ...r, fork: r.fork === 1, archived: r.archived === 1 }));
}

/** Every package that ever belonged to the project, with the days it did. */
export function projectPackagesEver(db: Db, projectName: string): { id: number; registry: string; name: string; member: MemberInterval[] }[] {
  const projectId = db.prepare("SELECT id FROM projects WHERE name = ?").pluck().get(projectName) as number | undefined;
  if (projectId === undefined) return [];
  const intervals = memberIntervals(db, "package", projectId);
  const row = intervalStatements(db).packageRow;
  return [...intervals]
    .map(([id, member]) => ({ ...(row.get(id) as { id: number; registry: string; name: string }), member }))
    .sort((a, b) => a.registry.localeCompare(b.registry) || a.name.localeCompare(b.name));
}

/** Whether a repo or package of the project belongs to it on some days only (joined late or left). */
export function hasPartialMembers(db: Db, projectId: number): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM repo_membership WHERE project_id = @p AND (joined_day <> '0001-01-01' OR left_day IS NOT NULL)
         UNION ALL SELECT 1 FROM package_membership WHERE project_id = @p AND (joined_day <> '0001-01-01' OR left_day IS NOT NULL) LIMIT 1`,
      )
      .get({ p: projectId }) !== undefined
  );
}
