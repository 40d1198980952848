import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type GeneratedDatabase, generateDatabase } from "../../bench/lib/generate-db.js";
import type { Config } from "../../src/config/schema.js";
import { loadProjectData, projectDownloads, score } from "../../src/jobs/score.js";
import { evaluate } from "../../src/model/evaluate.js";
import { type Db, openDb } from "../../src/store/open.js";
import { silentLogger } from "../../src/util/log.js";
import { type Day, addDays, dayOf, dayRange } from "../../src/util/time.js";
import { tempDir } from "../support/cli.js";

/**
 * The scorer reads and evaluates a project a year at a time. Its rows equal the evaluator run
 * once over the project's whole history, for cumulative and active contributors, and an
 * incremental score from a change older than a year equals a full re-score.
 */

let made: GeneratedDatabase;
let config: Config;

beforeAll(() => {
  made = generateDatabase(join(tempDir(), "spans.db"), { projects: 3, years: 3, seed: 11 });
  config = {
    ...made.config,
    models: [
      ...made.config.models,
      { ...made.config.models[0]!, name: "active-90", contributors: "active", window: 90 },
    ],
  };
});

interface Row {
  project: string;
  model: string;
  day: Day;
  activity: number | null;
  contributors: number | null;
  users: number | null;
  f: number | null;
  missing: string | null;
}

const stored = (db: Db) =>
  db
    .prepare(
      `SELECT p.name AS project, s.model, s.day, s.activity, s.contributors, s.users, s.f, s.missing
       FROM scores s JOIN projects p ON p.id = s.project_id ORDER BY p.name, s.model, s.day`,
    )
    .all() as Row[];

/** The evaluator over each project's whole history in one call. */
function wholeHistory(db: Db, today: Day): Row[] {
  const rows: Row[] = [];
  for (const project of [...config.projects].sort((a, b) => a.name.localeCompare(b.name))) {
    const data = loadProjectData(db, config, project.name);
    if (data.firstDay === null) continue;
    const downloads = projectDownloads(db, project.name, dayRange(data.firstDay, today));
    for (const model of [...config.models].sort((a, b) => a.name.localeCompare(b.name))) {
      for (const s of evaluate(data, model, data.firstDay, today, downloads)) {
        rows.push({
          project: project.name,
          model: model.name,
          day: s.day,
          activity: s.activity,
          contributors: s.contributors,
          users: s.users,
          f: s.f,
          missing: s.missing.length > 0 ? s.missing.join(",") : null,
        });
      }
    }
  }
  return rows;
}

const run = (db: Db, now: string) => score({ db, config, clock: () => new Date(now), log: silentLogger });

describe("scoring a year at a time", () => {
  it("gives every row the whole history gives, over three years", () => {
    const db = openDb(made.path);
    try {
      run(db, made.now);
      const rows = stored(db);
      expect(rows.length).toBeGreaterThan(3 * 3 * 2 * 365);
      expect(new Set(rows.map((r) => r.contributors)).size).toBeGreaterThan(10);
      expect(rows).toEqual(wholeHistory(db, dayOf(made.now)));
    } finally {
      db.close();
    }
  });

  it("re-scores from a change 500 days back as a full re-score would", () => {
    const db = openDb(made.path);
    try {
      run(db, made.now);
      const row = db
        .prepare("SELECT repo_id, sha FROM commits WHERE committed_at < ? ORDER BY committed_at DESC LIMIT 1")
        .get(addDays(made.endDay, -500)) as { repo_id: number; sha: string };
      db.prepare("UPDATE commits SET author_login = 'someone-else', author_email = 'else@example.com' WHERE repo_id = ? AND sha = ?").run(row.repo_id, row.sha);
      const summary = run(db, made.now);
      expect(summary.rows).toBeGreaterThan(500);
      const incremental = stored(db);
      db.exec("DELETE FROM scores; DELETE FROM score_state; DELETE FROM score_contributors;");
      run(db, made.now);
      expect(incremental).toEqual(stored(db));
      expect(incremental).toEqual(wholeHistory(db, dayOf(made.now)));
    } finally {
      db.close();
    }
  });
});
