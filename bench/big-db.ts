/**
 * A big database: generates projects × years of facts (default 300 × 5, about 4.5 M facts) in
 * the real schema and prints, in one run:
 *   - the fixed cost of a command: `--help` and `score` on an empty database against `node -e 0`;
 *   - wall time and peak RSS of `score` on the big database: evaluating every day, and printing
 *     the newest day and the whole history as CSV, JSON and a table;
 *   - storage: bytes per fact of each table (with its indexes) against the same rows as CSV;
 *   - peak RSS of every command that reads the store (printing scores, status, report, explain,
 *     compare, export, sql), on the big database and on the same projects over 1 year: what grows
 *     with the file. `score` evaluating is left out: it holds one project's history at a time.
 *
 *   npm run bench:big-db [-- projects years]
 *
 * The generated databases are kept in bench/.cache (bench/lib/cached-db.ts) and copied before
 * anything writes to them. Peak RSS is GNU time's "maximum resident set size" of the child
 * (`/usr/bin/time`); a command's peak moves by 10 to 15 MB from run to run with the moment its
 * garbage is collected, so each by-size figure is the median of three runs.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { formatCsv, formatTable } from "../src/cli/output.js";
import { addDays } from "../src/util/time.js";
import { CLI, tempDir } from "../tests/support/cli.js";
import { cachedDatabase } from "./lib/cached-db.js";
import type { GeneratedDatabase } from "./lib/generate-db.js";

const projects = Number(process.argv[2] ?? 300);
const years = Number(process.argv[3] ?? 5);
const TIME = "/usr/bin/time";
if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed to measure the peak RSS of a child process`);

interface Measure {
  seconds: number;
  rssMb: number;
  code: number;
  lines: number;
  bytes: number;
}

/** Runs a command under GNU time, counting its stdout lines and bytes without keeping them. */
function measure(command: string[], env: NodeJS.ProcessEnv = {}): Promise<Measure> {
  const out = join(dir, "time.txt");
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ["-f", "%e %M", "-o", out, ...command], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let lines = 0;
    let bytes = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      // GNU time's own wall clock has 10 ms steps: too coarse for a command's fixed cost.
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kb = Number(readFileSync(out, "utf8").trim().split("\n").at(-1)!.split(" ")[1]);
      resolve({ seconds, rssMb: kb / 1024, code: code ?? -1, lines, bytes });
    });
  });
}

/** The median of `runs` runs of wall time, and separately of peak RSS. */
async function medianRss(command: string[], env: NodeJS.ProcessEnv = {}, runs = 3): Promise<Measure> {
  const all: Measure[] = [];
  for (let i = 0; i < runs; i++) all.push(await measure(command, env));
  const mid = <T>(values: T[], by: (v: T) => number) => [...values].sort((a, b) => by(a) - by(b))[Math.floor(runs / 2)]!;
  return { ...mid(all, (m) => m.seconds), rssMb: mid(all, (m) => m.rssMb).rssMb };
}

