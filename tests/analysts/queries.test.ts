import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { prepareQuery } from "../../src/store/query.js";
import { type ScoreHistoryRow, selectScores } from "../../src/store/scores.js";
import { packageRoot } from "../../src/util/paths.js";
import { addDays, dayRange } from "../../src/util/time.js";
import { CONFIG_YAML, TODAY, buildFixture, type FixtureCommit } from "../support/analyst-fixture.js";

/**
 * Every query of docs/queries.md, run against the fixture; each expected answer is computed here
 * from the fixture's facts (or from stored score rows with plain arithmetic), never by SQL.
 */
const { db, facts } = buildFixture();
const config = parseConfig(CONFIG_YAML);
const MODEL = "balanced";
const model = config.models.find((m) => m.name === MODEL)!;
const projects = { ours: ["acme/core", "acme/cli"], rival: ["rival/engine"] } as const;
const packagesOf = { ours: "npm:acme", rival: "npm:rival" } as const;
type Project = keyof typeof projects;
const names = Object.keys(projects) as Project[];

const scores = selectScores(db, "score_history", { projects: names, models: [MODEL] });
const seriesOf = (p: string) => scores.filter((r) => r.project === p);
const latestComplete = (p: string): ScoreHistoryRow => seriesOf(p).filter((r) => r.complete === 1).at(-1)!;
const on = (p: string, day: string) => seriesOf(p).find((r) => r.day === day)!;

const isBot = (c: FixtureCommit) => c.login?.endsWith("[bot]") || c.type === "Bot" || config.bots.includes(c.login ?? c.email);
const humanCommits = (p: Project) => facts.commits.filter((c) => (projects[p] as readonly string[]).includes(c.repo) && !isBot(c));
const who = (c: FixtureCommit) => c.login ?? c.email;
function people(p: Project) {
  const map = new Map<string, { commits: number; first: string; last: string; repos: Set<string> }>();
  for (const c of humanCommits(p)) {
    const m = map.get(who(c)) ?? { commits: 0, first: c.day, last: c.day, repos: new Set<string>() };
    m.commits++;
    if (c.day < m.first) m.first = c.day;
    if (c.day > m.last) m.last = c.day;
    m.repos.add(c.repo);
    map.set(who(c), m);
  }
  return map;
}
const downloads = (pkg: string) => new Map(facts.downloads.filter((d) => d.pkg === pkg).map((d) => [d.day, d.downloads]));
const window30 = (day: string) => dayRange(addDays(day, -29), day);
const starsOn = (p: Project, day: string) => facts.stars.filter((s) => (projects[p] as readonly string[]).includes(s.repo) && s.day === day).reduce((a, s) => a + s.stars, 0);
const byDesc = <T>(key: (x: T) => number) => (a: T, b: T) => key(b) - key(a);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avg = (xs: number[]) => (xs.length === 0 ? null : sum(xs) / xs.length);

interface Case {
  params: Record<string, string>;
  expected: () => Record<string, unknown>[];
  /** Columns holding a comma-separated list in no set order. */
  lists?: string[];
}

