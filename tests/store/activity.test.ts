import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDatabase } from "../../bench/lib/generate-db.js";
import { loadDailyActivity } from "../../src/store/activity.js";
import { tempDir } from "../support/cli.js";

describe("loadDailyActivity", () => {
  const made = generateDatabase(join(tempDir(), "activity.db"), { projects: 3, years: 1, seed: 11 });
  const db = new Database(made.path);

  it("counts what the analysts' view daily_repo_activity counts, summed over the repos", () => {
    const ids = db.prepare("SELECT repo_id FROM project_repos WHERE project_id = 1").pluck().all() as number[];
    expect(ids.length).toBeGreaterThan(0);
    const fromView = db
      .prepare(
        `SELECT day, SUM(commits) AS commits, SUM(issues_opened) AS issues_opened, SUM(issues_closed) AS issues_closed,
                SUM(prs_opened) AS prs_opened, SUM(prs_merged) AS prs_merged, SUM(releases) AS releases
         FROM daily_repo_activity WHERE repo_id IN (SELECT value FROM json_each(?)) GROUP BY day ORDER BY day`,
      )
      .all(JSON.stringify(ids)) as Record<string, number | string>[];
    const loaded = loadDailyActivity(db, ids);
    expect(fromView.length).toBeGreaterThan(100);
    expect(loaded).toEqual(fromView);
  });
});
