import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeneratedDatabase, generateDatabase } from "../../bench/lib/generate-db.js";
import { compare } from "../../src/jobs/compare.js";
import { score } from "../../src/jobs/score.js";
import { compareGroup } from "../../src/model/insights.js";
import { scorePoints } from "../../src/store/insights.js";
import { type Db, openDb } from "../../src/store/open.js";
import { silentLogger } from "../../src/util/log.js";
import { addDays } from "../../src/util/time.js";
import { tempDir } from "../support/cli.js";

let made: GeneratedDatabase;
let db: Db;

beforeAll(() => {
  made = generateDatabase(join(tempDir(), "compare.db"), { projects: 6, years: 1, seed: 11 });
  db = openDb(made.path);
  score({ db, config: made.config, clock: () => new Date(made.now), log: silentLogger });
  const ids = db.prepare("SELECT id FROM projects ORDER BY name").pluck().all() as number[];
  // Pairs whose last order lies far back: one project unknown for months, two others tied for
  // weeks, and a pair that swaps order just before the days compared.
  const end = made.endDay;
  db.prepare("UPDATE scores SET f = NULL WHERE project_id = ? AND day BETWEEN ? AND ?").run(ids[0], addDays(end, -300), addDays(end, -95));
  db.prepare("UPDATE scores SET f = 7 WHERE project_id IN (?, ?) AND day BETWEEN ? AND ?").run(ids[1], ids[2], addDays(end, -250), addDays(end, -91));
  db.prepare("UPDATE scores SET f = CASE project_id WHEN ? THEN 1 ELSE 2 END WHERE project_id IN (?, ?) AND day = ?").run(ids[3], ids[3], ids[4], addDays(end, -260));
  db.prepare("UPDATE scores SET f = NULL WHERE project_id IN (?, ?) AND day BETWEEN ? AND ?").run(ids[3], ids[4], addDays(end, -259), addDays(end, -91));
});
afterAll(() => db?.close());

describe("compare", () => {
  it("ranks and finds overtakes as over the whole history, reading only the days it needs", () => {
    const config = made.config;
    const model = config.models[0]!;
    const projects = config.projects.map((p) => p.name);
    let overtakes = 0;
    for (const back of [0, 30, 89, 90, 91, 120, 200, 300]) {
      const to = addDays(made.endDay, -back);
      for (const span of [1, 30]) {
        const from = addDays(to, -(span - 1));
        const got = compare({ db, config }, { projects, model, from, to })!;
        const want = compareGroup(scorePoints(db, projects, model.name, null, to), from, to);
        expect(got.rows).toEqual(want.rows);
        expect(got.overtakes).toEqual(want.overtakes);
        overtakes += want.overtakes.length;
      }
    }
    expect(overtakes).toBeGreaterThan(0);
  });
});
