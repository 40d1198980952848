/**
 * Fills a database with scores of 200 projects over three years (219,000 rows, one model) and
 * prints how long the analysts' views score_changes and project_ranks take for the usual
 * questions: one project's history, one day's ranking, and a whole scan.
 *
 *   npm run build && node dist/bench/insight-views.js [projects] [days]
 */
import { openDb } from "../src/store/open.js";
import { addDays } from "../src/util/time.js";

const projects = Number(process.argv[2] ?? 200);
const days = Number(process.argv[3] ?? 1095);
const db = openDb(":memory:");
db.prepare("INSERT INTO models (name, params_hash, params, updated_at) VALUES ('m', 'h', ?, '')").run(JSON.stringify({ alpha: 2, beta: 0.5, gamma: 0.01 }));
const insert = db.prepare(
  `INSERT INTO scores (project_id, model, day, params_hash, activity, contributors, users, b, c, d, f, complete, computed_at)
   VALUES (?, 'm', ?, 'h', 1, ?, ?, ?, ?, ?, ?, 1, '')`,
);
db.transaction(() => {
  for (let p = 1; p <= projects; p++) {
    db.prepare("INSERT INTO projects (id, name) VALUES (?, ?)").run(p, `p${p}`);
    let day = "2023-01-01";
    for (let i = 0; i < days; i++, day = addDays(day, 1)) {
      const [b, c, d] = [Math.log1p(i % 50), i / 10, p * 10 + i];
      insert.run(p, day, i, d, b, c, d, 2 * b + 0.5 * c + 0.01 * d);
    }
  }
})();
const middle = addDays("2023-01-01", Math.floor(days / 2));
const cases: [string, string][] = [
  ["score_changes, one project's history", "SELECT * FROM score_changes WHERE project = 'p7' AND model = 'm'"],
  ["score_changes, one project and day", `SELECT * FROM score_changes WHERE project = 'p7' AND day = '${middle}'`],
  ["score_changes, whole scan", "SELECT COUNT(*), SUM(df_30d) FROM score_changes"],
  ["project_ranks, one day", `SELECT * FROM project_ranks WHERE model = 'm' AND day = '${middle}'`],
  ["project_ranks, whole scan", "SELECT COUNT(*), SUM(rank) FROM project_ranks"],
];
console.log(`${projects * days} score rows (${projects} projects x ${days} days)`);
for (const [name, sql] of cases) {
  const started = process.hrtime.bigint();
  const rows = db.prepare(sql).all().length;
  console.log(`${name}: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms, ${rows} rows`);
}
db.close();
