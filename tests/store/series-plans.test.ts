import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { generateDatabase } from "../../bench/lib/generate-db.js";
import { openDb } from "../../src/store/open.js";
import { PACKAGE_SERIES_QUERIES } from "../../src/store/packages.js";
import { SERIES_QUERIES, loadProjectSeries } from "../../src/store/series.js";
import { tempDir } from "../support/cli.js";

/** The tables that grow with the history: a query that scans one reads every project's facts. */
const FACT_TABLES = ["commits", "issues", "releases", "release_assets", "repo_snapshots", "star_history", "package_downloads", "package_pending_days", "package_snapshots", "scores"];

const made = generateDatabase(join(tempDir(), "plans.db"), { projects: 3, years: 1, seed: 5 });
const db = new Database(made.path);
afterAll(() => db.close());

function planOf(sql: string, params: unknown): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params as never) as { detail: string }[]).map((r) => r.detail);
}

const fullScan = (detail: string) => FACT_TABLES.some((t) => new RegExp(`^SCAN ${t}\\b`).test(detail));

describe("the queries that load a project's series", () => {
  it.each(Object.entries(SERIES_QUERIES))("%s reads one repo's rows through an index", (_name, sql) => {
    const plan = planOf(sql, { repo: 1, from: "2026-06-01", until: "2026-09-01" });
    expect(plan.length).toBeGreaterThan(0);
    expect(plan.filter(fullScan)).toEqual([]);
    expect(plan.join("\n")).not.toMatch(/json_each/);
    // Rows come in key order: nothing is sorted or grouped again in a temporary b-tree.
    expect(plan.join("\n")).not.toMatch(/TEMP B-TREE/);
    expect(plan.join("\n")).toMatch(/SEARCH \w+ USING (PRIMARY KEY|INDEX|COVERING INDEX)/);
  });

  it.each(Object.entries(PACKAGE_SERIES_QUERIES))("package %s reads one package's rows through an index", (_name, sql) => {
    const plan = planOf(sql, [1, "2026-01-01", "2026-06-01"]);
    expect(plan.filter(fullScan)).toEqual([]);
    expect(plan.join("\n")).toMatch(/SEARCH \w+ USING (PRIMARY KEY|INDEX|COVERING INDEX)/);
  });

  it("a check that would see a full scan: the analysts' view filtered by repo reads every repo", () => {
    expect(planOf("SELECT * FROM daily_repo_activity WHERE repo_id = @repo", { repo: 1 }).filter(fullScan)).not.toEqual([]);
  });

  it("counts events as the analysts' view daily_repo_activity counts them, summed over the project's repos", () => {
    const store = openDb(made.path);
    try {
      const project = made.config.projects[0]!.name;
      const fromView = db
        .prepare(
          `SELECT day, SUM(commits) AS commits, SUM(issues_opened) AS issues_opened, SUM(issues_closed) AS issues_closed,
                  SUM(prs_opened) AS prs_opened, SUM(prs_merged) AS prs_merged, SUM(releases) AS releases
           FROM daily_repo_activity WHERE repo_id IN (SELECT pr.repo_id FROM project_repos pr JOIN projects p ON p.id = pr.project_id WHERE p.name = ?)
           GROUP BY day ORDER BY day`,
        )
        .all(project);
      expect(fromView.length).toBeGreaterThan(100);
      expect(loadProjectSeries(store, project, made.config.bots).events).toEqual(fromView);
    } finally {
      store.close();
    }
  });

  it("reads from a day on what it reads of the whole history from that day", () => {
    const store = openDb(made.path);
    try {
      const project = made.config.projects[0]!.name;
      const whole = loadProjectSeries(store, project, made.config.bots);
      const recent = loadProjectSeries(store, project, made.config.bots, { from: "2026-06-01", activeFrom: "2026-06-01" });
      expect(recent.events).toEqual(whole.events.filter((e) => e.day >= "2026-06-01"));
      expect(recent.events.length).toBeGreaterThan(0);
      recent.repos.forEach((r, i) => {
        const w = whole.repos[i]!;
        expect(r.snapshots).toEqual(w.snapshots.filter(([d]) => d >= "2026-06-01"));
        expect(r.firstSnapshot).toBe(w.snapshots[0]?.[0] ?? null);
        expect(r.starsAdded).toEqual(w.starsAdded.filter(([d]) => d >= "2026-06-01"));
        expect(r.starsBefore).toBe(w.starsAdded.filter(([d]) => d < "2026-06-01").reduce((n, [, k]) => n + k, 0));
      });
      for (const [who, days] of recent.contributorDays) expect(days).toEqual(whole.contributorDays.get(who)!.filter((d) => d >= "2026-06-01"));
    } finally {
      store.close();
    }
  });
});
