/**
 * Scoring at scale: for 30 × 1, 30 × 5, 300 × 1 and 300 × 5 (projects × years, seeded, in the
 * real schema; generated once and kept under bench/.cache), prints
 *   - the full re-score (`oss-pulse score` with no stored scores, run as a child): wall and CPU
 *     time, peak RSS (GNU time's maximum resident set size); medians of 5 runs when one takes
 *     under 5 s;
 *   - the hand-written pass of bench/lib/hand-pass.ts over the same tables (one SQL aggregation
 *     per table, then a linear walk over each project's days computing A, N and U for every
 *     model the score evaluates), run as a process the same way, and again in this process;
 *     its times and the ratios; and checks that both agree on every A, N and U the score knows;
 *   - the incremental score after one more day of data (a daily collect written through the
 *     store: every stream synced a day further, snapshots, new commits, issues, downloads);
 *   - the time of each query the README points analysts to (median of 5 runs), and at the
 *     largest size the latest-score views with a project scored from 1970 on.
 *
 *   npm run bench:rescore [-- sizes]      e.g. -- 30x1,30x5
 */
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { formatTable } from "../src/cli/output.js";
import { upsertCommits, upsertIssues } from "../src/store/facts.js";
import { openDb } from "../src/store/open.js";
import { upsertDailyDownloads, upsertPackageSnapshot } from "../src/store/packages.js";
import { upsertRepoSnapshot } from "../src/store/repos.js";
import { completeSync } from "../src/store/sync.js";
import { type Day, addDays, dayRange } from "../src/util/time.js";
import { CLI, tempDir } from "../tests/support/cli.js";
import { cachedDatabase } from "./lib/cached-db.js";
import { type HandJob, type HandValues, handPass } from "./lib/hand-pass.js";
import type { GeneratedDatabase } from "./lib/generate-db.js";

const TIME = "/usr/bin/time";
const HAND_PASS = join(dirname(fileURLToPath(import.meta.url)), "lib", "hand-pass.js");
const sizes = (process.argv[2] ?? "30x1,30x5,300x1,300x5").split(",").map((s) => s.split("x").map(Number) as [number, number]);
const dir = tempDir();

interface Measure {
  seconds: number;
  cpu: number;
  rssMb: number;
  code: number;
}

const REPEATS = 5;

/** The median wall time, CPU time and peak RSS of several runs, each taken separately. */
function medianOf(runs: Measure[]): Measure {
  const mid = <T>(values: T[], by: (v: T) => number) => values.map(by).sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { seconds: mid(runs, (r) => r.seconds), cpu: mid(runs, (r) => r.cpu), rssMb: mid(runs, (r) => r.rssMb), code: runs[0]!.code };
}

/** Runs the CLI under GNU time: wall clock, user + system CPU, peak RSS. */
function measure(args: string[], now: string): Promise<Measure> {
  return measureCommand([CLI, ...args], now);
}

/** Runs a Node script under GNU time, as `measure` runs the CLI. */
function measureCommand(args: string[], now: string): Promise<Measure> {
  const out = join(dir, "time.txt");
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ["-f", "%U %S %M", "-o", out, process.execPath, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, OSS_PULSE_NOW: now },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const [user, sys, kb] = readFileSync(out, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number) as [number, number, number];
      resolve({ seconds, cpu: user + sys, rssMb: kb / 1024, code: code ?? -1 });
    });
  });
}

