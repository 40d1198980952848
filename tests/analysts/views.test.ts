import { describe, expect, it } from "vitest";
import { downloads30 } from "../../src/model/downloads.js";
import { openDb } from "../../src/store/open.js";
import { loadPackageSeries, upsertDailyDownloads, markPendingDays, syncProjectPackages, upsertPackageSnapshot } from "../../src/store/packages.js";
import { addDays, dayRange } from "../../src/util/time.js";
import { FIRST_DAY, TODAY, buildFixture } from "../support/analyst-fixture.js";

const { db, facts } = buildFixture();

/** A plan line that reads a whole table; subqueries, json_each and views are walked, not tables. */
function tableScans(sql: string): string[] {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
  return plan.map((r) => r.detail).filter((d) => /^SCAN /.test(d) && !/^SCAN (\(subquery-\d+\)|\w+ VIRTUAL TABLE|project_contributors)(?= |$)/.test(d));
}

describe("analysts' views", () => {
  it.each(["daily_project_inputs", "daily_package_downloads_30d", "project_contributors", "project_days"])(
    "%s filtered by project reads through indexes, never a whole table",
    (view) => {
      expect(tableScans(`SELECT * FROM ${view} WHERE project = 'ours'`)).toEqual([]);
    },
  );

  it("the plan check catches a full scan", () => {
    expect(tableScans("SELECT * FROM commits WHERE author_email = 'x'")).toEqual(["SCAN commits"]);
  });

  it("has one inputs row per scored day, with the day's facts and N as the scorer counted it", () => {
    const rows = db.prepare("SELECT * FROM daily_project_inputs WHERE project = 'ours' ORDER BY day").all() as Record<string, number | string | null>[];
    expect(rows.map((r) => r.day)).toEqual(dayRange(FIRST_DAY, TODAY));
    const scores = new Map((db.prepare("SELECT day, n, u FROM score_history WHERE project = 'ours' AND model = 'seed'").all() as { day: string; n: number | null; u: number | null }[]).map((r) => [r.day, r]));
    const complete = rows.filter((r) => scores.get(r.day as string)!.n !== null);
    expect(complete.length).toBeGreaterThan(150);
    for (const r of complete) expect(r.contributors, String(r.day)).toBe(scores.get(r.day as string)!.n);
    const ours = (repo: string) => repo.startsWith("acme/");
    const day = "2026-03-17";
    const row = rows.find((r) => r.day === day)!;
    expect(row.commits).toBe(facts.commits.filter((c) => ours(c.repo) && c.day === day).length);
    expect(row.issues_opened).toBe(facts.issues.filter((i) => ours(i.repo) && !i.pull && i.created === day).length);
    expect(row.prs_merged).toBe(facts.issues.filter((i) => ours(i.repo) && i.merged === day).length);
    const june = rows.find((r) => r.day === "2026-06-15")!;
    expect(june.stars).toBe(facts.stars.filter((s) => ours(s.repo) && s.day === "2026-06-15").reduce((a, s) => a + s.stars, 0));
    expect(june.repos).toBe(2);
    expect(june.repos_with_snapshot).toBe(2);
    const window = dayRange(addDays("2026-06-15", -29), "2026-06-15");
    const npm = facts.downloads.filter((d) => d.pkg === "npm:acme" && window.includes(d.day)).reduce((a, d) => a + d.downloads, 0);
    expect(june.downloads_30d).toBe(npm);
    expect(JSON.parse(june.downloads_30d_by_package as string)).toEqual({ "npm:acme": npm });
    // U = stars + downloads on a complete day, as the scorer said.
    expect(scores.get("2026-06-15")!.u).toBe((june.stars as number) + npm);
  });

  it("shows an unknown 30-day figure as NULL, never 0", () => {
    const row = db.prepare("SELECT downloads_30d, packages, packages_known, downloads_30d_by_package FROM daily_project_inputs WHERE project = 'rival' AND day = '2026-06-20'").get();
    expect(row).toEqual({ downloads_30d: null, packages: 1, packages_known: 0, downloads_30d_by_package: '{"npm:rival":null}' });
  });

  it("lists each contributor once per project, bots left out, with the repos they came through", () => {
    const rows = db.prepare("SELECT contributor, first_day, repos FROM project_contributors WHERE project = 'ours' ORDER BY contributor").all() as { contributor: string; first_day: string; repos: string }[];
    const human = facts.commits.filter((c) => c.repo.startsWith("acme/") && c.login !== "dependabot[bot]" && c.login !== "ci-robot");
    const ids = [...new Set(human.map((c) => c.login ?? c.email))].sort();
    expect(rows.map((r) => r.contributor)).toEqual(ids);
    for (const r of rows) {
      const mine = human.filter((c) => (c.login ?? c.email) === r.contributor);
      expect(r.first_day).toBe(mine.map((c) => c.day).sort()[0]);
      expect(r.repos.split(",").sort()).toEqual([...new Set(mine.map((c) => c.repo))].sort());
    }
  });

  it("gives each run its failing targets", () => {
    const rows = db.prepare("SELECT started_at, status, failed_targets, failures FROM run_failures ORDER BY started_at").all() as { started_at: string; status: string; failed_targets: number; failures: string | null }[];
    expect(rows.map((r) => [r.status, r.failed_targets])).toEqual([["partial", 1], ["partial", 1], ["ok", 0]]);
    expect(JSON.parse(rows[0]!.failures!)).toEqual([{ target: "rival/engine", outcome: "failed", error: "HTTP 502 from GitHub" }]);
    expect(rows[2]!.failures).toBe("[]");
  });
});

