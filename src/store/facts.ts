import type { CommitItem, IssueItem, ReleaseItem } from "../github/schemas.js";
import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

// Upserts of raw facts, keyed by natural keys: collecting the same page twice changes nothing.
// A commit's key includes its committer date, which its sha fixes (see migrations/0006).

export function upsertCommits(db: Db, repoId: number, items: CommitItem[]): void {
  const stmt = db.prepare(
    `INSERT INTO commits (repo_id, sha, committed_at, authored_at, author_login, author_type, author_email, author_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_id, committed_at, sha) DO UPDATE SET authored_at = excluded.authored_at, author_login = excluded.author_login,
       author_type = excluded.author_type, author_email = excluded.author_email, author_name = excluded.author_name`,
  );
  for (const c of items) {
    const author = c.commit.author;
    stmt.run(
      repoId,
      c.sha,
      toIso(c.commit.committer.date),
      author?.date ? toIso(author.date) : null,
      c.author?.login ?? null,
      c.author?.type ?? null,
      author?.email ? author.email.toLowerCase() : null,
      author?.name ?? null,
    );
  }
}

/** Which of these commits (sha and committer date, as listed) the repo already has. */
export function storedCommits(db: Db, repoId: number, commits: readonly { sha: string; committedAt: string }[]): Set<string> {
  const stmt = db.prepare("SELECT 1 FROM commits WHERE repo_id = ? AND committed_at = ? AND sha = ?").pluck();
  return new Set(commits.filter((c) => stmt.get(repoId, toIso(c.committedAt), c.sha) !== undefined).map((c) => c.sha));
}

export function upsertIssues(db: Db, repoId: number, items: IssueItem[]): void {
  const stmt = db.prepare(
    `INSERT INTO issues (repo_id, number, is_pull, author_login, author_type, state, created_at, closed_at, merged_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_id, number) DO UPDATE SET is_pull = excluded.is_pull, author_login = excluded.author_login,
       author_type = excluded.author_type, state = excluded.state, created_at = excluded.created_at,
       closed_at = excluded.closed_at, merged_at = excluded.merged_at, updated_at = excluded.updated_at`,
  );
  for (const i of items) {
    const isPull = i.pull_request !== undefined;
    stmt.run(
      repoId,
      i.number,
      isPull ? 1 : 0,
      i.user?.login ?? null,
      i.user?.type ?? null,
      i.state,
      toIso(i.created_at),
      i.closed_at ? toIso(i.closed_at) : null,
      isPull && i.pull_request?.merged_at ? toIso(i.pull_request.merged_at) : null,
      toIso(i.updated_at),
    );
  }
}

export function upsertReleases(db: Db, repoId: number, items: ReleaseItem[]): void {
  const release = db.prepare(
    `INSERT INTO releases (repo_id, release_id, tag_name, name, is_draft, is_prerelease, created_at, published_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_id, release_id) DO UPDATE SET tag_name = excluded.tag_name, name = excluded.name,
       is_draft = excluded.is_draft, is_prerelease = excluded.is_prerelease,
       created_at = excluded.created_at, published_at = excluded.published_at`,
  );
  const asset = db.prepare(
    `INSERT INTO release_assets (repo_id, asset_id, release_id, name, download_count, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (repo_id, asset_id) DO UPDATE SET release_id = excluded.release_id, name = excluded.name,
       download_count = excluded.download_count, updated_at = excluded.updated_at`,
  );
  for (const r of items) {
    release.run(
      repoId,
      r.id,
      r.tag_name,
      r.name,
      r.draft ? 1 : 0,
      r.prerelease ? 1 : 0,
      r.created_at ? toIso(r.created_at) : null,
      r.published_at ? toIso(r.published_at) : null,
    );
    for (const a of r.assets) asset.run(repoId, a.id, r.id, a.name, a.download_count, a.updated_at ? toIso(a.updated_at) : null);
  }
}

/** The newest `updated_at` among a repo's stored issues and pull requests. */
export function latestIssueUpdate(db: Db, repoId: number): string | null {
  return db.prepare("SELECT MAX(updated_at) FROM issues WHERE repo_id = ?").pluck().get(repoId) as string | null;
}

/** The newest committer date among a repo's stored commits. */
export function latestCommitDate(db: Db, repoId: number): string | null {
  return db.prepare("SELECT MAX(committed_at) FROM commits WHERE repo_id = ?").pluck().get(repoId) as string | null;
}

/** How many of a repo's stored commits have a committer date at or after `since` (null: all). */
export function countCommitsFrom(db: Db, repoId: number, since: string | null): number {
  return db.prepare("SELECT COUNT(*) FROM commits WHERE repo_id = ? AND committed_at >= ?").pluck().get(repoId, since === null ? "" : toIso(since)) as number;
}

/** Retained stars given on each day (star history), replacing what a day had. */
export function upsertStarHistory(db: Db, repoId: number, days: readonly (readonly [string, number])[]): void {
  const stmt = db.prepare(
    `INSERT INTO star_history (repo_id, day, stars_added) VALUES (?, ?, ?)
     ON CONFLICT (repo_id, day) DO UPDATE SET stars_added = excluded.stars_added`,
  );
  for (const [day, n] of days) stmt.run(repoId, day, n);
}