/** Compares the stored scores of `model` with the hand-written pass: every known A, N and U, to a relative 1e-9. */
function agree(path: string, model: string, hand: Map<number, HandValues>): { compared: number; mismatches: string[] } {
  const db = new Database(path, { readonly: true });
  try {
    const mismatches: string[] = [];
    let compared = 0;
    const rows = db.prepare("SELECT project_id, day, activity, contributors, users FROM scores WHERE model = ? ORDER BY project_id, day").raw();
    for (const [p, day, a, n, u] of rows.iterate(model) as Iterable<[number, Day, number | null, number | null, number | null]>) {
      const h = hand.get(p);
      if (!h) {
        mismatches.push(`project ${p}: scored, but the hand-written pass found no facts`);
        continue;
      }
      const i = Math.round((Date.parse(day) - Date.parse(h.from)) / 86_400_000);
      for (const [name, stored, mine] of [["A", a, h.a[i]], ["N", n, h.n[i]], ["U", u, h.u[i]]] as const) {
        if (stored === null) continue;
        compared++;
        // Written independently, the pass may add a day's parts in another order: equal to the last bits.
        if (!(mine !== null && mine !== undefined && Math.abs(stored - mine) <= 1e-9 * Math.max(1, Math.abs(stored))) && mismatches.length < 10) mismatches.push(`project ${p} ${day} ${name}: score ${stored}, hand-written ${mine}`);
      }
    }
    return { compared, mismatches };
  } finally {
    db.close();
  }
}

// --- one more day of data ---------------------------------------------------------------------

/** A daily collect, written through the store: returns the next day's `now`. */
function oneMoreDay(path: string, made: GeneratedDatabase): string {
  const db = openDb(path);
  try {
    const day = addDays(made.endDay, 1);
    const syncedTo = new Date(`${addDays(day, 1)}T06:00:00Z`);
    db.transaction(() => {
      const repos = db.prepare("SELECT id FROM repos").pluck().all() as number[];
      repos.forEach((id, k) => {
        for (const stream of ["commits", "issues", "releases", "stars"] as const) completeSync(db, id, stream, null, syncedTo, syncedTo);
        const last = db.prepare("SELECT stars FROM repo_snapshots WHERE repo_id = ? ORDER BY day DESC LIMIT 1").pluck().get(id) as number | undefined;
        if (last !== undefined) {
          for (const d of [day, addDays(day, 1)]) {
            upsertRepoSnapshot(db, id, d, syncedTo, { stars: last + 3, forks: null, watchers: null, openIssues: null, openPrs: null, releases: null, releaseDownloads: null });
          }
        }
        const authors = db.prepare("SELECT author_login, author_email FROM commits WHERE repo_id = ? ORDER BY committed_at DESC LIMIT 3").all(id) as { author_login: string | null; author_email: string }[];
        const commits = authors.map((a, i) => ({
          sha: `${String(id).padStart(8, "0")}${"d".repeat(31)}${i}`,
          commit: { author: { name: "x", email: a.author_email, date: `${day}T1${i}:00:00Z` }, committer: { date: `${day}T1${i}:00:00Z` } },
          author: a.author_login ? { login: a.author_login, type: "User" } : null,
          parents: [],
        }));
        if (k % 10 === 0) {
          const at = `${day}T15:00:00Z`;
          commits.push({ sha: `${String(id).padStart(8, "0")}${"c".repeat(32)}`, commit: { author: { name: "new", email: `new-${id}@example.com`, date: at }, committer: { date: at } }, author: { login: `newcomer-${id}`, type: "User" }, parents: [] });
        }
        upsertCommits(db, id, commits);
        const number = (db.prepare("SELECT MAX(number) FROM issues WHERE repo_id = ?").pluck().get(id) as number | null) ?? 0;
        upsertIssues(db, id, [
          { number: number + 1, state: "open", user: { login: "someone", type: "User" }, created_at: `${day}T08:00:00Z`, updated_at: `${day}T08:00:00Z`, closed_at: null },
        ]);
      });
      const packages = db.prepare("SELECT id, registry FROM packages").all() as { id: number; registry: string }[];
      for (const p of packages) {
        if (p.registry === "docker") {
          const last = db.prepare("SELECT total FROM package_snapshots WHERE package_id = ? ORDER BY day DESC LIMIT 1").pluck().get(p.id) as number | undefined;
          for (const d of [day, addDays(day, 1)]) upsertPackageSnapshot(db, p.id, d, { total: (last ?? 0) + 500, last30: null }, syncedTo);
        } else {
          upsertDailyDownloads(db, p.id, [{ day, downloads: 1234 }], syncedTo);
        }
      }
    }).immediate();
  } finally {
    db.close();
  }
  return `${addDays(made.endDay, 2)}T12:00:00Z`;
}

