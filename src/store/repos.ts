import { explicitRepos, ownerSpecs, ownerWants } from "../config/portfolio.js";
import type { Config } from "../config/schema.js";
import { type WantedRepo, noteSource, ownerRepos, ownerState, syncMembers } from "./membership.js";
import { toIso } from "../util/time.js";
import { syncConfiguredBots } from "./bots.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";

export interface RepoRow {
  id: number;
  full_name: string;
  github_id: number | null;
  default_branch: string | null;
  created_at: string | null;
  status: "active" | "gone" | "blocked" | "empty";
  status_reason: string | null;
  status_at: string | null;
  first_seen_at: string;
}

/**
 * Makes projects and their membership match the config and the stored owner listings; history
 * is never deleted (a repo that leaves keeps its interval, see store/membership.ts).
 */
export function syncProjects(db: Db, config: Config, now: Date): void {
  const upsertProject = db.prepare("INSERT INTO projects (name) VALUES (?) ON CONFLICT (name) DO NOTHING");
  const projectId = db.prepare("SELECT id FROM projects WHERE name = ?").pluck();
  db.transaction(() => {
    syncConfiguredBots(db, config.bots);
    for (const project of config.projects) {
      upsertProject.run(project.name);
      const pid = projectId.get(project.name) as number;
      const wanted = new Map<number, WantedRepo>();
      const leftOut = new Map<number, string>();
      const explicit = explicitRepos(project);
      if (explicit.length > 0) {
        noteSource(db, pid, "config", now);
        // A configured repository is the project's from the beginning of its history.
        for (const name of explicit) wanted.set(ensureRepo(db, name, now).id, { via: "config", founding: true });
      }
      for (const spec of ownerSpecs(project)) {
        if (!ownerState(db, spec.name)) continue; // not listed yet: its members join once it is
        const source = `owner:${spec.name.toLowerCase()}`;
        const founding = noteSource(db, pid, source, now);
        for (const listed of ownerRepos(db, spec.name)) {
          if (wanted.has(listed.repoId)) continue;
          if (ownerWants(spec, listed)) wanted.set(listed.repoId, { via: source, founding });
          else leftOut.set(listed.repoId, `left out by the options of owner ${spec.name}`);
        }
      }
      syncMembers(db, "repo", pid, wanted, (repoId) => leftOut.get(repoId) ?? "no longer in the config or in its owner's public listing", now);
    }
  }).immediate();
}

/** The id of a project, created on first sight. */
export function ensureProject(db: Db, name: string): number {
  db.prepare("INSERT INTO projects (name) VALUES (?) ON CONFLICT (name) DO NOTHING").run(name);
  return projectIdOf(db, name);
}

/** The id of a project already recorded (syncProjects records every configured one). */
export function projectIdOf(db: Db, name: string): number {
  return lookups(db).projectId.get(name) as number;
}

export function repoById(db: Db, id: number): RepoRow {
  return lookups(db).repo.get(id) as RepoRow;
}

/** Look-ups made for every project and repo the scorer reads: prepared once per connection. */
const lookups = preparedOnce((db: Db) => ({
  projectId: db.prepare("SELECT id FROM projects WHERE name = ?").pluck(),
  repo: db.prepare("SELECT * FROM repos WHERE id = ?"),
}));

/** The repo row for a configured name, following recorded renames. */
export function ensureRepo(db: Db, fullName: string, now: Date): RepoRow {
  const found = findRepo(db, fullName);
  if (found) return found;
  db.prepare("INSERT INTO repos (full_name, first_seen_at) VALUES (?, ?)").run(fullName, toIso(now));
  return findRepo(db, fullName)!;
}

export function findRepo(db: Db, fullName: string): RepoRow | undefined {
  return (db.prepare("SELECT * FROM repos WHERE full_name = ?").get(fullName) ??
    db.prepare("SELECT r.* FROM repos r JOIN repo_aliases a ON a.repo_id = r.id WHERE a.old_name = ?").get(fullName)) as
    | RepoRow
    | undefined;
}

export function projectRepos(db: Db, projectName: string): RepoRow[] {
  return db
    .prepare(
      `SELECT r.* FROM repos r JOIN project_repos pr ON pr.repo_id = r.id
       JOIN projects p ON p.id = pr.project_id WHERE p.name = ? ORDER BY r.full_name`,
    )
    .all(projectName) as RepoRow[];
}

/** The distinct repos of the named projects. */
export function reposOf(db: Db, projectNames: readonly string[]): RepoRow[] {
  const byId = new Map<number, RepoRow>();
  for (const name of projectNames) for (const repo of projectRepos(db, name)) byId.set(repo.id, repo);
  return [...byId.values()];
}

export interface RepoIdentity {
  githubId: number;
  fullName: string;
  defaultBranch: string | null;
  createdAt: string;
}

/**
 * Records what GitHub says the repo is. A new name is a rename (the old one becomes an alias);
 * an old name now pointing at another repository id is refused, so two series never merge.
 */
