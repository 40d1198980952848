/**
 * Times the analysts' views for one project of a database holding 100 projects, 2,000,000
 * commits, 500,000 issues and pull requests and 200,000 score rows, next to
 * daily_project_activity (0001), which reads every repo's facts whatever the filter.
 *
 *   npm run bench:views
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { openDb } from "../src/store/open.js";
import { addDays } from "../src/util/time.js";
import { tempDir } from "../tests/support/cli.js";

const PROJECTS = 100;
const DAYS = 1000;
const dir = tempDir();
const db = openDb(join(dir, "views.db"));
const started = Date.now();
db.transaction(() => {
  db.prepare("INSERT INTO models (name, params_hash, params, updated_at) VALUES ('seed', 'h', '{}', ''), ('balanced', 'h', '{}', '')").run();
  const project = db.prepare("INSERT INTO projects (name) VALUES (?)");
  const repo = db.prepare("INSERT INTO repos (full_name, first_seen_at) VALUES (?, '')");
  const member = db.prepare("INSERT INTO project_repos (project_id, repo_id) VALUES (?, ?)");
  const pkg = db.prepare("INSERT INTO packages (registry, name, first_seen_at) VALUES ('npm', ?, '')");
  const linked = db.prepare("INSERT INTO project_packages (project_id, package_id) VALUES (?, ?)");
  const commit = db.prepare("INSERT INTO commits (repo_id, sha, committed_at, author_login) VALUES (?, ?, ?, ?)");
  const issue = db.prepare(
    "INSERT INTO issues (repo_id, number, is_pull, state, created_at, closed_at, merged_at, updated_at) VALUES (?, ?, ?, 'closed', ?, ?, ?, ?)",
  );
  const score = db.prepare("INSERT INTO scores (project_id, model, day, params_hash, complete, computed_at) VALUES (?, ?, ?, 'h', 1, '')");
  const downloads = db.prepare("INSERT INTO package_downloads (package_id, day, downloads, fetched_at) VALUES (?, ?, ?, '')");
  const snapshot = db.prepare("INSERT INTO repo_snapshots (repo_id, day, taken_at, stars) VALUES (?, ?, '', ?)");
  for (let p = 1; p <= PROJECTS; p++) {
    project.run(`project-${p}`);
    repo.run(`owner/repo-${p}`);
    member.run(p, p);
    pkg.run(`package-${p}`);
    linked.run(p, p);
    for (let k = 0; k < 20_000; k++) commit.run(p, `sha-${k}`, `${addDays("2024-01-01", k % DAYS)}T10:00:00Z`, `person-${k % 3000}`);
    for (let k = 0; k < 5_000; k++) {
      const at = `${addDays("2024-01-01", k % DAYS)}T10:00:00Z`;
      issue.run(p, k, k % 2, at, at, k % 2 ? at : null, at);
    }
    for (let k = 0; k < DAYS; k++) {
      const day = addDays("2024-01-01", k);
      score.run(p, "seed", day);
      score.run(p, "balanced", day);
      downloads.run(p, day, 100 + k);
      snapshot.run(p, day, k);
    }
  }
})();
console.log(`setup: ${PROJECTS} projects, ${(PROJECTS * 20_000).toLocaleString("en")} commits, ${(PROJECTS * 5_000).toLocaleString("en")} issues in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const view of ["daily_project_inputs", "project_contributors", "daily_package_downloads_30d", "run_failures", "daily_project_activity"]) {
  const filter = view === "run_failures" ? "" : "WHERE project = 'project-42'";
  const t = process.hrtime.bigint();
  const rows = db.prepare(`SELECT * FROM ${view} ${filter}`).all().length;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`${view.padEnd(28)} ${String(rows).padStart(5)} rows  ${ms.toFixed(0).padStart(6)} ms`);
}
db.close();
rmSync(dir, { recursive: true, force: true });
