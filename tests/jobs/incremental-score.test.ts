import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type GeneratedDatabase, generateDatabase } from "../../bench/lib/generate-db.js";
import type { Config } from "../../src/config/schema.js";
import { score } from "../../src/jobs/score.js";
import { upsertCommits } from "../../src/store/facts.js";
import { type Db, openDb } from "../../src/store/open.js";
import { upsertDailyDownloads } from "../../src/store/packages.js";
import { setRepoStatus, upsertRepoSnapshot } from "../../src/store/repos.js";
import { completeSync } from "../../src/store/sync.js";
import { silentLogger } from "../../src/util/log.js";
import { type Day, addDays } from "../../src/util/time.js";
import { tempDir } from "../support/cli.js";

/**
 * Incremental scoring gives what a full re-score of the same data gives, and leaves the rows
 * it did not have to change as they were (their computed_at from the first run).
 */

interface Row {
  project_id: number;
  model: string;
  day: Day;
  computed_at: string;
  [column: string]: unknown;
}

const dir = tempDir();
let made: GeneratedDatabase;
let copies = 0;

beforeAll(() => {
  made = generateDatabase(join(dir, "template.db"), { projects: 4, years: 1, seed: 7 });
});

const rowsOf = (db: Db) =>
  db
    .prepare(
      `SELECT project_id, model, day, params_hash, activity, contributors, users, b, c, d, f, b_share, c_share, d_share,
              complete, missing, computed_at FROM scores ORDER BY project_id, model, day`,
    )
    .all() as Row[];
const keyOf = (r: Row) => `${r.project_id}/${r.model}/${r.day}`;
const valuesOf = ({ computed_at: _computedAt, ...values }: Row) => values;

/** A fresh copy of the generated database, open for `work`, closed after. */
function onCopy(work: (db: Db) => void): void {
  const path = join(dir, `copy-${copies++}.db`);
  copyFileSync(made.path, path);
  const db = openDb(path);
  try {
    work(db);
  } finally {
    db.close();
  }
}

/** Forgets every score and what the scorer kept, then scores: a full re-score. */
function fullRescore(db: Db, config: Config, now: string): Row[] {
  db.exec("DELETE FROM scores; DELETE FROM score_state; DELETE FROM score_contributors;");
  run(db, config, now);
  return rowsOf(db);
}

function run(db: Db, config: Config, now: string) {
  return score({ db, config, clock: () => new Date(now), log: silentLogger });
}

/** The day after the generated data: every stream synced one day further, a new snapshot per tracked repo. */
function nextDay(db: Db): string {
  const day = addDays(made.endDay, 1);
  const syncedTo = new Date(`${addDays(day, 1)}T06:00:00Z`);
  const repos = db.prepare("SELECT id FROM repos").pluck().all() as number[];
  for (const id of repos) {
    for (const stream of ["commits", "issues", "releases", "stars"] as const) completeSync(db, id, stream, null, syncedTo, syncedTo);
    const last = db.prepare("SELECT stars FROM repo_snapshots WHERE repo_id = ? ORDER BY day DESC LIMIT 1").pluck().get(id) as number | undefined;
    if (last !== undefined) {
      const s = { stars: last + 2, forks: null, watchers: null, openIssues: null, openPrs: null, releases: null, releaseDownloads: null };
      upsertRepoSnapshot(db, id, day, syncedTo, s);
      upsertRepoSnapshot(db, id, addDays(day, 1), syncedTo, s);
    }
  }
  return `${addDays(day, 1)}T12:00:00Z`;
}

function commit(db: Db, repoId: number, day: Day, login: string, sha: string): void {
  const at = `${day}T09:30:00Z`;
  upsertCommits(db, repoId, [
    { sha, commit: { author: { name: login, email: `${login}@example.com`, date: at }, committer: { date: at } }, author: { login, type: "User" }, parents: [] },
  ]);
}

const busiestRepo = (db: Db) => db.prepare("SELECT repo_id FROM commits GROUP BY repo_id ORDER BY COUNT(*) DESC LIMIT 1").pluck().get() as number;