/** The median of `runs` runs (wall time), with the largest peak RSS seen. */
async function median(command: string[], env: NodeJS.ProcessEnv = {}, runs = 9): Promise<Measure> {
  const all: Measure[] = [];
  for (let i = 0; i < runs; i++) all.push(await measure(command, env));
  all.sort((a, b) => a.seconds - b.seconds);
  return { ...all[Math.floor(runs / 2)]!, rssMb: Math.max(...all.map((m) => m.rssMb)) };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const dir = tempDir();

// --- the databases ----------------------------------------------------------------------------
/** A generated database (made once, then taken from the cache), copied here to be written. */
function database(name: string, years: number): GeneratedDatabase {
  const t0 = Date.now();
  const made = cachedDatabase({ projects, years, seed: 1 });
  const path = join(dir, `${name}.db`);
  copyFileSync(made.path, path);
  console.log(
    `${projects} projects × ${years} years (${made.startDay} … ${made.endDay}): ${made.repos} repos, ${made.packages} packages, ` +
      `${made.totalFacts.toLocaleString("en")} facts, ${mb(statSync(path).size)}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { ...made, path };
}
const big = database("big", years);
const factsOnlyBytes = statSync(big.path).size;

const emptyDb = join(dir, "empty.db");
const emptyConfig = join(dir, "empty.yaml");
writeFileSync(emptyConfig, `database: ${emptyDb}\nprojects:\n  - name: one\n    repos: [acme/one]\n`);
const env = { OSS_PULSE_NOW: big.now };
const cli = (config: string, ...args: string[]) => [process.execPath, CLI, "--config", config, "--quiet", ...args];
/** The command on a generated database: its config, and the copy (not the file the config names). */
const on = (db: GeneratedDatabase, ...args: string[]) => [process.execPath, CLI, "--config", db.configPath, "--db", db.path, "--quiet", ...args];
await measure(cli(emptyConfig, "init"), env);

// --- storage ----------------------------------------------------------------------------------
const FACT_TABLES = ["commits", "issues", "releases", "release_assets", "repo_snapshots", "star_history", "package_downloads", "package_snapshots"];
function storage(path: string): { rows: (string | number)[][]; csvTotal: number; dbTotal: number } {
  const db = new Database(path, { readonly: true });
  try {
    const pages = db
      .prepare(
        `SELECT COALESCE(m.tbl_name, s.name) AS tbl, SUM(s.pgsize) AS bytes FROM dbstat s
         LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY tbl`,
      )
      .all() as { tbl: string; bytes: number }[];
    const dbBytes = new Map(pages.map((p) => [p.tbl, p.bytes]));
    const rows: (string | number)[][] = [];
    let csvTotal = 0;
    let dbTotal = 0;
    for (const table of FACT_TABLES) {
      // The same rows written as CSV, with a header, in chunks so that nothing large is held.
      const stmt = db.prepare(`SELECT * FROM ${table}`).raw();
      const header = stmt.columns().map((c) => c.name);
      const headerBytes = Buffer.byteLength(header.join(",")) + 1;
      let csv = headerBytes;
      let count = 0;
      let chunk: (string | number | null)[][] = [];
      const flush = () => {
        if (chunk.length > 0) csv += Buffer.byteLength(formatCsv(header, chunk)) + 1 - headerBytes;
        chunk = [];
      };
      for (const row of stmt.iterate() as Iterable<(string | number | null)[]>) {
        chunk.push(row);
        count++;
        if (chunk.length === 10_000) flush();
      }
      flush();
      const bytes = dbBytes.get(table) ?? 0;
      csvTotal += csv;
      dbTotal += bytes;
      rows.push([table, count.toLocaleString("en"), mb(csv), mb(bytes), (bytes / csv).toFixed(2), count ? Math.round(bytes / count) : 0, count ? Math.round(csv / count) : 0]);
    }
    return { rows, csvTotal, dbTotal };
  } finally {
    db.close();
  }
}
const facts = storage(big.path);
console.log(`\nstorage of the facts (each table with its indexes, from dbstat) against the same rows as CSV:`);
console.log(formatTable(["table", "rows", "CSV", "SQLite", "ratio", "B/row", "CSV B/row"], facts.rows));
console.log(
  `facts: CSV ${mb(facts.csvTotal)}, in SQLite ${mb(facts.dbTotal)}; whole file ${mb(factsOnlyBytes)} = ` +
    `${(factsOnlyBytes / facts.csvTotal).toFixed(2)}× the CSV (target ≤ 1.2×), ${(factsOnlyBytes / big.totalFacts).toFixed(0)} bytes per fact`,
);

// --- fixed cost -------------------------------------------------------------------------------
const results: (string | number)[][] = [];
const show = (what: string, m: Measure, extra = "") => {
  results.push([what, m.seconds.toFixed(2), m.rssMb.toFixed(0), m.code, extra]);
};
const node0 = await median([process.execPath, "-e", "0"]);
show("node -e 0", node0);
const help = await median([process.execPath, CLI, "--help"]);
show("oss-pulse --help", help, `${(help.seconds / node0.seconds).toFixed(1)}× node -e 0 (target ≤ 3×)`);
const emptyScore = await median(cli(emptyConfig, "score"), env);
show("score, empty database", emptyScore, `${(emptyScore.seconds / node0.seconds).toFixed(1)}× node -e 0`);
const emptyStatus = await median(cli(emptyConfig, "status"), env, 3);
show("status, empty database", emptyStatus);

// --- the big database -------------------------------------------------------------------------
const first = await measure(on(big, "score"), env);
show("score (evaluates every day)", first, `${first.lines - 2} rows printed`);
const noCompute = await measure(on(big, "score", "--no-compute"), env);
show("score --no-compute", noCompute, `${noCompute.lines - 2} rows printed`);
const csvAll = await measure(on(big, "score", "--all", "--format", "csv", "--no-compute"), env);
show("score --all --format csv --no-compute", csvAll, `${(csvAll.lines - 1).toLocaleString("en")} rows, ${mb(csvAll.bytes)} (target < 150 MB RSS)`);
const jsonAll = await measure(on(big, "score", "--all", "--json", "--no-compute"), env);
show("score --all --json --no-compute", jsonAll, mb(jsonAll.bytes));
const tableAll = await measure(on(big, "score", "--all", "--no-compute"), env);
show("score --all (table) --no-compute", tableAll, mb(tableAll.bytes));
const scoredBytes = statSync(big.path).size;

// --- the same projects over one year: does a command's peak RSS follow the size of the file? ---
const small = database("small", 1);
await measure(on(small, "score"), env);
const smallBytes = statSync(small.path).size;
// explain reads one project: the one with the most commits, where its history weighs most.
const explained = (() => {
  const db = new Database(big.path, { readonly: true });
  try {
    return db
      .prepare(`SELECT p.name FROM commits c JOIN project_repos pr ON pr.repo_id = c.repo_id JOIN projects p ON p.id = pr.project_id GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1`)
      .pluck()
      .get() as string;
  } finally {
    db.close();
  }
})();
const commands: [string, (db: GeneratedDatabase) => string[]][] = [
  ["score --no-compute", () => ["score", "--no-compute"]],
  ["score --all --format csv --no-compute", () => ["score", "--all", "--format", "csv", "--no-compute"]],
  ["status", () => ["status"]],
  ["report --no-compute", (db) => ["report", "--out", join(dir, `${db === big ? "big" : "small"}.html`), "--force", "--no-compute"]],
  [`explain (30 days of ${explained}) --no-compute`, (db) => ["explain", "--project", explained, "--from", addDays(db.endDay, -30), "--to", db.endDay, "--no-compute"]],
  ["compare --no-compute", () => ["compare", "--no-compute"]],
  ["export score_history", () => ["export", "score_history"]],
  ["sql (one count)", () => ["sql", "SELECT COUNT(*) FROM commits"]],
];
const bySize: (string | number)[][] = [];
for (const [what, args] of commands) {
  const onSmall = await medianRss(on(small, ...args(small)), env);
  const onBig = await medianRss(on(big, ...args(big)), env);
  bySize.push([what, onSmall.rssMb.toFixed(0), onBig.rssMb.toFixed(0), (onBig.rssMb - onSmall.rssMb).toFixed(0), onSmall.seconds.toFixed(1), onBig.seconds.toFixed(1), mb(onSmall.bytes), mb(onBig.bytes), `${onSmall.code}/${onBig.code}`]);
}

console.log(`\ncommands (wall time in seconds, peak RSS in MB; fixed costs are medians of 9 runs, each timed with the same GNU time wrapper):`);
console.log(formatTable(["command", "s", "RSS MB", "exit", "note"], results));
console.log(`\ndatabase after scoring: ${mb(scoredBytes)} (facts only: ${mb(factsOnlyBytes)})`);
console.log(`\npeak RSS (MB, median of 3 runs) and wall time (s) of the same ${projects} projects over 1 year (${mb(smallBytes)} file) and over ${years} years (${mb(scoredBytes)} file):`);
console.log(formatTable(["command", "RSS 1 year", `RSS ${years} years`, "growth", "s, 1 year", `s, ${years} years`, "output, 1 year", `output, ${years} years`, "exit"], bySize));

rmSync(dir, { recursive: true, force: true });
