import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDatabase } from "../../bench/lib/generate-db.js";
import { score } from "../../src/jobs/score.js";
import { type Db, openDb } from "../../src/store/open.js";
import { silentLogger } from "../../src/util/log.js";
import { tempDir } from "../support/cli.js";

/** The latest-score views give what their definition says, by one seek per project and model. */

let db: Db;
beforeAll(() => {
  const made = generateDatabase(join(tempDir(), "latest.db"), { projects: 4, years: 1, seed: 3 });
  db = openDb(made.path);
  score({ db, config: made.config, clock: () => new Date(made.now), log: silentLogger });
  // A series whose newest complete day is far behind its newest day.
  db.prepare("UPDATE scores SET complete = 0, missing = 'stars:x/y' WHERE project_id = 1 AND model = 'seed' AND day > '2026-03-01'").run();
});
afterAll(() => db.close());

const definition = (complete: boolean) => `
  SELECT h.* FROM score_history h
  WHERE h.day = (SELECT MAX(s2.day) FROM scores s2 JOIN projects p2 ON p2.id = s2.project_id
                 WHERE p2.name = h.project AND s2.model = h.model ${complete ? "AND s2.complete = 1" : ""})
  ORDER BY h.project, h.model`;

describe.each([
  ["latest_scores", false],
  ["latest_complete_scores", true],
] as const)("%s", (view, complete) => {
  it("has the newest (complete) day of each project and model, every column of score_history", () => {
    const rows = db.prepare(`SELECT * FROM ${view} ORDER BY project, model`).all();
    expect(rows.length).toBe(8);
    expect(rows).toEqual(db.prepare(definition(complete)).all());
  });

  it("reads one row of scores per series through the primary key or the complete-day index, whatever the history's length", () => {
    for (const sql of [`SELECT * FROM ${view}`, `SELECT * FROM ${view} WHERE project = 'proj-0001'`, `SELECT * FROM ${view} WHERE model = 'seed'`]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((d) => /^SCAN (s|x|scores)\b/.test(d))).toEqual([]);
      expect(plan).toContain("SEARCH s USING PRIMARY KEY (project_id=? AND model=? AND day=?)");
      expect(plan.some((d) => /^SEARCH x USING (PRIMARY KEY|COVERING INDEX scores_complete) \(project_id=\? AND model=\?\)/.test(d))).toBe(true);
    }
  });
});
