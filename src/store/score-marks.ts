import type { Day } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";

/**
 * What the scorer keeps beside the scores to re-score only what changed (migrations/0007):
 * the marks that triggers leave on repos, packages and projects when a fact that feeds a score
 * changes, the first day and config inputs each project was scored with, and each
 * contributor's first day.
 */

/** The statements used once per project. */
const statements = preparedOnce((db: Db) => ({
    mark: db.prepare("SELECT from_day FROM score_dirty WHERE scope = 'project' AND id = ?").pluck(),
    clearMark: db.prepare("DELETE FROM score_dirty WHERE scope = 'project' AND id = ? AND from_day = ?"),
    state: db.prepare("SELECT first_day AS firstDay, inputs_hash AS inputsHash FROM score_state WHERE project_id = ?"),
    firstScored: db.prepare("SELECT MIN(day) FROM scores WHERE project_id = ? AND model = ?").pluck(),
    lastScored: db.prepare("SELECT MAX(day) FROM scores WHERE project_id = ? AND model = ?").pluck(),
    contributorsBefore: db.prepare("SELECT who, first_day FROM score_contributors WHERE project_id = ? AND first_day < ?").raw(),
    saveState: db.prepare(
      `INSERT INTO score_state (project_id, first_day, inputs_hash) VALUES (?, ?, ?)
       ON CONFLICT (project_id) DO UPDATE SET first_day = excluded.first_day, inputs_hash = excluded.inputs_hash
       WHERE score_state.first_day IS NOT excluded.first_day OR score_state.inputs_hash IS NOT excluded.inputs_hash`,
    ),
    dropContributors: db.prepare("DELETE FROM score_contributors WHERE project_id = ?"),
    dropContributorsFrom: db.prepare("DELETE FROM score_contributors WHERE project_id = ? AND first_day >= ?"),
    insertContributor: db.prepare("INSERT INTO score_contributors (project_id, who, first_day) VALUES (?, ?, ?)"),
}));

/**
 * Moves the marks of repos and packages onto the projects that hold them, in one transaction.
 * Marks written afterwards (a collect running meanwhile) stay for the next run.
 */
export function foldScoreMarks(db: Db): void {
  db.transaction(() => {
    for (const [scope, link, column] of [
      ["repo", "project_repos", "repo_id"],
      ["package", "project_packages", "package_id"],
    ] as const) {
      db.prepare(
        `INSERT INTO score_dirty (scope, id, from_day)
         SELECT 'project', l.project_id, MIN(d.from_day) FROM score_dirty d JOIN ${link} l ON l.${column} = d.id
         WHERE d.scope = '${scope}' GROUP BY l.project_id
         ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day`,
      ).run();
      db.prepare(`DELETE FROM score_dirty WHERE scope = '${scope}'`).run();
    }
    db.prepare("DELETE FROM score_dirty WHERE scope = 'project' AND id NOT IN (SELECT id FROM projects)").run();
  }).immediate();
}

/** The earliest day whose inputs changed since the project was last scored; null: none. */
export function projectMark(db: Db, projectId: number): Day | null {
  return (statements(db).mark.get(projectId) as Day | undefined) ?? null;
}

/** Clears a project's mark when it is still `mark` (a newer, earlier one stays). */
export function clearProjectMark(db: Db, projectId: number, mark: Day): void {
  statements(db).clearMark.run(projectId, mark);
}

export interface ScoreState {
  /** The first day of the project's history when last scored; null: it had none. */
  firstDay: Day | null;
  inputsHash: string;
}

export function readScoreState(db: Db, projectId: number): ScoreState | undefined {
  return statements(db).state.get(projectId) as
    | ScoreState
    | undefined;
}

/** The first and last stored day of one model's scores of a project (two seeks); null: none. */
export function scoredRange(db: Db, projectId: number, model: string): { first: Day; last: Day } | null {
  const first = statements(db).firstScored.get(projectId, model) as Day | null;
  const last = statements(db).lastScored.get(projectId, model) as Day | null;
  return first === null || last === null ? null : { first, last };
}

/** Contributors whose first day is before `day`: those stay as they are while only later facts change. */
export function contributorsBefore(db: Db, projectId: number, day: Day): Map<string, Day> {
  const rows = statements(db).contributorsBefore.all(projectId, day) as [string, Day][];
  return new Map(rows);
}

/**
 * Records what a project was scored with, in one transaction: its state, its contributors'
 * first days from `from` on (all of them when `from` is null), and clears its mark when it is
 * still the one the scoring started from (`mark`).
 */
export function saveScoreState(
  db: Db,
  projectId: number,
  state: ScoreState,
  contributors: { from: Day | null; firstDays: ReadonlyMap<string, Day> },
  mark: Day | null,
): void {
  const s = statements(db);
  db.transaction(() => {
    s.saveState.run(projectId, state.firstDay, state.inputsHash);
    if (contributors.from === null) s.dropContributors.run(projectId);
    else s.dropContributorsFrom.run(projectId, contributors.from);
    for (const [who, day] of contributors.firstDays) s.insertContributor.run(projectId, who, day);
    if (mark !== null) clearProjectMark(db, projectId, mark);
  }).immediate();
}
