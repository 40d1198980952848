import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { generateDatabase } from "../../bench/lib/generate-db.js";
import { INSIGHT_QUERIES, activityByRepo } from "../../src/store/insights.js";
import { openDb } from "../../src/store/open.js";
import { tempDir } from "../support/cli.js";

/** The tables that grow with the history: a query that scans one reads every project's facts. */
const FACT_TABLES = ["commits", "issues", "releases", "release_assets", "repo_snapshots", "star_history", "package_downloads", "package_snapshots", "scores"];

const made = generateDatabase(join(tempDir(), "insight-plans.db"), { projects: 3, years: 1, seed: 7 });
const db = new Database(made.path);
afterAll(() => db.close());

function planOf(sql: string, params: unknown): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params as never) as { detail: string }[]).map((r) => r.detail);
}

const fullScan = (detail: string) => FACT_TABLES.some((t) => new RegExp(`^SCAN ${t}\\b`).test(detail)) || /MATERIALIZE/.test(detail);

describe("the queries explain and the report read by", () => {
  const params = { project: "p", repo: 1, model: "m", from: "2026-06-01", to: "2026-06-30", before: "2026-06-01" };
  it.each(Object.entries(INSIGHT_QUERIES))("%s reads one repo's or one project's rows through an index", (_name, sql) => {
    const plan = planOf(sql, params);
    expect(plan.length).toBeGreaterThan(0);
    expect(plan.filter(fullScan)).toEqual([]);
    expect(plan.join("\n")).toMatch(/SEARCH \w+ USING (PRIMARY KEY|INDEX|COVERING INDEX)/);
  });

  it("count each repo's events as the analysts' view daily_repo_activity counts them", () => {
    const store = openDb(made.path);
    try {
      const project = made.config.projects[0]!.name;
      const fromView = db.prepare(
        `SELECT r.full_name AS repo,
                COALESCE(SUM(a.commits), 0) AS commits, COALESCE(SUM(a.issues_opened), 0) AS issues_opened,
                COALESCE(SUM(a.issues_closed), 0) AS issues_closed, COALESCE(SUM(a.prs_opened), 0) AS prs_opened,
                COALESCE(SUM(a.prs_merged), 0) AS prs_merged, COALESCE(SUM(a.releases), 0) AS releases
         FROM repos r JOIN project_repos pr ON pr.repo_id = r.id JOIN projects p ON p.id = pr.project_id
         LEFT JOIN daily_repo_activity a ON a.repo_id = r.id AND a.day BETWEEN @from AND @to
         WHERE p.name = @project GROUP BY r.id ORDER BY r.full_name`,
      );
      let events = 0;
      for (const [from, to] of [["2026-01-01", "2026-03-31"], [made.startDay, made.endDay], ["2026-06-15", "2026-06-15"], ["1970-01-01", "1970-12-31"]] as const) {
        const want = (fromView.all({ project, from, to }) as ({ repo: string } & Record<string, number>)[]).map(({ repo, ...counts }) => ({ repo, counts }));
        expect(activityByRepo(store, project, from, to)).toEqual(want);
        events += want.reduce((s, r) => s + Object.values(r.counts).reduce((x, y) => x + y, 0), 0);
      }
      expect(events).toBeGreaterThan(100);
    } finally {
      store.close();
    }
  });
});
