/**
 * Exports a view of 1,000,000 rows (score_history: 500 projects x 2,000 days) with the real CLI
 * to a CSV file, and prints rows per second and the CLI's peak RSS (target: under 150 MB,
 * because rows are streamed one by one from SQLite to the file).
 *
 *   npm run bench:export [-- rows]
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { openDb } from "../src/store/open.js";
import { addDays } from "../src/util/time.js";
import { CLI, tempDir } from "../tests/support/cli.js";

const rows = Number(process.argv[2] ?? 1_000_000);
const DAYS = 2000;
const projects = Math.ceil(rows / DAYS);

function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const dir = tempDir();
const dbPath = join(dir, "bench.db");
const db = openDb(dbPath);
const setupStarted = Date.now();
db.transaction(() => {
  db.prepare("INSERT INTO models (name, params_hash, params, updated_at) VALUES ('seed', 'h', '{}', '2026-01-01T00:00:00Z')").run();
  const project = db.prepare("INSERT INTO projects (name) VALUES (?)");
  const score = db.prepare(
    `INSERT INTO scores (project_id, model, day, params_hash, activity, contributors, users, b, c, d, f, b_share, c_share, d_share, complete, missing, computed_at)
     VALUES (?, 'seed', ?, 'h', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, '2026-01-01T00:00:00Z')`,
  );
  let left = rows;
  for (let p = 1; p <= projects; p++) {
    project.run(`project-${p}`);
    for (let i = 0; i < DAYS && left > 0; i++, left--) {
      const a = (p * 7 + i) % 300;
      const b = Math.log1p(a);
      const n = 10 + (i >> 3);
      const u = 1000 + p * 3 + i * 2;
      const f = b + n + u;
      score.run(p, addDays("2020-01-01", i), a, n, u, b, n, u, f, b / f, n / f, u / f);
    }
  }
})();
db.close();
console.log(`setup: ${rows.toLocaleString("en")} score rows in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

const out = join(dir, "scores.csv");
const started = Date.now();
const child = spawn(process.execPath, [CLI, "--db", dbPath, "--quiet", "export", "score_history", "--out", out], { stdio: ["ignore", "ignore", "inherit"] });
let peak = 0;
const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 20);
const code: number | null = await new Promise((resolve) => child.on("close", resolve));
clearInterval(poll);
const seconds = (Date.now() - started) / 1000;
const lines = readFileSync(out, "utf8").split("\n").length - 2;
console.log(`exported ${lines.toLocaleString("en")} rows (${(statSync(out).size / 1e6).toFixed(0)} MB of CSV) in ${seconds.toFixed(1)} s: ${Math.round(lines / seconds).toLocaleString("en")} rows/s`);
console.log(`peak RSS of the CLI: ${(peak / 1024 / 1024).toFixed(0)} MB (target: under 150 MB)`);
rmSync(dir, { recursive: true, force: true });
if (code !== 0 || lines !== rows || peak >= 150 * 1024 * 1024) {
  console.log("FAILED");
  process.exitCode = 1;
}
