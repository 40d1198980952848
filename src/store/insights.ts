import type { Day } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";
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

/**
 * The statements explain and the report read a project's events and scores by, each through
 * one repo's or one project's key. Exported so that a test can check each one's query plan.
 */
export const INSIGHT_QUERIES = {
  projectRepos: `SELECT r.id, r.full_name AS repo FROM repos r
                 JOIN project_repos pr ON pr.repo_id = r.id JOIN projects p ON p.id = pr.project_id
                 WHERE p.name = @project ORDER BY r.full_name`,
  // Counted as the view daily_repo_activity counts (drafts excluded, pull requests by merge only),
  // each branch filtered by the repo's key and the first day: the view filtered afterwards would
  // aggregate every repo's facts of every day.
  repoEvents: `SELECT COALESCE(SUM(kind = 1), 0) AS commits, COALESCE(SUM(kind = 2), 0) AS issues_opened,
                      COALESCE(SUM(kind = 3), 0) AS issues_closed, COALESCE(SUM(kind = 4), 0) AS prs_opened,
                      COALESCE(SUM(kind = 5), 0) AS prs_merged, COALESCE(SUM(kind = 6), 0) AS releases
               FROM (
                 SELECT 1 AS kind FROM commits WHERE repo_id = @repo AND committed_at >= @from AND substr(committed_at, 1, 10) <= @to
                 UNION ALL SELECT CASE is_pull WHEN 1 THEN 4 WHEN 0 THEN 2 END
                   FROM issues WHERE repo_id = @repo AND created_at >= @from AND substr(created_at, 1, 10) <= @to
                 UNION ALL SELECT 3 FROM issues WHERE repo_id = @repo AND is_pull = 0 AND closed_at >= @from AND substr(closed_at, 1, 10) <= @to
                 UNION ALL SELECT 5 FROM issues WHERE repo_id = @repo AND is_pull = 1 AND merged_at >= @from AND substr(merged_at, 1, 10) <= @to
                 UNION ALL SELECT 6 FROM releases WHERE repo_id = @repo AND is_draft = 0 AND published_at >= @from AND substr(published_at, 1, 10) <= @to
               )`,
  knownPointBefore: `SELECT p.name AS project, s.day, s.f, s.b, s.c, s.d, s.activity AS a, s.contributors AS n, s.users AS u, s.missing
                     FROM projects p JOIN scores s ON s.project_id = p.id
                     WHERE p.name = @project AND s.model = @model AND s.day < @before AND s.f IS NOT NULL
                     ORDER BY s.day DESC LIMIT 1`,
  scoreF: `SELECT s.day, s.f FROM projects p JOIN scores s ON s.project_id = p.id
           WHERE p.name = @project AND s.model = @model AND s.day >= @from ORDER BY s.day`,
} as const;

const statements = preparedOnce((db) => ({
  projectRepos: db.prepare(INSIGHT_QUERIES.projectRepos),
  repoEvents: db.prepare(INSIGHT_QUERIES.repoEvents),
  knownPointBefore: db.prepare(INSIGHT_QUERIES.knownPointBefore),
  scoreF: db.prepare(INSIGHT_QUERIES.scoreF).raw(),
}));

/** Events by kind per repo of a project, summed over the days from `from` to `to` (inclusive). */
export function activityByRepo(db: Db, projectName: string, from: Day, to: Day): RepoEvents[] {
  const q = statements(db);
  const repos = q.projectRepos.all({ project: projectName }) as { id: number; repo: string }[];
  return repos.map(({ id, repo }) => ({ repo, counts: q.repoEvents.get({ repo: id, from, to }) as RepoEvents["counts"] }));
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

/** A score_history row as a plain point. */
function toPoint(r: ScoreHistoryRow): ScorePoint {
  return { project: r.project, day: r.day, f: r.f, b: r.b, c: r.c, d: r.d, a: r.a, n: r.n, u: r.u, missing: r.missing ? r.missing.split(",") : [] };
}

/**
 * A project's newest stored score with a known f before `before`, for one model; null when it
 * has none. Read backwards through the primary key: it stops at the first known f.
 */
export function knownPointBefore(db: Db, project: string, model: string, before: Day): ScorePoint | null {
  const row = statements(db).knownPointBefore.get({ project, model, before }) as ScoreHistoryRow | undefined;
  return row ? toPoint(row) : null;
}

/** Stored scores of the named projects for one model, as plain points, ordered by project and day. */
export function scorePoints(db: Db, projects: string[], model: string, from: Day | null, to: Day | null): ScorePoint[] {
  return selectScores(db, "score_history", { projects, models: [model], from, to }).map(toPoint);
}

/** The days on which any of the named projects has a stored score of one model, from `from` on, in order. */
export function scoreDays(db: Db, projects: readonly string[], model: string, from: Day | null): Day[] {
  return db
    .prepare(
      `SELECT DISTINCT s.day FROM scores s JOIN projects p ON p.id = s.project_id
       WHERE p.name IN (SELECT value FROM json_each(@projects)) AND s.model = @model AND s.day >= @from
       ORDER BY s.day`,
    )
    .pluck()
    .all({ projects: JSON.stringify(projects), model, from: from ?? "" }) as Day[];
}

/** The first day, from `from` on, on which every one of the named projects has a positive f; null when none. */
export function firstDayAllPositive(db: Db, projects: readonly string[], model: string, from: Day | null): Day | null {
  const names = [...new Set(projects)];
  return (
    (db
      .prepare(
        `SELECT s.day FROM scores s JOIN projects p ON p.id = s.project_id
         WHERE p.name IN (SELECT value FROM json_each(@projects)) AND s.model = @model AND s.day >= @from AND s.f > 0
         GROUP BY s.day HAVING COUNT(*) = @count ORDER BY s.day LIMIT 1`,
      )
      .pluck()
      .get({ projects: JSON.stringify(names), model, from: from ?? "", count: names.length }) as Day | undefined) ?? null
  );
}

/** One project's stored f of one model, day by day from `from` on, read a row at a time. */
export function iterateScoreF(db: Db, project: string, model: string, from: Day | null): IterableIterator<[Day, number | null]> {
  return statements(db).scoreF.iterate({ project, model, from: from ?? "" }) as IterableIterator<[Day, number | null]>;
}
