-- oss-pulse schema, version 6: commits kept in the order they are read, without a second copy.
--
-- Until now `commits` was keyed (repo_id, sha) and indexed again by (repo_id, committed_at) in
-- `commits_by_day`. An index of a WITHOUT ROWID table carries the table's key, so that index
-- repeated every 40-character hex sha: about a third of the bytes of every commit. A sha fixes
-- the commit's committer date (git hashes the date into the commit), so the key
-- (repo_id, committed_at, sha) is exactly as unique as (repo_id, sha), and it serves the queries
-- that needed the index: the newest commit of a repo (where a collection resumes) and commits per
-- day (activity). The rows are copied into the new table in key order; the analysts' views that
-- read `commits` through `daily_repo_activity` are dropped and created again unchanged around the swap.
--
-- What each index is for (every other table is keyed by its natural key, WITHOUT ROWID, and
-- the key is the table):
--   commits (repo_id, committed_at, sha)  upsert of a page of commits (by sha, with its date);
--                                          MAX(committed_at) of a repo; commits per day; a
--                                          project's contributors (rows of its repos)
--   issues (repo_id, number)               upsert; MAX(updated_at) and activity read a repo's rows
--   repo_snapshots, star_history,
--   package_downloads, package_snapshots,
--   package_pending_days (…, day)          upsert of a day; a series read in day order
--   scores (project_id, model, day)        upsert; a series in day order; latest day of a series
--   repos UNIQUE (full_name), UNIQUE (github_id), projects UNIQUE (name),
--   packages UNIQUE (registry, name)       lookups by name and by GitHub id
--   project_packages_by_package            the project_packages rows of a package (cascading
--                                          deletes from packages; its key starts with the project)

DROP VIEW daily_project_activity;
DROP VIEW daily_repo_activity;

CREATE TABLE commits_by_key (
  repo_id      INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  sha          TEXT NOT NULL,
  committed_at TEXT NOT NULL,
  authored_at  TEXT,
  author_login TEXT,
  author_type  TEXT,
  author_email TEXT,
  author_name  TEXT,
  PRIMARY KEY (repo_id, committed_at, sha)
) WITHOUT ROWID;

INSERT INTO commits_by_key (repo_id, sha, committed_at, authored_at, author_login, author_type, author_email, author_name)
SELECT repo_id, sha, committed_at, authored_at, author_login, author_type, author_email, author_name
FROM commits ORDER BY repo_id, committed_at, sha;

DROP TABLE commits;
-- Other views (the analysts' of 0004) read `commits` by name: with the legacy rename, SQLite does not
-- re-check them while the name is briefly free, and they read the new table once it has it.
PRAGMA legacy_alter_table = ON;
ALTER TABLE commits_by_key RENAME TO commits;
PRAGMA legacy_alter_table = OFF;

-- The two views exactly as 0001 created them.

-- Events per repo per UTC day, by kind, as A(x) counts them (drafts excluded, PRs merged only).
CREATE VIEW daily_repo_activity AS
SELECT repo_id, day,
       SUM(kind = 'commit')        AS commits,
       SUM(kind = 'issue_opened')  AS issues_opened,
       SUM(kind = 'issue_closed')  AS issues_closed,
       SUM(kind = 'pr_opened')     AS prs_opened,
       SUM(kind = 'pr_merged')     AS prs_merged,
       SUM(kind = 'release')       AS releases
FROM (
  SELECT repo_id, substr(committed_at, 1, 10) AS day, 'commit' AS kind FROM commits
  UNION ALL SELECT repo_id, substr(created_at, 1, 10), 'issue_opened' FROM issues WHERE is_pull = 0
  UNION ALL SELECT repo_id, substr(closed_at, 1, 10), 'issue_closed' FROM issues WHERE is_pull = 0 AND closed_at IS NOT NULL
  UNION ALL SELECT repo_id, substr(created_at, 1, 10), 'pr_opened' FROM issues WHERE is_pull = 1
  UNION ALL SELECT repo_id, substr(merged_at, 1, 10), 'pr_merged' FROM issues WHERE is_pull = 1 AND merged_at IS NOT NULL
  UNION ALL SELECT repo_id, substr(published_at, 1, 10), 'release' FROM releases WHERE is_draft = 0 AND published_at IS NOT NULL
)
GROUP BY repo_id, day;

-- The same per project (a repo in two projects counts in both).
CREATE VIEW daily_project_activity AS
SELECT p.name AS project, a.day,
       SUM(a.commits) AS commits, SUM(a.issues_opened) AS issues_opened,
       SUM(a.issues_closed) AS issues_closed, SUM(a.prs_opened) AS prs_opened,
       SUM(a.prs_merged) AS prs_merged, SUM(a.releases) AS releases
FROM daily_repo_activity a
JOIN project_repos pr ON pr.repo_id = a.repo_id
JOIN projects p ON p.id = pr.project_id
GROUP BY p.name, a.day;