const cases: Record<number, Case> = {
  1: {
    params: { model: MODEL },
    expected: () =>
      names
        .map((p) => {
          const now = latestComplete(p);
          const before = on(p, addDays(now.day, -30));
          return { project: p, day: now.day, f_now: now.f, f_before: before.f, change: now.f! - before.f! };
        })
        .sort(byDesc((r) => r.change)),
  },
  2: {
    params: { model: MODEL },
    expected: () =>
      names.map((p) => {
        const r = latestComplete(p);
        return {
          project: p,
          day: r.day,
          f: r.f,
          users_pct: (100 * model.gamma * r.d!) / r.f!,
          activity_pct: (100 * model.alpha * r.b!) / r.f!,
          contributors_pct: (100 * model.beta * r.c!) / r.f!,
        };
      }),
  },
  3: {
    params: { model: MODEL, us: "ours", rival: "rival" },
    expected: () => {
      const months = [...new Set(scores.map((r) => r.day.slice(0, 7)))].sort();
      return months.map((month) => {
        const of = (p: string) => seriesOf(p).filter((r) => r.day.startsWith(month));
        return {
          month,
          us: avg(of("ours").filter((r) => r.f !== null).map((r) => r.f!)),
          rival: avg(of("rival").filter((r) => r.f !== null).map((r) => r.f!)),
          us_days_unscored: of("ours").filter((r) => r.f === null).length,
          rival_days_unscored: of("rival").filter((r) => r.f === null).length,
        };
      });
    },
  },
  4: {
    params: {},
    expected: () =>
      names.flatMap((p) => {
        const counts = new Map<string, number>();
        for (const m of people(p).values()) {
          const quarter = `${m.first.slice(0, 4)}-Q${Math.ceil(Number(m.first.slice(5, 7)) / 3)}`;
          counts.set(quarter, (counts.get(quarter) ?? 0) + 1);
        }
        return [...counts].sort().map(([quarter, n]) => ({ project: p, quarter, new_contributors: n }));
      }),
  },
  5: {
    params: { model: MODEL },
    // Today is never complete: streams are synced to noon, and npm has not published today.
    expected: () =>
      names.flatMap((p) =>
        [
          ...projects[p].flatMap((repo) => ["commits", "contributors", "issues", "releases"].map((input) => ({ input, source: repo }))),
          { input: "downloads", source: packagesOf[p] },
        ]
          .sort((a, b) => (a.input + "\0" + a.source < b.input + "\0" + b.source ? -1 : 1))
          .map((x) => ({ project: p, day: TODAY, ...x })),
      ),
  },
  6: {
    params: { since: "2026-06-01" },
    expected: () =>
      names.flatMap((p) => {
        const known = downloads(packagesOf[p]);
        const unknown = dayRange("2026-06-01", TODAY)
          .map((day) => ({ day, published: window30(day).filter((d) => known.has(d)).length }))
          .filter((x) => x.published < 30);
        if (unknown.length === 0) return [];
        return [{
          project: p,
          package: packagesOf[p],
          first_day: unknown[0]!.day,
          last_day: unknown.at(-1)!.day,
          days_unknown: unknown.length,
          fewest_days_published: Math.min(...unknown.map((x) => x.published)),
        }];
      }),
  },
  7: {
    params: { today: TODAY },
    expected: () =>
      facts.runs.flatMap((run, i) =>
        run.started >= addDays(TODAY, -6)
          ? run.failed.map((f) => ({ run_id: i + 1, kind: run.kind, started_at: run.started, status: "partial", target: f.target, error: f.error }))
          : [],
      ),
  },
  8: {
    params: { project: "ours" },
    lists: ["repos"],
    expected: () =>
      [...people("ours")]
        .sort((a, b) => b[1].commits - a[1].commits || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([contributor, m]) => ({ contributor, commits: m.commits, first_day: m.first, last_day: m.last, repos: [...m.repos].join(",") })),
  },
  9: {
    params: {},
    expected: () =>
      names.map((p) => {
        const all = [...people(p).values()];
        return { project: p, people: all.length, in_several_repos: all.filter((m) => m.repos.size > 1).length };
      }),
  },
  10: {
    params: { project: "ours" },
    expected: () => {
      const mine = (repo: string) => (projects.ours as readonly string[]).includes(repo);
      const months = [...new Set(dayRange("2026-01-01", TODAY).map((d) => d.slice(0, 7)))];
      return months.map((month) => {
        const inMonth = (day: string | null) => day !== null && day.startsWith(month);
        const issues = facts.issues.filter((i) => mine(i.repo));
        return {
          month,
          commits: facts.commits.filter((c) => mine(c.repo) && inMonth(c.day)).length,
          issues_opened: issues.filter((i) => !i.pull && inMonth(i.created)).length,
          issues_closed: issues.filter((i) => !i.pull && inMonth(i.closed)).length,
          prs_opened: issues.filter((i) => i.pull && inMonth(i.created)).length,
          prs_merged: issues.filter((i) => i.pull && inMonth(i.merged)).length,
          releases: facts.releases.filter((r) => mine(r.repo) && !r.draft && inMonth(r.day)).length,
        };
      });
    },
  },
  11: {
    params: { today: TODAY },
    expected: () =>
      names
        .map((p) => ({ project: p, stars_now: starsOn(p, TODAY), stars_before: starsOn(p, addDays(TODAY, -30)), gained: starsOn(p, TODAY) - starsOn(p, addDays(TODAY, -30)) }))
        .sort(byDesc((r) => r.gained)),
  },
  12: {
    params: { model: MODEL },
    expected: () =>
      names.map((p) => {
        const day = latestComplete(p).day;
        const known = downloads(packagesOf[p]);
        return { project: p, package: packagesOf[p], day, downloads_30d: sum(window30(day).map((d) => known.get(d)!)), method: "daily" };
      }),
  },
};

function queriesInDoc(): Map<number, { title: string; sql: string }> {
  const text = readFileSync(join(packageRoot, "docs/queries.md"), "utf8");
  const found = new Map<number, { title: string; sql: string }>();
  for (const section of text.split(/^## /m).slice(1)) {
    const heading = /^(\d+)\. (.+)$/m.exec(section);
    const sql = /```sql\n([\s\S]*?)```/.exec(section);
    if (heading && sql) found.set(Number(heading[1]), { title: heading[2]!, sql: sql[1]! });
  }
  return found;
}

/** Equal, with numbers to within the rounding the queries do (ROUND(x, 1) or (x, 2)). */
function same(actual: unknown, expected: unknown): boolean {
  if (typeof actual === "number" && typeof expected === "number") return Math.abs(actual - expected) <= 0.051;
  return actual === expected;
}

const doc = queriesInDoc();

describe("docs/queries.md", () => {
  it("has a dozen questions, each one checked here", () => {
    expect([...doc.keys()].sort((a, b) => a - b)).toEqual(Object.keys(cases).map(Number));
  });

  it.each([...doc].map(([n, q]) => [n, q.title, q.sql] as const))("%i. %s", (n, _title, sql) => {
    const c = cases[n]!;
    const rows = prepareQuery(db, sql).all(c.params) as Record<string, unknown>[];
    for (const row of rows) for (const col of c.lists ?? []) row[col] = String(row[col]).split(",").sort().join(",");
    const expected = c.expected().map((row) => {
      const out = { ...row };
      for (const col of c.lists ?? []) out[col] = String(out[col]).split(",").sort().join(",");
      return out;
    });
    expect(expected.length, "the expected answer is not empty").toBeGreaterThan(0);
    const ok = rows.length === expected.length && rows.every((r, i) => Object.keys(expected[i]!).length === Object.keys(r).length && Object.entries(expected[i]!).every(([k, v]) => same(r[k], v)));
    if (!ok) expect(rows).toEqual(expected);
  });
});
