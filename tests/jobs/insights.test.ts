import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { compare } from "../../src/jobs/compare.js";
import { explain, explainEvent } from "../../src/jobs/explain.js";
import type { Db } from "../../src/store/open.js";
import { addDays, dayRange } from "../../src/util/time.js";
import { FIRST, LAST, MISSING_DAY, buildFixture, expected, stars } from "../support/insights-fixture.js";

let db: Db;
let config: Config;
beforeAll(() => {
  ({ db, config } = buildFixture());
});

const close = (actual: number | null, wanted: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - wanted)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(wanted)));
};

describe("explain", () => {
  const model = () => config.models[0]!;

  it("splits Δf into α·ΔB, β·ΔC and γ·ΔD, each with its share, as the arithmetic says", () => {
    const m = model();
    const e = explain({ db, config }, { project: "alpha", model: m, from: "2026-02-01", to: "2026-02-28" });
    const [x, y] = [expected(config, "alpha", "2026-02-01"), expected(config, "alpha", "2026-02-28")];
    expect(e.complete).toBe(true);
    close(e.f.from, x.f!);
    close(e.f.to, y.f!);
    const db_ = m.alpha * m.k * (Math.log1p(y.a) - Math.log1p(x.a));
    const dc = m.beta * m.m * (y.n - x.n);
    const dd = m.gamma * m.n * (y.u! - x.u!);
    close(e.parts.b.change, db_);
    close(e.parts.c.change, dc);
    close(e.parts.d.change, dd);
    close(e.parts.c.share, dc / (y.f! - x.f!));
    close(e.parts.b.change! + e.parts.c.change! + e.parts.d.change!, e.f.change!);
  });

  it("splits A by kind and by repo, N by the repo of each newcomer's first commit, U by repo and package", () => {
    const m = model();
    const e = explain({ db, config }, { project: "alpha", model: m, from: "2026-02-01", to: "2026-02-28" });
    const [x, y] = [expected(config, "alpha", "2026-02-01"), expected(config, "alpha", "2026-02-28")];
    // 2026-02-22..28 holds the issue closed, the PR opened and merged, the release; 01-26..02-01 none of them.
    expect(e.activity.byKind.find((k) => k.kind === "prs_merged")).toMatchObject({ from: 0, to: 1, change: 1, weighted: 3 });
    expect(e.activity.byKind.find((k) => k.kind === "issues_opened")).toMatchObject({ from: 0, to: 0, change: 0 });
    close(e.activity.byKind.reduce((s, k) => s + k.weighted!, 0), y.a - x.a);
    close(e.activity.byRepo.reduce((s, r) => s + r.change!, 0), y.a - x.a);
    // newbie's first commit (2026-02-20) was in o/a2; the bot does not count.
    expect(e.contributors.newByRepo).toEqual([{ name: "o/a2", count: 1 }]);
    expect(e.contributors.n.change).toBe(y.n - x.n);
    expect(e.users.starsByRepo).toEqual([
      { name: "o/a1", from: stars("o/a1", "2026-02-01"), to: stars("o/a1", "2026-02-28"), change: 270 },
      { name: "o/a2", from: 200, to: 200, change: 0 },
    ]);
    const [pkg] = e.users.downloadsByPackage;
    expect(pkg!.name).toBe("npm:alpha-pkg");
    close(m.users.stars * 270 + m.users.downloads * pkg!.change!, y.u! - x.u!);
  });

  it("names a missing input and never takes it as zero", () => {
    const e = explain({ db, config }, { project: "alpha", model: model(), from: "2026-02-01", to: MISSING_DAY });
    expect(e.complete).toBe(false);
    expect(e.missing).toEqual({ from: [], to: ["stars:o/a2"] });
    expect(e.f.to).toBeNull();
    expect(e.f.change).toBeNull();
    expect(e.parts.d).toEqual({ from: expect.any(Number), to: null, change: null, share: null });
    expect(e.users.u.to).toBeNull();
    expect(e.users.starsByRepo.find((r) => r.name === "o/a2")).toEqual({ name: "o/a2", from: 200, to: null, change: null });
    // The parts that are known still are, and they have no share of an unknown Δf.
    close(e.parts.b.change, model().alpha * model().k * (Math.log1p(expected(config, "alpha", MISSING_DAY).a) - Math.log1p(expected(config, "alpha", "2026-02-01").a)));
    expect(e.parts.b.share).toBeNull();
  });

  it("has parts that add up to Δf on every tested pair of days", () => {
    const days = dayRange(FIRST, LAST).filter((d, i) => i % 6 === 0 && d !== MISSING_DAY);
    let pairs = 0;
    for (const project of ["alpha", "beta"]) {
      for (const from of days) {
        for (const to of days.filter((d) => d > from)) {
          const e = explain({ db, config }, { project, model: model(), from, to });
          close(e.f.change, expected(config, project, to).f! - expected(config, project, from).f!);
          close(e.parts.b.change! + e.parts.c.change! + e.parts.d.change!, e.f.change!);
          close(e.parts.b.share! + e.parts.c.share! + e.parts.d.share!, 1);
          pairs++;
        }
      }
    }
    expect(pairs).toBe(2 * 45);
  });
});

