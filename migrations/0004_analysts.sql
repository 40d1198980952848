-- oss-pulse schema, version 4: views for analysts.
-- The views by project are keyed by project name, and a query filtered on `project` reads only
-- that project's rows through primary keys (tests/analysts/views.test.ts checks the plans).

-- The config's `bots` list (lower-cased), copied on every sync so that SQL excludes the same
-- identities from contributors as the scorer does.
CREATE TABLE configured_bots (
  identity TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Commits with the identity N counts them under (the GitHub login, else the lower-cased e-mail),
-- bots left out: `*[bot]` logins, GitHub type Bot, unlinked `[bot]@users.noreply.github.com`
-- addresses, and the config's list. The day is the committer date's UTC day.
CREATE VIEW commit_authors AS
SELECT c.repo_id, c.sha, substr(c.committed_at, 1, 10) AS day,
       COALESCE(c.author_login, c.author_email) AS contributor
FROM commits c
WHERE COALESCE(c.author_login, c.author_email) IS NOT NULL
  AND NOT (COALESCE(c.author_login, '') LIKE '%[bot]'
        OR COALESCE(c.author_type, '') = 'Bot'
        OR (c.author_login IS NULL AND COALESCE(c.author_email, '') LIKE '%[bot]@users.noreply.github.com')
        OR lower(COALESCE(c.author_login, '')) IN (SELECT identity FROM configured_bots)
        OR COALESCE(c.author_email, '') IN (SELECT identity FROM configured_bots));

-- Each person who authored a commit on a default branch of a project's repos, with the day of
-- their first and last commit there and the repos they came through (comma-separated).
CREATE VIEW project_contributors AS
SELECT p.name AS project, a.contributor,
       MIN(a.day) AS first_day, MAX(a.day) AS last_day, COUNT(*) AS commits,
       group_concat(DISTINCT r.full_name) AS repos
FROM projects p
JOIN project_repos pr ON pr.project_id = p.id
JOIN repos r ON r.id = pr.repo_id
JOIN commit_authors a ON a.repo_id = pr.repo_id
GROUP BY p.name, a.contributor;

-- One row per project per day it has a score (any model): the days the other views describe.
-- json_each unfolds one correlated subquery per project, so `project = ?` reads that project only.
CREATE VIEW project_days AS
SELECT p.id AS project_id, p.name AS project, d.value AS day
FROM projects p
JOIN json_each((SELECT json_group_array(day ORDER BY day)
                FROM (SELECT DISTINCT s.day FROM scores s WHERE s.project_id = p.id))) d;

-- Downloads in the 30 days ending on each scored day, per package of each project: the same
-- definition as U (src/model/downloads.ts, held equal by a test): the 30 daily figures when all
-- are known, else the figure the registry stated that day, else total(d) - total(d-30) when the
-- total never went down in between; else NULL (unknown, never 0).
CREATE VIEW daily_package_downloads_30d AS
SELECT project, registry, package, day,
       CASE WHEN daily_days = 30 THEN daily_sum
            WHEN stated IS NOT NULL THEN stated
            WHEN total_end IS NOT NULL AND total_start IS NOT NULL AND NOT dropped THEN total_end - total_start
       END AS downloads_30d,
       CASE WHEN daily_days = 30 THEN 'daily'
            WHEN stated IS NOT NULL THEN 'stated'
            WHEN total_end IS NOT NULL AND total_start IS NOT NULL AND NOT dropped THEN 'totals'
       END AS method,
       daily_days
FROM (
  SELECT s.project, p.registry, p.name AS package, s.day,
         (SELECT COUNT(*) FROM package_downloads x
          WHERE x.package_id = p.id AND x.day BETWEEN date(s.day, '-29 days') AND s.day) AS daily_days,
         (SELECT SUM(x.downloads) FROM package_downloads x
          WHERE x.package_id = p.id AND x.day BETWEEN date(s.day, '-29 days') AND s.day) AS daily_sum,
         (SELECT x.last30 FROM package_snapshots x WHERE x.package_id = p.id AND x.day = s.day) AS stated,
         (SELECT x.total FROM package_snapshots x WHERE x.package_id = p.id AND x.day = s.day) AS total_end,
         (SELECT x.total FROM package_snapshots x WHERE x.package_id = p.id AND x.day = date(s.day, '-30 days')) AS total_start,
         EXISTS (SELECT 1 FROM package_snapshots a
                 WHERE a.package_id = p.id AND a.day > date(s.day, '-30 days') AND a.day <= s.day
                   AND a.total < (SELECT b.total FROM package_snapshots b
                                  WHERE b.package_id = a.package_id AND b.day < a.day AND b.total IS NOT NULL
                                  ORDER BY b.day DESC LIMIT 1)) AS dropped
  FROM project_days s
  JOIN project_packages pp ON pp.project_id = s.project_id
  JOIN packages p ON p.id = pp.package_id
);

-- Per project per scored day, the inputs of A, N and U side by side. One row for each day the
-- project has a score (any model). Counts are of stored facts on that UTC day; whether they are
-- complete is told by score_history.missing.
-- SQLite cannot push `project = ?` through an aggregate into a UNION ALL, so each project's days
-- are built by one correlated subquery (its facts read by primary key) and unfolded by json_each.
CREATE VIEW daily_project_inputs AS
SELECT p.name AS project,
       d.value ->> 'day' AS day,
       d.value ->> 'commits' AS commits,
       d.value ->> 'issues_opened' AS issues_opened,
       d.value ->> 'issues_closed' AS issues_closed,
       d.value ->> 'prs_opened' AS prs_opened,
       d.value ->> 'prs_merged' AS prs_merged,
       d.value ->> 'releases' AS releases,
       d.value ->> 'new_contributors' AS new_contributors,
       d.value ->> 'contributors' AS contributors,
       d.value ->> 'repos' AS repos,
       d.value ->> 'repos_with_snapshot' AS repos_with_snapshot,
       d.value ->> 'stars' AS stars,
       d.value ->> 'retained_stars' AS retained_stars,
       d.value ->> 'packages' AS packages,
       d.value ->> 'packages_known' AS packages_known,
       d.value ->> 'downloads_30d' AS downloads_30d,
       d.value -> 'downloads_30d_by_package' AS downloads_30d_by_package
FROM projects p
JOIN json_each((
  SELECT json_group_array(json_object(
           'day', day, 'commits', commits, 'issues_opened', issues_opened, 'issues_closed', issues_closed,
           'prs_opened', prs_opened, 'prs_merged', prs_merged, 'releases', releases,
           'new_contributors', new_contributors, 'contributors', contributors,
           'repos', (SELECT COUNT(*) FROM project_repos x WHERE x.project_id = p.id),
           'repos_with_snapshot', repos_with_snapshot, 'stars', stars, 'retained_stars', retained_stars,
           'packages', packages, 'packages_known', packages_known, 'downloads_30d', downloads_30d,
           'downloads_30d_by_package', json(downloads_30d_by_package)) ORDER BY day)
  FROM (
    -- Cumulative sums run over every day with a fact; then only scored days are kept.
    SELECT *, SUM(new_contributors) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS contributors,
              SUM(stars_added) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS retained_stars
    FROM (
      SELECT day,
             SUM(kind = 'scored') AS scored,
             SUM(kind = 'commit') AS commits,
             SUM(kind = 'issue_opened') AS issues_opened,
             SUM(kind = 'issue_closed') AS issues_closed,
             SUM(kind = 'pr_opened') AS prs_opened,
             SUM(kind = 'pr_merged') AS prs_merged,
             SUM(kind = 'release') AS releases,
             SUM(kind = 'new_contributor') AS new_contributors,
             SUM(kind = 'stars') AS repos_with_snapshot,
             SUM(CASE WHEN kind = 'stars' THEN value END) AS stars,
             COALESCE(SUM(CASE WHEN kind = 'stars_added' THEN value END), 0) AS stars_added,
             SUM(kind = 'downloads') AS packages,
             SUM(kind = 'downloads' AND value IS NOT NULL) AS packages_known,
             CASE WHEN SUM(kind = 'downloads' AND value IS NULL) = 0
                  THEN SUM(CASE WHEN kind = 'downloads' THEN value END) END AS downloads_30d,
             json_group_object(label, value) FILTER (WHERE kind = 'downloads') AS downloads_30d_by_package
      FROM (
        SELECT s.day, 'scored' AS kind, NULL AS label, NULL AS value FROM project_days s WHERE s.project_id = p.id
        UNION ALL
        SELECT substr(c.committed_at, 1, 10), 'commit', NULL, 1
        FROM project_repos pr JOIN commits c ON c.repo_id = pr.repo_id WHERE pr.project_id = p.id
        UNION ALL
        SELECT substr(i.created_at, 1, 10), CASE i.is_pull WHEN 1 THEN 'pr_opened' ELSE 'issue_opened' END, NULL, 1
        FROM project_repos pr JOIN issues i ON i.repo_id = pr.repo_id WHERE pr.project_id = p.id
        UNION ALL
        SELECT substr(i.closed_at, 1, 10), 'issue_closed', NULL, 1
        FROM project_repos pr JOIN issues i ON i.repo_id = pr.repo_id
        WHERE pr.project_id = p.id AND i.is_pull = 0 AND i.closed_at IS NOT NULL
        UNION ALL
        SELECT substr(i.merged_at, 1, 10), 'pr_merged', NULL, 1
        FROM project_repos pr JOIN issues i ON i.repo_id = pr.repo_id
        WHERE pr.project_id = p.id AND i.is_pull = 1 AND i.merged_at IS NOT NULL
        UNION ALL
        SELECT substr(r.published_at, 1, 10), 'release', NULL, 1
        FROM project_repos pr JOIN releases r ON r.repo_id = pr.repo_id
        WHERE pr.project_id = p.id AND r.is_draft = 0 AND r.published_at IS NOT NULL
        UNION ALL
        SELECT MIN(a.day), 'new_contributor', NULL, 1
        FROM project_repos pr JOIN commit_authors a ON a.repo_id = pr.repo_id WHERE pr.project_id = p.id
        GROUP BY a.contributor
        UNION ALL
        SELECT s.day, 'stars', NULL, s.stars
        FROM project_repos pr JOIN repo_snapshots s ON s.repo_id = pr.repo_id WHERE pr.project_id = p.id
        UNION ALL
        SELECT h.day, 'stars_added', NULL, h.stars_added
        FROM project_repos pr JOIN star_history h ON h.repo_id = pr.repo_id WHERE pr.project_id = p.id
        UNION ALL
        SELECT day, 'downloads', registry || ':' || package, downloads_30d
        FROM daily_package_downloads_30d WHERE project = p.name
      )
      GROUP BY day
    )
  )
  WHERE scored > 0
)) d;

-- Every run with its targets that did not end 'ok' or 'skipped' (a JSON array of
-- {"target", "outcome", "error"}; `[]` when none).
CREATE VIEW run_failures AS
SELECT r.id AS run_id, r.kind, r.trigger, r.started_at, r.finished_at, r.status, r.error,
       r.requests, r.points,
       COUNT(t.target) AS targets,
       COUNT(t.target) FILTER (WHERE t.outcome NOT IN ('ok', 'skipped')) AS failed_targets,
       json_group_array(json_object('target', t.target, 'outcome', t.outcome, 'error', t.error))
         FILTER (WHERE t.outcome NOT IN ('ok', 'skipped')) AS failures
FROM runs r LEFT JOIN run_targets t ON t.run_id = r.id
GROUP BY r.id;