export function updateIdentity(db: Db, repo: RepoRow, identity: RepoIdentity, now: Date): { renamedFrom?: string; conflict?: string } {
  if (repo.github_id !== null && repo.github_id !== identity.githubId) {
    return { conflict: `${repo.full_name} now names a different repository (id ${identity.githubId}, was ${repo.github_id}); not merging their histories` };
  }
  const other = db.prepare("SELECT id FROM repos WHERE github_id = ? AND id <> ?").pluck().get(identity.githubId, repo.id);
  if (other !== undefined) {
    return { conflict: `${repo.full_name} is the same repository as another tracked one (id ${identity.githubId})` };
  }
  let renamedFrom: string | undefined;
  db.transaction(() => {
    if (identity.fullName.toLowerCase() !== repo.full_name.toLowerCase()) {
      const clash = db.prepare("SELECT id FROM repos WHERE full_name = ? AND id <> ?").pluck().get(identity.fullName, repo.id);
      if (clash === undefined) {
        db.prepare("INSERT OR REPLACE INTO repo_aliases (old_name, repo_id, renamed_at) VALUES (?, ?, ?)").run(repo.full_name, repo.id, toIso(now));
        db.prepare("UPDATE repos SET full_name = ? WHERE id = ?").run(identity.fullName, repo.id);
        renamedFrom = repo.full_name;
      }
    }
    db.prepare(
      `UPDATE repos SET github_id = ?, default_branch = ?, created_at = ?,
         status = CASE WHEN status = 'empty' THEN status ELSE 'active' END,
         status_reason = CASE WHEN status = 'empty' THEN status_reason END
       WHERE id = ?`,
    ).run(identity.githubId, identity.defaultBranch, toIso(identity.createdAt), repo.id);
  }).immediate();
  return renamedFrom ? { renamedFrom } : {};
}

export function setRepoStatus(db: Db, repoId: number, status: RepoRow["status"], reason: string | null, now: Date): void {
  db.prepare("UPDATE repos SET status = ?, status_reason = ?, status_at = ? WHERE id = ?").run(status, reason, toIso(now), repoId);
}

export interface SnapshotRow {
  stars: number;
  forks: number | null;
  watchers: number | null;
  openIssues: number | null;
  openPrs: number | null;
  releases: number | null;
  releaseDownloads: number | null;
}

export function upsertRepoSnapshot(db: Db, repoId: number, day: string, takenAt: Date, s: SnapshotRow): void {
  db.prepare(
    `INSERT INTO repo_snapshots (repo_id, day, taken_at, stars, forks, watchers, open_issues, open_prs, releases, release_downloads)
     VALUES (@repoId, @day, @takenAt, @stars, @forks, @watchers, @openIssues, @openPrs, @releases, @releaseDownloads)
     ON CONFLICT (repo_id, day) DO UPDATE SET taken_at = excluded.taken_at, stars = excluded.stars,
       forks = excluded.forks, watchers = excluded.watchers, open_issues = excluded.open_issues,
       open_prs = excluded.open_prs, releases = excluded.releases,
       release_downloads = COALESCE(excluded.release_downloads, repo_snapshots.release_downloads)`,
  ).run({ repoId, day, takenAt: toIso(takenAt), ...s });
}

/**
 * A day's snapshot copied from the repo's latest earlier one, for a repository GitHub says has
 * not changed since (a 304): false when there is none to copy. A day already taken is kept.
 * Release downloads are not in the repository's answer, so they stay unknown for the day.
 */
export function carrySnapshot(db: Db, repoId: number, day: string, takenAt: Date): boolean {
  const result = db
    .prepare(
      `INSERT INTO repo_snapshots (repo_id, day, taken_at, stars, forks, watchers, open_issues, open_prs, releases, release_downloads)
       SELECT repo_id, @day, @takenAt, stars, forks, watchers, open_issues, open_prs, releases, NULL
       FROM repo_snapshots WHERE repo_id = @repoId AND day < @day ORDER BY day DESC LIMIT 1
       ON CONFLICT (repo_id, day) DO NOTHING`,
    )
    .run({ repoId, day, takenAt: toIso(takenAt) });
  if (result.changes > 0) return true;
  return db.prepare("SELECT 1 FROM repo_snapshots WHERE repo_id = ? AND day = ?").get(repoId, day) !== undefined;
}

export function setReleaseDownloads(db: Db, repoId: number, day: string): void {
  db.prepare(
    `UPDATE repo_snapshots SET release_downloads =
       (SELECT COALESCE(SUM(download_count), 0) FROM release_assets WHERE repo_id = ?)
     WHERE repo_id = ? AND day = ?`,
  ).run(repoId, repoId, day);
}

/** Sets the day's snapshot's release count from the stored releases (drafts excluded). */
export function setSnapshotReleaseCount(db: Db, repoId: number, day: string): void {
  db.prepare(
    `UPDATE repo_snapshots SET releases = (SELECT COUNT(*) FROM releases WHERE repo_id = ? AND is_draft = 0)
     WHERE repo_id = ? AND day = ?`,
  ).run(repoId, repoId, day);
}

/** The latest day with a snapshot of the repo's counts; null when never collected. */
export function lastSnapshotDay(db: Db, repoId: number): string | null {
  return db.prepare("SELECT MAX(day) FROM repo_snapshots WHERE repo_id = ?").pluck().get(repoId) as string | null;
}