// --- the analysts' queries --------------------------------------------------------------------

function timeQueries(path: string, queries: [string, string, unknown[]][]): (string | number)[][] {
  const db = new Database(path, { readonly: true });
  try {
    return queries.map(([name, sql, params]) => {
      const stmt = db.prepare(sql);
      const runs: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const t = process.hrtime.bigint();
        rows = stmt.all(...params).length;
        runs.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      runs.sort((x, y) => x - y);
      return [name, runs[2]!.toFixed(1), rows];
    });
  } finally {
    db.close();
  }
}

function analystQueries(path: string, day: Day): [string, string, unknown[]][] {
  const db = new Database(path, { readonly: true });
  const project = db.prepare("SELECT name FROM projects ORDER BY id LIMIT 1").pluck().get() as string;
  const repo = db.prepare("SELECT repo_id FROM project_repos ORDER BY project_id LIMIT 1").pluck().get() as number;
  const repoName = db.prepare("SELECT full_name FROM repos WHERE id = ?").pluck().get(repo) as string;
  const pkg = db.prepare("SELECT registry, name FROM packages ORDER BY id LIMIT 1").get() as { registry: string; name: string } | undefined;
  db.close();
  return [
    ["latest_scores (README: who leads today)", "SELECT project, f, b_share, c_share, d_share FROM latest_scores WHERE model = 'balanced' ORDER BY f DESC", []],
    ["latest_complete_scores, every series", "SELECT * FROM latest_complete_scores", []],
    ["latest_scores, one project", "SELECT * FROM latest_scores WHERE project = ?", [project]],
    ["score_history, one project weekly (README)", "SELECT day, f, a, n, u FROM score_history WHERE project = ? AND model = 'balanced' AND strftime('%w', day) = '1' ORDER BY day", [project]],
    ["score_history, days not scored (README)", "SELECT project, day, missing FROM score_history WHERE model = 'seed' AND complete = 0 ORDER BY day DESC LIMIT 20", []],
    ["score_changes at the latest complete day (README)", `SELECT c.project, c.day, c.df_30d, c.db_30d, c.dc_30d, c.dd_30d, c.growth_30d
      FROM score_changes c JOIN latest_complete_scores l ON l.project = c.project AND l.model = c.model AND l.day = c.day WHERE c.model = 'balanced'`, []],
    ["project_ranks on a day (README)", "SELECT rank, project, f, share_f, growth_30d FROM project_ranks WHERE model = 'balanced' AND day = ? ORDER BY rank", [day]],
    ["daily_project_activity, one project", "SELECT * FROM daily_project_activity WHERE project = ?", [project]],
    ["daily_project_activity, commits per month (README)", "SELECT project, substr(day, 1, 7) AS month, SUM(commits) FROM daily_project_activity GROUP BY 1, 2", []],
    ["daily_repo_activity, one repo", "SELECT * FROM daily_repo_activity WHERE repo_id = ?", [repo]],
    ["daily_repo_metrics, one repo", "SELECT * FROM daily_repo_metrics WHERE repo = ?", [repoName]],
    ["daily_package_downloads, one package", "SELECT * FROM daily_package_downloads WHERE registry = ? AND name = ?", [pkg?.registry ?? "", pkg?.name ?? ""]],
  ];
}

