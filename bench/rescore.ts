/**
 * Scoring at scale: for 30 × 1, 30 × 5, 300 × 1 and 300 × 5 (projects × years, seeded, in the
 * real schema; generated once and kept under bench/.cache), prints
 *   - the full re-score (`oss-pulse score` with no stored scores, run as a child): wall and CPU
 *     time, peak RSS (GNU time's maximum resident set size);
 *   - a hand-written pass in this process over the same tables: one SQL aggregation per table,
 *     then a linear walk over each project's days computing A, N and U for the model "seed";
 *     its time and the ratio; and checks that both agree on every A, N and U the score knows;
 *   - the incremental score after one more day of data (a daily collect written through the
 *     store: every stream synced a day further, snapshots, new commits, issues, downloads);
 *   - the time of each query the README points analysts to (median of 5 runs), and at the
 *     largest size the latest-score views with a project scored from 1970 on.
 *
 *   npm run bench:rescore [-- sizes]      e.g. -- 30x1,30x5
 */
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { formatTable } from "../src/cli/output.js";
import type { ModelConfig } from "../src/config/schema.js";
import { upsertCommits, upsertIssues } from "../src/store/facts.js";
import { openDb } from "../src/store/open.js";
import { upsertDailyDownloads, upsertPackageSnapshot } from "../src/store/packages.js";
import { upsertRepoSnapshot } from "../src/store/repos.js";
import { completeSync } from "../src/store/sync.js";
import { type Day, addDays, dayRange } from "../src/util/time.js";
import { CLI, tempDir } from "../tests/support/cli.js";
import { cachedDatabase } from "./lib/cached-db.js";
import type { GeneratedDatabase } from "./lib/generate-db.js";

const TIME = "/usr/bin/time";
const sizes = (process.argv[2] ?? "30x1,30x5,300x1,300x5").split(",").map((s) => s.split("x").map(Number) as [number, number]);
const dir = tempDir();

interface Measure {
  seconds: number;
  cpu: number;
  rssMb: number;
  code: number;
}