describe("retained stars in daily_project_inputs", () => {
  it("adds up the star history day by day, as integers", () => {
    const repo = db.prepare("SELECT id FROM repos WHERE full_name = 'acme/core'").pluck().get() as number;
    const add = db.prepare("INSERT INTO star_history (repo_id, day, stars_added) VALUES (?, ?, ?)");
    add.run(repo, "2026-01-03", 5);
    add.run(repo, "2026-01-10", 2);
    const retained = db.prepare("SELECT day, retained_stars FROM daily_project_inputs WHERE project = 'ours' AND day IN ('2026-01-02', '2026-01-03', '2026-01-09', '2026-01-10', '2026-06-30') ORDER BY day").all();
    expect(retained).toEqual([
      { day: "2026-01-02", retained_stars: 0 },
      { day: "2026-01-03", retained_stars: 5 },
      { day: "2026-01-09", retained_stars: 5 },
      { day: "2026-01-10", retained_stars: 7 },
      { day: "2026-06-30", retained_stars: 7 },
    ]);
    expect(db.prepare("SELECT typeof(retained_stars) FROM daily_project_inputs WHERE project = 'rival' LIMIT 1").pluck().get()).toBe("integer");
  });
});

describe("daily_package_downloads_30d", () => {
  it("agrees with the model's definition of 30-day downloads on every kind of series", () => {
    const d = openDb(":memory:");
    const now = new Date("2026-04-01T00:00:00Z");
    d.prepare("INSERT INTO projects (name) VALUES ('p')").run();
    d.prepare("INSERT INTO models (name, params_hash, params, updated_at) VALUES ('m', 'h', '{}', '')").run();
    const days = dayRange("2026-01-01", "2026-03-31");
    const score = d.prepare("INSERT INTO scores (project_id, model, day, params_hash, complete, computed_at) VALUES (1, 'm', ?, 'h', 0, '')");
    for (const day of days.slice(30)) score.run(day);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const refs = Array.from({ length: 8 }, (_, i) => ({ registry: "npm", name: `pkg${i}` }));
    const ids = syncProjectPackages(d, 1, refs, now);
    ids.forEach((id, i) => {
      // Some have daily figures with gaps and pending days, some totals with drops, some a stated last30.
      if (i % 2 === 0) upsertDailyDownloads(d, id, days.filter(() => rnd() > (i === 0 ? 0 : 0.02)).map((day) => ({ day, downloads: Math.floor(rnd() * 100) })), now);
      if (i === 2) markPendingDays(d, id, "2026-01-01", ["2026-03-30", "2026-03-31"], now);
      let total = 1000;
      for (const day of days) {
        if (i % 2 === 0 && i !== 4) continue;
        if (rnd() < 0.1) continue;
        total = rnd() < 0.03 ? Math.floor(total / 2) : total + Math.floor(rnd() * 50);
        upsertPackageSnapshot(d, id, day, { total: i === 5 ? null : total, last30: i >= 5 && rnd() < 0.5 ? Math.floor(rnd() * 999) : null }, now);
      }
    });
    const viewRows = d.prepare("SELECT package, day, downloads_30d FROM daily_package_downloads_30d WHERE project = 'p'").all() as { package: string; day: string; downloads_30d: number | null }[];
    const shown = days.slice(30);
    expect(viewRows).toHaveLength(shown.length * refs.length);
    const methods = new Set<string>();
    ids.forEach((id, i) => {
      const model = downloads30(loadPackageSeries(d, id, shown[0]!, shown.at(-1)!), shown);
      const mine = new Map(viewRows.filter((r) => r.package === `pkg${i}`).map((r) => [r.day, r.downloads_30d]));
      for (const m of model) {
        methods.add("method" in m ? m.method : "missing");
        expect(mine.get(m.day), `pkg${i} ${m.day}`).toBe(m.downloads);
      }
    });
    expect([...methods].sort()).toEqual(["daily", "missing", "stated", "totals"]);
  });
});