/** A project scored every day from 1970-01-01 to `today`, for both models (rows written directly). */
function addProjectFrom1970(path: string, today: Day): void {
  const db = openDb(path);
  try {
    db.transaction(() => {
      const id = db.prepare("INSERT INTO projects (name) VALUES ('since-1970')").run().lastInsertRowid;
      const insert = db.prepare(
        `INSERT INTO scores (project_id, model, day, params_hash, activity, contributors, users, b, c, d, f, complete, missing, computed_at)
         SELECT ?, name, ?, params_hash, 1, 1, 1, 1, 1, 1, 3, ?, ?, '1970-01-01T00:00:00Z' FROM models`,
      );
      for (const d of dayRange("1970-01-01", today)) insert.run(id, d, d < "2000-01-01" ? 1 : 0, d < "2000-01-01" ? null : "stars:x/y");
    }).immediate();
  } finally {
    db.close();
  }
}

// --- the run ----------------------------------------------------------------------------------

const summary: (string | number)[][] = [];
const fullCpu = new Map<string, number>();
let failed = false;
for (const [projects, years] of sizes) {
  const size = `${projects}×${years}`;
  const t0 = Date.now();
  const made = cachedDatabase({ projects, years, seed: 1 });
  const path = join(dir, `${projects}x${years}.db`);
  copyFileSync(made.path, path);
  openDb(path).close(); // migrations, outside the timings
  console.log(`\n== ${size}: ${made.repos} repos, ${made.packages} packages, ${made.totalFacts.toLocaleString("en")} facts (${made.startDay} … ${made.endDay}; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const args = (...more: string[]) => ["--config", made.configPath, "--db", path, "--quiet", ...more];

  // A run under 5 s is repeated (each full re-score on a fresh copy) and its medians kept: below
  // a second, the machine's noise is a large part of one measurement.
  const runs: Measure[] = [await measure(args("score"), made.now)];
  const repeat = runs[0]!.seconds < 5 ? REPEATS : 1;
  while (runs.length < repeat) {
    copyFileSync(made.path, path);
    for (const suffix of ["-wal", "-shm"]) rmSync(path + suffix, { force: true });
    openDb(path).close();
    runs.push(await measure(args("score"), made.now));
  }
  const full = medianOf(runs);
  if (runs.some((r) => r.code !== 0)) throw new Error(`score exited ${runs.map((r) => r.code).join(", ")}`);
  // The hand-written pass for every model `score` evaluates: as a process, started and timed as
  // `score` is; then here, for its values (and its time without a process's start).
  const job: HandJob = { path, models: made.config.models, bots: made.config.bots, today: addDays(made.endDay, 1) };
  const jobFile = join(dir, "hand-job.json");
  writeFileSync(jobFile, JSON.stringify(job));
  const handRuns: Measure[] = [];
  for (let i = 0; i < repeat; i++) handRuns.push(await measureCommand([HAND_PASS, jobFile], made.now));
  if (handRuns.some((r) => r.code !== 0)) throw new Error(`the hand-written pass exited ${handRuns.map((r) => r.code).join(", ")}`);
  const handChild = medianOf(handRuns);
  if (repeat > 1) console.log(`(medians of ${repeat} runs of each, wall and CPU taken separately)`);
  const t1 = process.hrtime.bigint();
  const cpu1 = process.cpuUsage();
  const hand = handPass(path, job.models, job.bots, job.today);
  const handSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const handCpuUsage = process.cpuUsage(cpu1);
  const handCpu = (handCpuUsage.user + handCpuUsage.system) / 1e6;
  const checks = job.models.map((m) => agree(path, m.name, hand.get(m.name)!));
  const check = { compared: checks.reduce((n, c) => n + c.compared, 0), mismatches: checks.flatMap((c) => c.mismatches) };
  if (check.mismatches.length > 0) failed = true;
  // The same command with nothing to score: the CLI's fixed cost (start, imports, config, checks).
  const idle = await measure(args("score"), made.now);
  console.log(`full re-score (${job.models.length} models): ${full.seconds.toFixed(2)} s wall, ${full.cpu.toFixed(2)} s CPU, ${full.rssMb.toFixed(0)} MB peak RSS`);
  console.log(
    `hand-written pass as a process: ${handChild.seconds.toFixed(2)} s wall, ${handChild.cpu.toFixed(2)} s CPU, ${handChild.rssMb.toFixed(0)} MB; ` +
      `ratio ${(full.seconds / handChild.seconds).toFixed(2)}× wall, ${(full.cpu / handChild.cpu).toFixed(2)}× CPU`,
  );
  console.log(`hand-written pass in this process (no start): ${handSeconds.toFixed(2)} s wall, ${handCpu.toFixed(2)} s CPU; score's CPU ${(full.cpu / handCpu).toFixed(2)}× that`);
  console.log(`score with nothing to do (the command's fixed cost): ${idle.seconds.toFixed(2)} s wall, ${idle.cpu.toFixed(2)} s CPU`);
  console.log(`agreement: ${check.compared.toLocaleString("en")} values of A, N and U compared, ${check.mismatches.length === 0 ? "all equal" : `MISMATCHES:\n  ${check.mismatches.join("\n  ")}`}`);
  fullCpu.set(size, full.cpu);

  const next = oneMoreDay(path, made);
  const incremental = await measure(args("score"), next);
  console.log(`incremental score after one more day: ${incremental.seconds.toFixed(2)} s wall, ${incremental.cpu.toFixed(2)} s CPU, ${incremental.rssMb.toFixed(0)} MB`);

  console.log("analysts' queries (median of 5, ms):");
  console.log(formatTable(["query", "ms", "rows"], timeQueries(path, analystQueries(path, addDays(made.endDay, -30)))));
  if (projects === Math.max(...sizes.map(([p]) => p)) && years === Math.max(...sizes.map(([, y]) => y))) {
    addProjectFrom1970(path, addDays(made.endDay, 2));
    const since1970 = timeQueries(path, [
      ["latest_scores, project from 1970", "SELECT * FROM latest_scores WHERE project = 'since-1970'", []],
      ["latest_complete_scores, project from 1970", "SELECT * FROM latest_complete_scores WHERE project = 'since-1970'", []],
      ["latest_scores, every series", "SELECT * FROM latest_scores", []],
      ["latest_complete_scores, every series", "SELECT * FROM latest_complete_scores", []],
    ]);
    console.log("with a project scored every day since 1970:");
    console.log(formatTable(["query", "ms", "rows"], since1970));
  }
  summary.push([
    size,
    made.totalFacts.toLocaleString("en"),
    full.seconds.toFixed(1),
    full.cpu.toFixed(1),
    full.rssMb.toFixed(0),
    handChild.seconds.toFixed(1),
    handChild.cpu.toFixed(1),
    (full.seconds / handChild.seconds).toFixed(2),
    (full.cpu / handChild.cpu).toFixed(2),
    (full.cpu / handCpu).toFixed(2),
    incremental.seconds.toFixed(2),
    incremental.cpu.toFixed(2),
    check.mismatches.length === 0 ? "yes" : "NO",
  ]);
  rmSync(path, { force: true });
  for (const suffix of ["-wal", "-shm"]) rmSync(path + suffix, { force: true });
}

console.log(
  "\nsummary (seconds; CPU is user + system; ratios = full re-score / hand-written pass, both as processes started the same way, " +
    "in wall time and in CPU; in-process CPU: against the pass run inside this process, without a process's start):",
);
console.log(formatTable(["size", "facts", "score s", "score CPU", "RSS MB", "hand s", "hand CPU", "ratio s", "ratio CPU", "in-process CPU", "incr. s", "incr. CPU", "agree"], summary));
const small = fullCpu.get("30×5");
const large = fullCpu.get("300×5");
if (small && large) console.log(`growth: 300×5 costs ${(large / small).toFixed(1)}× the CPU of 30×5 (target ≤ 12×)`);
rmSync(dir, { recursive: true, force: true });
if (failed) process.exitCode = 1;
