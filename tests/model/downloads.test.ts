import { describe, expect, it } from "vitest";
import { downloads30, type Downloads30, downloads30Values, type PackageSeries } from "../../src/model/downloads.js";
import { addDays, dayRange } from "../../src/util/time.js";

const D = "2026-11-20";
const WINDOW = dayRange(addDays(D, -29), D);

function daily(days: string[], perDay = 10) {
  return days.map((day) => ({ day, downloads: perDay }));
}
function snap(day: string, total: number | null, last30: number | null = null) {
  return { day, total, last30 };
}
const empty: PackageSeries = { daily: [], pending: [], snapshots: [] };

describe("downloads in the 30 days ending on a day", () => {
  const cases: { name: string; series: PackageSeries; expected: Downloads30 }[] = [
    {
      name: "daily series complete: the sum of the 30 days",
      series: { ...empty, daily: daily(WINDOW) },
      expected: { day: D, downloads: 300, method: "daily" },
    },
    {
      name: "daily series with days outside the window: they do not count",
      series: { ...empty, daily: daily([addDays(D, -30), ...WINDOW, addDays(D, 1)]) },
      expected: { day: D, downloads: 300, method: "daily" },
    },
    {
      name: "daily series with a published zero: known, counted as 0",
      series: { ...empty, daily: [...daily(WINDOW.slice(1)), { day: WINDOW[0]!, downloads: 0 }] },
      expected: { day: D, downloads: 290, method: "daily" },
    },
    {
      name: "daily series missing a day: unknown, the day named",
      series: { ...empty, daily: daily(WINDOW.filter((d) => d !== "2026-11-01")) },
      expected: { day: D, downloads: null, missing: "daily downloads missing for 2026-11-01" },
    },
    {
      name: "daily series with the last days pending: unknown, pending named apart from missing",
      series: { ...empty, daily: daily(WINDOW.slice(2, 28)), pending: WINDOW.slice(28) },
      expected: {
        day: D,
        downloads: null,
        missing: "daily downloads pending (not published yet) for 2026-11-19..2026-11-20; daily downloads missing for 2026-10-22..2026-10-23",
      },
    },
    {
      name: "daily series incomplete but totals known at both ends: the difference of totals",
      series: { daily: daily(WINDOW.slice(1)), pending: [], snapshots: [snap(addDays(D, -30), 1000), snap(D, 1500)] },
      expected: { day: D, downloads: 500, method: "totals" },
    },
    {
      name: "totals on d and d-30: the difference",
      series: { ...empty, snapshots: [snap(addDays(D, -30), 1000), snap(addDays(D, -10), 1200), snap(D, 1400)] },
      expected: { day: D, downloads: 400, method: "totals" },
    },
    {
      name: "totals with a gap in between: still the difference of the ends",
      series: { ...empty, snapshots: [snap(addDays(D, -30), 1000), snap(D, 1400)] },
      expected: { day: D, downloads: 400, method: "totals" },
    },
    {
      name: "totals: tracking began less than 30 days ago (the first days have no figure)",
      series: { ...empty, snapshots: [snap(addDays(D, -3), 1000), snap(D, 1400)] },
      expected: { day: D, downloads: null, missing: "no snapshot of the total on 2026-10-21 (tracking began on 2026-11-17)" },
    },
    {
      name: "totals: a gap on d-30 itself",
      series: { ...empty, snapshots: [snap(addDays(D, -31), 900), snap(addDays(D, -29), 1000), snap(D, 1400)] },
      expected: { day: D, downloads: null, missing: "no snapshot of the total on 2026-10-21" },
    },
    {
      name: "totals: no snapshot on d",
      series: { ...empty, snapshots: [snap(addDays(D, -30), 1000), snap(addDays(D, -1), 1400)] },
      expected: { day: D, downloads: null, missing: "no snapshot of the total on 2026-11-20" },
    },
    {
      name: "totals: the total went down in between (a reset): unknown, never negative or partial",
      series: { ...empty, snapshots: [snap(addDays(D, -30), 1000), snap(addDays(D, -5), 1300), snap(addDays(D, -4), 200), snap(D, 1100)] },
      expected: {
        day: D,
        downloads: null,
        missing: "the total went down on 2026-11-16 (1300 to 200): a reset or rename, not negative downloads",
      },
    },
    {
      name: "Hugging Face: the 30-day figure stated on d, from the first day of tracking",
      series: { ...empty, snapshots: [snap(D, 5000, 600)] },
      expected: { day: D, downloads: 600, method: "stated" },
    },
    {
      name: "Hugging Face: a stated 0 is a known 0",
      series: { ...empty, snapshots: [snap(D, 5000, 0)] },
      expected: { day: D, downloads: 0, method: "stated" },
    },
    {
      name: "Hugging Face: no snapshot on d",
      series: { ...empty, snapshots: [snap(addDays(D, -1), 5000, 600)] },
      expected: { day: D, downloads: null, missing: "no snapshot of the total on 2026-11-20" },
    },
    {
      name: "nothing collected: unknown, not zero",
      series: empty,
      expected: { day: D, downloads: null, missing: "no downloads collected for this package" },
    },
  ];

  it.each(cases)("$name", ({ series, expected }) => {
    expect(downloads30(series, [D])).toEqual([expected]);
  });

  it.each(cases)("gives the same figure without the reasons: $name", ({ series, expected }) => {
    const days = dayRange(addDays(D, -45), addDays(D, 2));
    expect(downloads30Values(series, days)).toEqual(downloads30(series, days).map((d) => d.downloads));
    expect(downloads30Values(series, [D])).toEqual([expected.downloads]);
  });

  it("answers for every day asked, in the order asked", () => {
    const series: PackageSeries = { ...empty, daily: daily(dayRange(addDays(D, -39), D), 1) };
    const result = downloads30(series, [D, addDays(D, -10), addDays(D, -11)]);
    expect(result.map((r) => [r.day, r.downloads])).toEqual([
      [D, 30],
      [addDays(D, -10), 30],
      [addDays(D, -11), null],
    ]);
  });
});
