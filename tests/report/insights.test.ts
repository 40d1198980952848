import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { compare } from "../../src/jobs/compare.js";
import { explain } from "../../src/jobs/explain.js";
import { reportData } from "../../src/jobs/report.js";
import { reportInsights } from "../../src/jobs/report-insights.js";
import { renderReport } from "../../src/report/html.js";
import type { Db } from "../../src/store/open.js";
import { CONFIG_YAML, LAST, MISSING_DAY, NOW, buildFixture, expected } from "../support/insights-fixture.js";

let db: Db;
let config: Config;
beforeAll(() => {
  ({ db, config } = buildFixture());
});

const projects = ["alpha", "beta", "gamma"];

describe("the report's group view", () => {
  it("ranks the projects on the newest day all are complete, best first", () => {
    const model = config.models[0]!;
    const { ranking } = reportInsights({ db, config }, model, { projects });
    const want = compare({ db, config }, { projects, model, from: LAST, to: LAST })!.rows;
    expect(ranking.map((r) => r.day)).toEqual([LAST, LAST, LAST]);
    expect(ranking.map((r) => [r.project, r.rank])).toEqual([...want].sort((a, b) => a.rank! - b.rank!).map((r) => [r.project, r.rank]));
  });

  it("indexes f to 100 on the chosen day, leaving unknown days empty", () => {
    const { comparison } = reportInsights({ db, config }, config.models[0]!, { projects, indexDay: "2026-02-01" });
    expect(comparison!.indexDay).toBe("2026-02-01");
    const alpha = [...comparison!.series].find((s) => s.project === "alpha")!;
    const at = (day: string) => alpha.values[comparison!.days.indexOf(day)];
    expect(at("2026-02-01")).toBeCloseTo(100, 10);
    expect(at(LAST)).toBeCloseTo((100 * expected(config, "alpha", LAST).f!) / expected(config, "alpha", "2026-02-01").f!, 9);
    expect(at(MISSING_DAY)).toBeNull();
    // Without a chosen day: the first day every project's f is known and positive.
    expect(reportInsights({ db, config }, config.models[0]!, { projects }).comparison!.indexDay).toBe("2026-01-01");
  });

  it("shows what moved each project in its last 30 days, as explain does", () => {
    const model = config.models[0]!;
    const { moved } = reportInsights({ db, config }, model, { projects });
    const alpha = moved.find((m) => m.project === "alpha")!;
    const e = explain({ db, config }, { project: "alpha", model, from: "2026-01-29", to: LAST });
    expect([alpha.from, alpha.to]).toEqual(["2026-01-29", LAST]);
    expect(alpha.parts).toEqual(e.parts);
    expect(alpha.movers).toContainEqual({ input: "new contributors", name: "o/a2", change: 1 });
    expect(alpha.movers).toContainEqual({ input: "stars", name: "o/a1", change: 300 });
  });

  it("carries the events into the page, with a chart for the group and hostile labels kept inside the data", () => {
    const hostile = parseConfig(CONFIG_YAML.replace('label: "weights released"', 'label: "</script><img src=x onerror=alert(1)>"'));
    const model = hostile.models[0]!;
    const insights = reportInsights({ db, config: hostile }, model, { projects });
    expect(insights.events).toEqual([{ project: "alpha", day: "2026-02-01", label: "</script><img src=x onerror=alert(1)>" }]);
    const html = renderReport({ ...reportData(db, model, { projects, now: NOW }), insights });
    expect(html).toContain('<canvas id="compare">');
    expect(html).toContain("plugins: [eventLines]");
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain("<img src=x");
  });
});

describe("the page written as it is read", () => {
  it("is the page of the same data held whole, series and comparison made one project at a time", () => {
    const model = config.models[0]!;
    const made = () => ({ ...reportData(db, model, { projects, now: NOW }), insights: reportInsights({ db, config }, model, { projects }) });
    const lazy = made();
    const whole = made();
    const held = { ...whole, series: [...whole.series], insights: { ...whole.insights, comparison: { ...whole.insights.comparison!, series: [...whole.insights.comparison!.series] } } };
    expect(Array.isArray(lazy.series) || Array.isArray(lazy.insights.comparison!.series)).toBe(false);
    expect(held.series).toHaveLength(3);
    expect(held.insights.comparison.series).toHaveLength(3);
    const page = renderReport(lazy);
    expect(page).toBe(renderReport(held));
    const json = page.slice(page.indexOf("const data = ") + "const data = ".length, page.indexOf(";\nconst colors"));
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(held)));
  });
});

describe("a report without the group view", () => {
  it("has no comparison canvas left undrawn", () => {
    const html = renderReport(reportData(db, config.models[0]!, { projects, now: NOW }));
    expect(html).not.toContain('id="compare"');
  });
});
