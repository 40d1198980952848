import type { Db } from "./open.js";

/** A row of the score_history view (and of latest_scores / latest_complete_scores). */
export interface ScoreHistoryRow {
  project: string;
  model: string;
  day: string;
  f: number | null;
  a: number | null;
  n: number | null;
  u: number | null;
  b: number | null;
  c: number | null;
  d: number | null;
  b_share: number | null;
  c_share: number | null;
  d_share: number | null;
  complete: number;
  missing: string | null;
}

export type ScoreView = "score_history" | "latest_scores" | "latest_complete_scores";

export interface ScoreQuery {
  projects: string[];
  models: string[];
  from?: string | null;
  to?: string | null;
}

/** Stored scores from one of the analysts' views, by project, model and day. */
export function selectScores(db: Db, view: ScoreView, q: ScoreQuery): ScoreHistoryRow[] {
  return scoresStatement(db, view).all(scoreParams(q)) as ScoreHistoryRow[];
}

/** The same rows read one at a time, so that printing a whole history holds one row at a time. */
export function iterateScores(db: Db, view: ScoreView, q: ScoreQuery): IterableIterator<ScoreHistoryRow> {
  return scoresStatement(db, view).iterate(scoreParams(q)) as IterableIterator<ScoreHistoryRow>;
}

function scoresStatement(db: Db, view: ScoreView) {
  // `view` is one of three constants (a type-checked union), never user input.
  return db.prepare(
    `SELECT project, model, day, f, a, n, u, b, c, d, b_share, c_share, d_share, complete, missing FROM ${view}
     WHERE project IN (SELECT value FROM json_each(@projects)) AND model IN (SELECT value FROM json_each(@models))
       AND (@from IS NULL OR day >= @from) AND (@to IS NULL OR day <= @to)
     ORDER BY project, model, day`,
  );
}

function scoreParams(q: ScoreQuery) {
  return { projects: JSON.stringify(q.projects), models: JSON.stringify(q.models), from: q.from ?? null, to: q.to ?? null };
}
