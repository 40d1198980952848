import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { compare } from "../../src/jobs/compare.js";
import { explain } from "../../src/jobs/explain.js";
import type { Db } from "../../src/store/open.js";
import { addDays, dayRange } from "../../src/util/time.js";
import { FIRST, LAST, MISSING_DAY, buildFixture } from "../support/insights-fixture.js";

let db: Db;
let config: Config;
beforeAll(() => {
  ({ db, config } = buildFixture());
});

const near = (actual: number | null, wanted: number | null) => {
  if (wanted === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - wanted)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(wanted)));
};

interface ChangeRow {
  f: number | null;
  df_7d: number | null;
  db_7d: number | null;
  dc_7d: number | null;
  dd_7d: number | null;
  growth_7d: number | null;
  df_30d: number | null;
  db_30d: number | null;
  dc_30d: number | null;
  dd_30d: number | null;
  growth_30d: number | null;
  df_90d: number | null;
}

describe("score_changes view", () => {
  it("gives the split of explain over 7 and 30 days, unknown where an input is missing", () => {
    const row = db.prepare("SELECT * FROM score_changes WHERE project = ? AND model = 'm' AND day = ?");
    const model = config.models[0]!;
    let checked = 0;
    for (const project of ["alpha", "beta"]) {
      for (const day of dayRange("2026-02-01", LAST)) {
        const r = row.get(project, day) as ChangeRow;
        for (const h of [7, 30] as const) {
          const e = explain({ db, config }, { project, model, from: addDays(day, -h), to: day });
          near(r[`df_${h}d`], e.f.change);
          near(r[`db_${h}d`], e.parts.b.change);
          near(r[`dc_${h}d`], e.parts.c.change);
          near(r[`dd_${h}d`], e.parts.d.change);
          near(r[`growth_${h}d`], e.f.change === null ? null : e.f.change / e.f.from!);
          checked++;
        }
        expect(r.df_90d).toBeNull(); // nothing was scored 90 days before
      }
    }
    expect(checked).toBe(2 * 28 * 2);
    expect((row.get("alpha", MISSING_DAY) as ChangeRow).df_7d).toBeNull();
  });
});

describe("project_ranks view", () => {
  it("gives the ranks, shares and growth of compare over every project", () => {
    const c = compare({ db, config }, { projects: ["alpha", "beta", "gamma"], model: config.models[0]!, from: FIRST, to: LAST })!;
    const rows = db.prepare("SELECT * FROM project_ranks WHERE model = 'm' AND day <= ? ORDER BY day, project").all(LAST) as {
      day: string; project: string; rank: number | null; share_f: number | null; share_n: number | null; share_u: number | null;
      growth_7d: number | null; growth_30d: number | null; growth_90d: number | null;
    }[];
    expect(rows.map((r) => `${r.day} ${r.project} ${r.rank}`)).toEqual(c.rows.map((r) => `${r.day} ${r.project} ${r.rank}`));
    rows.forEach((r, i) => {
      const want = c.rows[i]!;
      near(r.share_f, want.shareF);
      near(r.share_n, want.shareN);
      near(r.share_u, want.shareU);
      near(r.growth_7d, want.growth7);
      near(r.growth_30d, want.growth30);
      near(r.growth_90d, want.growth90);
    });
    // The tie: beta and gamma share the better rank every day they are known.
    const tied = rows.filter((r) => r.project !== "alpha" && r.rank !== null);
    expect(tied.length).toBeGreaterThan(0);
    for (let i = 0; i < tied.length; i += 2) expect(tied[i]!.rank).toBe(tied[i + 1]!.rank);
  });
});
