import type { Day } from "../util/time.js";
import type { Db } from "./open.js";
import { type ScoreHistoryRow, selectScores } from "./scores.js";
import type { ActivityRow } from "./series.js";

/** One repo's events by kind over a range of days. */
export interface RepoEvents {
  repo: string;
  counts: Omit<ActivityRow, "day">;
}

/** An author identity's first commit day in one repo. */
export interface FirstCommit {
  who: string;
  repo: string;
  day: Day;
}

/** A stored score with its parts; `missing` split into the names of what was unknown. */
export type ScorePoint = Pick<ScoreHistoryRow, "project" | "day" | "f" | "b" | "c" | "d" | "a" | "n" | "u"> & { missing: string[] };

/** Events by kind per repo of a project, summed over the days from `from` to `to` (inclusive). */
export function activityByRepo(db: Db, projectName: string, from: Day, to: Day): RepoEvents[] {
  const rows = db
    .prepare(
      `SELECT r.full_name AS repo,
              COALESCE(SUM(a.commits), 0) AS commits, COALESCE(SUM(a.issues_opened), 0) AS issues_opened,
              COALESCE(SUM(a.issues_closed), 0) AS issues_closed, COALESCE(SUM(a.prs_opened), 0) AS prs_opened,
              COALESCE(SUM(a.prs_merged), 0) AS prs_merged, COALESCE(SUM(a.releases), 0) AS releases
       FROM repos r
       JOIN project_repos pr ON pr.repo_id = r.id JOIN projects p ON p.id = pr.project_id
       LEFT JOIN daily_repo_activity a ON a.repo_id = r.id AND a.day BETWEEN @from AND @to
       WHERE p.name = @project
       GROUP BY r.id ORDER BY r.full_name`,
    )
    .all({ project: projectName, from, to }) as ({ repo: string } & RepoEvents["counts"])[];
  return rows.map(({ repo, ...counts }) => ({ repo, counts }));
}

/**
 * Each author identity's first commit day in each repo of a project. Identity as N counts it:
 * the GitHub login when the commit is linked to a user, else the lower-cased e-mail. Bots are
 * not filtered here; the caller keeps only the people N counted.
 */
export function firstCommitsByRepo(db: Db, projectName: string): FirstCommit[] {
  return db
    .prepare(
      `SELECT COALESCE(c.author_login, c.author_email) AS who, r.full_name AS repo, MIN(substr(c.committed_at, 1, 10)) AS day
       FROM commits c
       JOIN repos r ON r.id = c.repo_id
       JOIN project_repos pr ON pr.repo_id = r.id JOIN projects p ON p.id = pr.project_id
       WHERE p.name = ? AND COALESCE(c.author_login, c.author_email) IS NOT NULL
       GROUP BY who, r.id`,
    )
    .all(projectName) as FirstCommit[];
}

/** Stored scores of the named projects for one model, as plain points, ordered by project and day. */
export function scorePoints(db: Db, projects: string[], model: string, from: Day | null, to: Day | null): ScorePoint[] {
  return selectScores(db, "score_history", { projects, models: [model], from, to }).map((r) => ({
    project: r.project,
    day: r.day,
    f: r.f,
    b: r.b,
    c: r.c,
    d: r.d,
    a: r.a,
    n: r.n,
    u: r.u,
    missing: r.missing ? r.missing.split(",") : [],
  }));
}
