import type { Day } from "../util/time.js";
import type { Db } from "./open.js";

/** Events of one UTC day, by kind. */
export interface ActivityRow {
  day: Day;
  commits: number;
  issues_opened: number;
  issues_closed: number;
  prs_opened: number;
  prs_merged: number;
  releases: number;
}

/**
 * Events per UTC day over a set of repos, by kind, counted as the view daily_repo_activity
 * counts them (drafts excluded, pull requests by merge only). The view is for analysts: SQLite
 * cannot push a repo filter through its GROUP BY into the UNION ALL below it, so a query on it
 * reads every repo's facts. Here each branch is filtered by repo through its primary key.
 */
export function loadDailyActivity(db: Db, repoIds: readonly number[]): ActivityRow[] {
  return db
    .prepare(
      `SELECT day, SUM(kind = 'commit') AS commits, SUM(kind = 'issue_opened') AS issues_opened,
              SUM(kind = 'issue_closed') AS issues_closed, SUM(kind = 'pr_opened') AS prs_opened,
              SUM(kind = 'pr_merged') AS prs_merged, SUM(kind = 'release') AS releases
       FROM (
         SELECT substr(committed_at, 1, 10) AS day, 'commit' AS kind FROM commits WHERE repo_id IN (SELECT value FROM json_each(@ids))
         UNION ALL SELECT substr(created_at, 1, 10), CASE is_pull WHEN 1 THEN 'pr_opened' ELSE 'issue_opened' END
           FROM issues WHERE repo_id IN (SELECT value FROM json_each(@ids))
         UNION ALL SELECT substr(closed_at, 1, 10), 'issue_closed'
           FROM issues WHERE repo_id IN (SELECT value FROM json_each(@ids)) AND is_pull = 0 AND closed_at IS NOT NULL
         UNION ALL SELECT substr(merged_at, 1, 10), 'pr_merged'
           FROM issues WHERE repo_id IN (SELECT value FROM json_each(@ids)) AND is_pull = 1 AND merged_at IS NOT NULL
         UNION ALL SELECT substr(published_at, 1, 10), 'release'
           FROM releases WHERE repo_id IN (SELECT value FROM json_each(@ids)) AND is_draft = 0 AND published_at IS NOT NULL
       )
       GROUP BY day ORDER BY day`,
    )
    .all({ ids: JSON.stringify(repoIds) }) as ActivityRow[];
}