const scenarios: { name: string; before?: (db: Db) => void; sameDay?: boolean; change: (db: Db) => Day }[] = [
  { name: "one more day of data", change: () => addDays(made.endDay, 1) },
  {
    name: "a commit dated 40 days ago by someone new",
    change: (db) => {
      const day = addDays(made.endDay, -40);
      commit(db, busiestRepo(db), day, "newcomer-40", "f".repeat(40));
      return day;
    },
  },
  {
    name: "a new contributor's first commit today",
    change: (db) => {
      const day = addDays(made.endDay, 1);
      commit(db, busiestRepo(db), day, "newcomer-today", "e".repeat(40));
      return day;
    },
  },
  {
    name: "a commit 100 days ago deleted",
    change: (db) => {
      const row = db.prepare("SELECT repo_id, sha, committed_at FROM commits WHERE committed_at < ? ORDER BY committed_at DESC LIMIT 1").get(addDays(made.endDay, -100)) as { repo_id: number; sha: string; committed_at: string };
      db.prepare("DELETE FROM commits WHERE repo_id = ? AND sha = ?").run(row.repo_id, row.sha);
      return row.committed_at.slice(0, 10);
    },
  },
  {
    name: "an old issue closed today",
    change: (db) => {
      const day = addDays(made.endDay, 1);
      const issue = db.prepare("SELECT repo_id, number FROM issues WHERE is_pull = 0 AND closed_at IS NULL LIMIT 1").get() as { repo_id: number; number: number };
      db.prepare("UPDATE issues SET closed_at = ?, state = 'closed', updated_at = ? WHERE repo_id = ? AND number = ?").run(`${day}T08:00:00Z`, `${day}T08:00:00Z`, issue.repo_id, issue.number);
      return day;
    },
  },
  {
    name: "a snapshot of 12 days ago corrected",
    change: (db) => {
      const day = addDays(made.endDay, -12);
      db.prepare("UPDATE repo_snapshots SET stars = stars + 1000 WHERE day = ? AND repo_id = (SELECT MIN(repo_id) FROM repo_snapshots WHERE day = ?)").run(day, day);
      return day;
    },
  },
  {
    name: "new downloads for the last week",
    change: (db) => {
      const id = db.prepare("SELECT package_id FROM package_downloads LIMIT 1").pluck().get() as number;
      const from = addDays(made.endDay, -5);
      const rows = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ day: addDays(from, i), downloads: 5000 + i }));
      upsertDailyDownloads(db, id, rows, new Date());
      return from;
    },
  },
  {
    name: "a stream that lagged four days catching up, on the same day",
    before: (db) => {
      db.prepare("UPDATE sync_state SET synced_to = ? WHERE stream = 'commits' AND repo_id = ?").run(`${addDays(made.endDay, -3)}T06:00:00Z`, busiestRepo(db));
    },
    sameDay: true,
    change: (db) => {
      completeSync(db, busiestRepo(db), "commits", null, new Date(`${addDays(made.endDay, 1)}T11:00:00Z`), new Date());
      return addDays(made.endDay, -3);
    },
  },
  {
    name: "a repo gone",
    change: (db) => {
      const day = addDays(made.endDay, 1);
      setRepoStatus(db, busiestRepo(db), "gone", "404", new Date(`${day}T07:00:00Z`));
      return day;
    },
  },
];

describe("incremental scoring", () => {
  it.each(scenarios)("after $name equals a full re-score and rewrites no row before the change", ({ before: prepare, sameDay, change }) => {
    onCopy((db) => {
      prepare?.(db);
      run(db, made.config, made.now);
      const before = new Map(rowsOf(db).map((r) => [keyOf(r), r]));
      const now = sameDay ? made.now : nextDay(db);
      const changedFrom = change(db);
      const summary = run(db, made.config, now);
      const incremental = rowsOf(db);
      expect(summary.changed).toBeGreaterThan(0);

      // Only the days from the change (or the new day) on were evaluated.
      const evaluatedFrom = changedFrom < made.endDay ? changedFrom : made.endDay;
      const expected = incremental.filter((r) => r.day >= evaluatedFrom).length;
      expect(summary.rows).toBeLessThanOrEqual(expected);
      expect(summary.rows).toBeGreaterThan(0);
      // Rows before the change were neither evaluated nor written again.
      for (const r of incremental) {
        const old = before.get(keyOf(r));
        if (r.day < evaluatedFrom) expect(r).toEqual(old);
        else if (old && JSON.stringify(valuesOf(old)) === JSON.stringify(valuesOf(r))) expect(r.computed_at).toBe(old.computed_at);
      }

      expect(incremental.map(valuesOf)).toEqual(fullRescore(db, made.config, now).map(valuesOf));
    });
  });

  it("re-scores every day when the bot list changes, as a full re-score would", () => {
    onCopy((db) => {
      run(db, made.config, made.now);
      const login = db.prepare("SELECT author_login FROM commits WHERE author_type = 'User' GROUP BY author_login ORDER BY MIN(committed_at) LIMIT 1").pluck().get() as string;
      const config = { ...made.config, bots: [...made.config.bots, login] };
      const summary = run(db, config, made.now);
      expect(summary.rows).toBe(rowsOf(db).length);
      const incremental = rowsOf(db).map(valuesOf);
      expect(incremental).toEqual(fullRescore(db, config, made.now).map(valuesOf));
    });
  });

  it("evaluates nothing when nothing changed", () => {
    onCopy((db) => {
      run(db, made.config, made.now);
      expect(run(db, made.config, made.now)).toMatchObject({ rows: 0, changed: 0 });
      expect(db.prepare("SELECT COUNT(*) FROM score_dirty").pluck().get()).toBe(0);
    });
  });
});
