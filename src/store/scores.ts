import { toIso } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";

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

/** The numbers of a score row: A, N, U, B, C, D, f, and B's, C's and D's shares of f; null when unknown. */
export type ScoreNumber = "activity" | "contributors" | "users" | "b" | "c" | "d" | "f" | "bShare" | "cShare" | "dShare";

/** One evaluated day of one model for one project, as the scores table keeps it. */
export type ScoreRowInput = Record<ScoreNumber, number | null> & { day: string; complete: boolean; missing: string[] };


/**
 * Writes a model's scores of one project in one transaction; returns how many rows changed.
 * Rows whose values did not change keep their computed_at: a re-run writes nothing.
 */
export function writeScores(db: Db, target: { projectId: number; model: string; paramsHash: string }, rows: readonly ScoreRowInput[], now: Date): number {
  const upsert = upsertStatement(db);
  const computedAt = toIso(now);
  let changed = 0;
  db.transaction(() => {
    for (const s of rows) {
      // Positional parameters: binding by name looks each one up, a measurable part of a full re-score.
      changed += upsert.run(
        target.projectId,
        target.model,
        s.day,
        target.paramsHash,
        s.activity,
        s.contributors,
        s.users,
        s.b,
        s.c,
        s.d,
        s.f,
        s.bShare,
        s.cShare,
        s.dShare,
        s.complete ? 1 : 0,
        s.missing.length > 0 ? s.missing.join(",") : null,
        computedAt,
      ).changes;
    }
  }).immediate();
  return changed;
}

const upsertStatement = preparedOnce((db: Db) =>
  db.prepare<unknown[]>(
    `INSERT INTO scores (project_id, model, day, params_hash, activity, contributors, users, b, c, d, f,
                         b_share, c_share, d_share, complete, missing, computed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_id, model, day) DO UPDATE SET params_hash = excluded.params_hash,
       activity = excluded.activity, contributors = excluded.contributors, users = excluded.users,
       b = excluded.b, c = excluded.c, d = excluded.d, f = excluded.f, b_share = excluded.b_share,
       c_share = excluded.c_share, d_share = excluded.d_share, complete = excluded.complete,
       missing = excluded.missing, computed_at = excluded.computed_at
     WHERE scores.params_hash IS NOT excluded.params_hash OR scores.activity IS NOT excluded.activity
       OR scores.contributors IS NOT excluded.contributors OR scores.users IS NOT excluded.users
       OR scores.f IS NOT excluded.f OR scores.missing IS NOT excluded.missing`,
  ),
);

/** Forgets the models no longer in the config (their scores go with them). */
export function keepModels(db: Db, names: readonly string[]): void {
  db.prepare("DELETE FROM models WHERE name NOT IN (SELECT value FROM json_each(?))").run(JSON.stringify(names));
}

/**
 * Records a model's parameters. When they differ from the stored ones, the model's old scores
 * are dropped in the same transaction. Returns the hash stored before (undefined: a new model),
 * or null when nothing changed.
 */
export function registerModel(db: Db, model: { name: string; paramsHash: string; params: unknown }, now: Date): string | undefined | null {
  const old = db.prepare("SELECT params_hash FROM models WHERE name = ?").pluck().get(model.name) as string | undefined;
  if (old === model.paramsHash) return null;
  db.transaction(() => {
    db.prepare(
      `INSERT INTO models (name, params_hash, params, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET params_hash = excluded.params_hash, params = excluded.params, updated_at = excluded.updated_at`,
    ).run(model.name, model.paramsHash, JSON.stringify(model.params), toIso(now));
    db.prepare("DELETE FROM scores WHERE model = ?").run(model.name);
  }).immediate();
  return old;
}

/** Drops a project's scores outside [from, to]; with no range, all of them. */
export function pruneScores(db: Db, projectId: number, range: { from: string; to: string } | null): void {
  db.transaction(() => {
    if (range === null) db.prepare("DELETE FROM scores WHERE project_id = ?").run(projectId);
    else db.prepare("DELETE FROM scores WHERE project_id = ? AND (day < ? OR day > ?)").run(projectId, range.from, range.to);
  }).immediate();
}