/** Runs the CLI under GNU time: wall clock, user + system CPU, peak RSS. */
function measure(args: string[], now: string): Promise<Measure> {
  const out = join(dir, "time.txt");
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ["-f", "%U %S %M", "-o", out, process.execPath, CLI, ...args], {
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

// --- the hand-written pass --------------------------------------------------------------------

interface HandValues {
  a: (number | null)[];
  n: number[];
  u: (number | null)[];
  from: Day;
}

/**
 * A, N and U of every project on every day from its first fact to `today`, written directly:
 * one aggregation per fact table over all projects at once, then one walk over each project's
 * days with running sums. Same definitions as the scorer (see README), written independently.
 */
function handPass(path: string, model: ModelConfig, bots: readonly string[], today: Day): Map<number, HandValues> {
  const db = new Database(path, { readonly: true });
  try {
    const perProject = <T>() => new Map<number, T[]>();
    const push = <T>(map: Map<number, T[]>, key: number, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    const events = perProject<[Day, number]>();
    const w = model.events;
    const eventSql = `
      SELECT pr.project_id, substr(c.committed_at, 1, 10), COUNT(*) * ${w.commits} FROM commits c JOIN project_repos pr ON pr.repo_id = c.repo_id GROUP BY 1, 2
      UNION ALL
      SELECT project_id, day, SUM(weight) FROM (
        SELECT pr.project_id, substr(i.created_at, 1, 10) AS day, CASE i.is_pull WHEN 1 THEN ${w.prs_opened} ELSE ${w.issues_opened} END AS weight
          FROM issues i JOIN project_repos pr ON pr.repo_id = i.repo_id
        UNION ALL SELECT pr.project_id, substr(i.closed_at, 1, 10), ${w.issues_closed}
          FROM issues i JOIN project_repos pr ON pr.repo_id = i.repo_id WHERE i.is_pull = 0 AND i.closed_at IS NOT NULL
        UNION ALL SELECT pr.project_id, substr(i.merged_at, 1, 10), ${w.prs_merged}
          FROM issues i JOIN project_repos pr ON pr.repo_id = i.repo_id WHERE i.is_pull = 1 AND i.merged_at IS NOT NULL
      ) GROUP BY 1, 2
      UNION ALL
      SELECT pr.project_id, substr(r.published_at, 1, 10), COUNT(*) * ${w.releases} FROM releases r JOIN project_repos pr ON pr.repo_id = r.repo_id
      WHERE r.is_draft = 0 AND r.published_at IS NOT NULL GROUP BY 1, 2`;
    for (const [p, day, n] of db.prepare(eventSql).raw().iterate() as Iterable<[number, Day, number]>) push(events, p, [day, n]);

    const firsts = perProject<Day>();
    const botList = bots.map((b) => `'${b.toLowerCase().replace(/'/g, "''")}'`).join(", ") || "NULL";
    const contributorSql = `
      SELECT pr.project_id, COALESCE(c.author_login, c.author_email) AS who, MIN(substr(c.committed_at, 1, 10))
      FROM commits c JOIN project_repos pr ON pr.repo_id = c.repo_id
      WHERE COALESCE(c.author_login, c.author_email) IS NOT NULL
        AND NOT (COALESCE(c.author_login, '') LIKE '%[bot]' OR COALESCE(c.author_type, '') = 'Bot'
              OR (c.author_login IS NULL AND COALESCE(c.author_email, '') LIKE '%[bot]@users.noreply.github.com')
              OR lower(COALESCE(c.author_login, '')) IN (${botList}) OR COALESCE(c.author_email, '') IN (${botList}))
      GROUP BY 1, 2`;
    for (const [p, , day] of db.prepare(contributorSql).raw().iterate() as Iterable<[number, string, Day]>) push(firsts, p, day);

    // Stars: per repo, the day's snapshot; before the first snapshot, the retained stars so far.
    interface RepoStars { created: Day | null; snapshots: Map<Day, number>; first: Day | null; added: [Day, number][] }
    const repos = new Map<number, RepoStars>();
    const repoOf = (id: number) => {
      let r = repos.get(id);
      if (!r) repos.set(id, (r = { created: null, snapshots: new Map(), first: null, added: [] }));
      return r;
    };
    for (const [id, created] of db.prepare("SELECT id, substr(created_at, 1, 10) FROM repos").raw().iterate() as Iterable<[number, Day | null]>) repoOf(id).created = created;
    for (const [id, day, stars] of db.prepare("SELECT repo_id, day, stars FROM repo_snapshots ORDER BY repo_id, day").raw().iterate() as Iterable<[number, Day, number]>) {
      const r = repoOf(id);
      r.snapshots.set(day, stars);
      r.first ??= day;
    }
    for (const [id, day, n] of db.prepare("SELECT repo_id, day, stars_added FROM star_history ORDER BY repo_id, day").raw().iterate() as Iterable<[number, Day, number]>) repoOf(id).added.push([day, n]);
    const projectRepos = perProject<number>();
    for (const [p, id] of db.prepare("SELECT project_id, repo_id FROM project_repos").raw().iterate() as Iterable<[number, number]>) push(projectRepos, p, id);

    // Downloads: per package, its daily figures (30-day running sums) or its snapshotted totals.
    const daily = new Map<number, Map<Day, number>>();
    for (const [id, day, n] of db.prepare("SELECT package_id, day, downloads FROM package_downloads").raw().iterate() as Iterable<[number, Day, number]>) {
      let m = daily.get(id);
      if (!m) daily.set(id, (m = new Map()));
      m.set(day, n);
    }
    const totals = new Map<number, Map<Day, number>>();
    for (const [id, day, t] of db.prepare("SELECT package_id, day, total FROM package_snapshots WHERE total IS NOT NULL").raw().iterate() as Iterable<[number, Day, number]>) {
      let m = totals.get(id);
      if (!m) totals.set(id, (m = new Map()));
      m.set(day, t);
    }
    const projectPackages = perProject<number>();
    for (const [p, id] of db.prepare("SELECT project_id, package_id FROM project_packages").raw().iterate() as Iterable<[number, number]>) push(projectPackages, p, id);

    const result = new Map<number, HandValues>();
    for (const p of db.prepare("SELECT id FROM projects").pluck().all() as number[]) {
      const ev = new Map(events.get(p) ?? []);
      const perDay = new Map<Day, number>();
      for (const [day, n] of events.get(p) ?? []) perDay.set(day, (perDay.get(day) ?? 0) + n);
      const starts: Day[] = [...ev.keys()];
      const ids = projectRepos.get(p) ?? [];
      for (const id of ids) {
        const r = repoOf(id);
        if (r.first) starts.push(r.first);
        const firstStar = r.added.find(([, n]) => n > 0);
        if (firstStar) starts.push(firstStar[0]);
      }
      if (starts.length === 0) continue;
      const from = starts.reduce((x, y) => (y < x ? y : x));
      const days = dayRange(from <= today ? from : today, today);
      const lead = dayRange(addDays(days[0]!, -(model.window - 1)), today);
      const weighted = lead.map((d) => perDay.get(d) ?? 0);
      const a: (number | null)[] = [];
      let running = 0;
      for (let i = 0; i < lead.length; i++) {
        running += weighted[i]!;
        if (i >= model.window) running -= weighted[i - model.window]!;
        if (i >= model.window - 1) a.push(running);
      }
      const sortedFirsts = (firsts.get(p) ?? []).sort();
      const n: number[] = [];
      let j = 0;
      for (const d of days) {
        while (j < sortedFirsts.length && sortedFirsts[j]! <= d) j++;
        n.push(j);
      }
      const u: (number | null)[] = days.map(() => 0);
      for (const id of ids) {
        const r = repoOf(id);
        let retained = 0;
        let k = 0;
        days.forEach((d, i) => {
          while (k < r.added.length && r.added[k]![0] <= d) retained += r.added[k++]![1];
          const stars = r.created && d < r.created ? 0 : (r.snapshots.get(d) ?? (r.first === null || d < r.first ? retained : null));
          u[i] = u[i] === null || stars === null ? null : u[i]! + model.users.stars * stars;
        });
      }
      for (const id of projectPackages.get(p) ?? []) {
        const figures = daily.get(id);
        const tot = totals.get(id);
        const window = dayRange(addDays(days[0]!, -29), today).map((d) => figures?.get(d));
        let sum = 0;
        let known = 0;
        window.forEach((f, i) => {
          sum += f ?? 0;
          known += f === undefined ? 0 : 1;
          if (i >= 30) {
            sum -= window[i - 30] ?? 0;
            known -= window[i - 30] === undefined ? 0 : 1;
          }
          if (i < 29) return;
          const di = i - 29;
          const d = days[di]!;
          let downloads: number | null = known === 30 ? sum : null;
          if (downloads === null && tot) {
            const end = tot.get(d);
            const begin = tot.get(addDays(d, -30));
            downloads = end !== undefined && begin !== undefined && end >= begin ? end - begin : null;
          }
          u[di] = u[di] === null || downloads === null ? null : u[di]! + model.users.downloads * downloads;
        });
      }
      result.set(p, { a, n, u, from: days[0]! });
    }
    return result;
  } finally {
    db.close();
  }
}

/** Compares the stored scores of `model` with the hand-written pass: every known A, N and U. */
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
        if (stored !== mine && mismatches.length < 10) mismatches.push(`project ${p} ${day} ${name}: score ${stored}, hand-written ${mine}`);
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

  const full = await measure(args("score"), made.now);
  if (full.code !== 0) throw new Error(`score exited ${full.code}`);
  const model = made.config.models.find((m) => m.name === "seed")!;
  const t1 = process.hrtime.bigint();
  const cpu1 = process.cpuUsage();
  const hand = handPass(path, model, made.config.bots, addDays(made.endDay, 1));
  const handSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const handCpuUsage = process.cpuUsage(cpu1);
  const handCpu = (handCpuUsage.user + handCpuUsage.system) / 1e6;
  const check = agree(path, "seed", hand);
  if (check.mismatches.length > 0) failed = true;
  // The same command with nothing to score: the CLI's fixed cost (start, imports, config, checks).
  const idle = await measure(args("score"), made.now);
  console.log(`full re-score: ${full.seconds.toFixed(2)} s wall, ${full.cpu.toFixed(2)} s CPU, ${full.rssMb.toFixed(0)} MB peak RSS`);
  console.log(`hand-written pass: ${handSeconds.toFixed(2)} s wall, ${handCpu.toFixed(2)} s CPU; ratio ${(full.seconds / handSeconds).toFixed(2)}× wall, ${(full.cpu / handCpu).toFixed(2)}× CPU`);
  console.log(`score with nothing to do (the command's fixed cost): ${idle.seconds.toFixed(2)} s wall, ${idle.cpu.toFixed(2)} s CPU; ratio without it ${((full.cpu - idle.cpu) / handCpu).toFixed(2)}× CPU`);
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
    handSeconds.toFixed(1),
    handCpu.toFixed(1),
    (full.cpu / handCpu).toFixed(2),
    ((full.cpu - idle.cpu) / handCpu).toFixed(2),
    incremental.seconds.toFixed(2),
    incremental.cpu.toFixed(2),
    check.mismatches.length === 0 ? "yes" : "NO",
  ]);
  rmSync(path, { force: true });
  for (const suffix of ["-wal", "-shm"]) rmSync(path + suffix, { force: true });
}

console.log("\nsummary (seconds; CPU is user + system; ratio = full re-score CPU / hand-written CPU; net: without the command's fixed cost):");
console.log(formatTable(["size", "facts", "score s", "score CPU", "RSS MB", "hand s", "hand CPU", "ratio", "net ratio", "incr. s", "incr. CPU", "agree"], summary));
const small = fullCpu.get("30×5");
const large = fullCpu.get("300×5");
if (small && large) console.log(`growth: 300×5 costs ${(large / small).toFixed(1)}× the CPU of 30×5 (target ≤ 12×)`);
rmSync(dir, { recursive: true, force: true });
if (failed) process.exitCode = 1;