describe("compare", () => {
  const m = () => config.models[0]!;
  const all = ["alpha", "beta", "gamma"];

  it("ranks with ties sharing the better rank, and gives shares and growth as the arithmetic says", () => {
    const c = compare({ db, config }, { projects: all, model: m(), from: "2026-02-20", to: "2026-02-20" })!;
    const f = Object.fromEntries(all.map((p) => [p, expected(config, p, "2026-02-20").f!]));
    expect(f.beta).toBe(f.gamma);
    const total = f.alpha! + f.beta! + f.gamma!;
    const rankOf = (p: string) => 1 + all.filter((q) => f[q]! > f[p]!).length;
    expect(c.rows.map((r) => [r.project, r.rank])).toEqual(all.map((p) => [p, rankOf(p)]));
    expect(c.rows.find((r) => r.project === "beta")!.rank).toBe(c.rows.find((r) => r.project === "gamma")!.rank);
    for (const row of c.rows) {
      close(row.shareF, f[row.project]! / total);
      const before = expected(config, row.project, "2026-02-13").f!;
      close(row.growth7, (f[row.project]! - before) / before);
      close(row.growth30, (f[row.project]! - expected(config, row.project, "2026-01-21").f!) / expected(config, row.project, "2026-01-21").f!);
      expect(row.growth90).toBeNull(); // 90 days before, nothing was scored
    }
    const n = Object.fromEntries(all.map((p) => [p, expected(config, p, "2026-02-20").n]));
    close(c.rows[0]!.shareN, n.alpha! / (n.alpha! + n.beta! + n.gamma!));
  });

  it("leaves ranks and shares unknown on a day a project of the group is unknown", () => {
    const c = compare({ db, config }, { projects: all, model: m(), from: MISSING_DAY, to: MISSING_DAY })!;
    const alpha = c.rows.find((r) => r.project === "alpha")!;
    expect(alpha.rank).toBeNull();
    expect(alpha.shareF).toBeNull();
    expect(c.rows.find((r) => r.project === "beta")).toMatchObject({ rank: 1, shareF: null });
  });

  it("finds the days one project overtook another", () => {
    const c = compare({ db, config }, { projects: all, model: m(), from: FIRST, to: LAST })!;
    const wanted: string[] = [];
    let lead: boolean | undefined;
    for (const day of dayRange(FIRST, LAST)) {
      const [a, b] = [expected(config, "alpha", day).f, expected(config, "beta", day).f];
      if (a === null || b === null || a === b) continue;
      if (lead !== undefined && lead !== a > b) wanted.push(`${day} ${a > b ? "alpha" : "beta"}`);
      lead = a > b;
    }
    expect(wanted.length).toBeGreaterThan(0);
    const seen = c.overtakes.filter((o) => o.overtook !== "gamma" && o.project !== "gamma").map((o) => `${o.day} ${o.project}`);
    expect(seen).toEqual(wanted);
    // gamma ties beta every day, so it overtakes alpha on the same day and never beta.
    expect(c.overtakes.filter((o) => o.project === "gamma").map((o) => `${o.day} ${o.overtook}`)).toEqual(wanted.map((w) => `${w.split(" ")[0]} alpha`));
  });
});

describe("explain --event", () => {
  it("compares the least-squares slopes over the complete days before and after the event", () => {
    const model = config.models[0]!;
    const e = explainEvent({ db, config }, { project: "alpha", model, label: "weights released", window: 14 });
    expect(e.day).toBe("2026-02-01");
    expect([e.before.from, e.before.to, e.after.from, e.after.to]).toEqual(["2026-01-18", "2026-01-31", "2026-02-01", "2026-02-14"]);
    expect([e.before.complete, e.after.complete]).toEqual([14, 13]); // 2026-02-10 lacks a star count
    const fit = (from: string, pick: (x: ReturnType<typeof expected>) => number | null) => {
      const pts = dayRange(from, addDays(from, 13)).map((d, i) => [i, pick(expected(config, "alpha", d))] as const).filter(([, y]) => y !== null) as [number, number][];
      const n = pts.length;
      const [sx, sy, sxy, sxx] = pts.reduce(([a, b, c, d], [x, y]) => [a + x, b + y, c + x * y, d + x * x], [0, 0, 0, 0]);
      return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    };
    const fAt = (x: ReturnType<typeof expected>) => x.f;
    const cAt = (x: ReturnType<typeof expected>) => (x.f === null ? null : model.beta * model.m * x.n);
    close(e.before.slope.f, fit("2026-01-18", fAt));
    close(e.after.slope.f, fit("2026-02-01", fAt));
    close(e.after.slope.c, fit("2026-02-01", cAt));
    close(e.difference.f, fit("2026-02-01", fAt) - fit("2026-01-18", fAt));
    close(e.after.slope.b! + e.after.slope.c! + e.after.slope.d!, e.after.slope.f!);
  });

  it("names the labels a project has when asked for one it lacks", () => {
    expect(() => explainEvent({ db, config }, { project: "alpha", model: config.models[0]!, label: "nope", window: 90 })).toThrow(/has no event labelled "nope" \(it has "weights released"\)/);
  });
});
