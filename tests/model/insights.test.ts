import { describe, expect, it } from "vitest";
import { type ScorePoint, compareGroup, newContributorsByRepo, slope } from "../../src/model/insights.js";

const point = (project: string, day: string, f: number | null): ScorePoint => ({
  project, day, f, b: null, c: null, d: null, a: null, n: 1, u: 1, missing: f === null ? ["stars:o/r"] : [],
});

describe("compareGroup", () => {
  it('ranks "1224": equal scores share the better rank, the next is skipped', () => {
    const { rows } = compareGroup([point("a", "2026-01-01", 5), point("b", "2026-01-01", 3), point("c", "2026-01-01", 3), point("d", "2026-01-01", 1)], "2026-01-01", "2026-01-01");
    expect(rows.map((r) => [r.project, r.rank])).toEqual([["a", 1], ["b", 2], ["c", 2], ["d", 4]]);
    expect(rows[0]!.shareF).toBeCloseTo(5 / 12);
  });

  it("gives no rank to an unknown score and no shares to its group that day", () => {
    const { rows } = compareGroup([point("a", "2026-01-01", null), point("b", "2026-01-01", 3)], "2026-01-01", "2026-01-01");
    expect(rows.map((r) => [r.project, r.rank, r.shareF])).toEqual([["a", null, null], ["b", 1, null]]);
  });

  it("counts an overtake only when the order flips, across ties and unknown days", () => {
    const series: [string, number | null, number | null][] = [
      ["2026-01-01", 2, 1], // a leads
      ["2026-01-02", 2, 2], // tie: no overtake
      ["2026-01-03", 2, null], // b unknown
      ["2026-01-04", 2, 3], // b overtakes a
      ["2026-01-05", 2, 4],
      ["2026-01-06", 5, 4], // a overtakes b
    ];
    const points = series.flatMap(([day, a, b]) => [point("a", day, a), point("b", day, b)]);
    expect(compareGroup(points, "2026-01-01", "2026-01-06").overtakes.map((o) => `${o.day} ${o.project}>${o.overtook}`)).toEqual(["2026-01-04 b>a", "2026-01-06 a>b"]);
    // An overtake on the first day shown needs the order from before it.
    expect(compareGroup(points, "2026-01-04", "2026-01-04").overtakes).toHaveLength(1);
  });
});

describe("slope", () => {
  it.each([
    ["a straight line", [0, 1, 2, 3], [1, 3, 5, 7], 2],
    ["points missing in between", [0, 3, 9], [10, 4, -8], -2],
    ["a single point", [4], [1], null],
  ])("%s", (_name, xs, ys, want) => {
    const s = slope(xs, ys);
    if (want === null) expect(s).toBeNull();
    else expect(s).toBeCloseTo(want, 12);
  });
});

describe("newContributorsByRepo", () => {
  it("counts each newcomer once, under the repo of their first commit", () => {
    const firstDays = new Map([["ann", "2026-01-05"], ["bob", "2026-01-02"], ["cy", "2026-01-06"]]);
    const commits = [
      { who: "ann", repo: "o/z", day: "2026-01-05" },
      { who: "ann", repo: "o/a", day: "2026-01-05" },
      { who: "ann", repo: "o/b", day: "2026-01-07" },
      { who: "bob", repo: "o/b", day: "2026-01-02" },
      { who: "cy", repo: "o/b", day: "2026-01-06" },
    ];
    expect(newContributorsByRepo(firstDays, commits, "2026-01-02", "2026-01-06")).toEqual([{ name: "o/a", count: 1 }, { name: "o/b", count: 1 }]);
  });
});
