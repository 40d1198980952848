import { describe, expect, it } from "vitest";
import { type ReportData, renderReport } from "../../src/report/html.js";

const data: ReportData = {
  title: "oss-pulse: 1 project",
  generatedAt: "2026-11-28T12:00:00Z",
  model: { name: "seed", params: { alpha: 1, window: 90 } },
  latest: [{ project: "</script><b>x", day: "2026-11-28", f: 3, bShare: 0.5, cShare: 0.25, dShare: 0.25, a: 1, n: 1, u: 1, complete: true, missing: [] }],
  series: [{ project: "</script><b>x", days: ["2026-11-27", "2026-11-28"], f: [null, 3], b: [null, 1.5], c: [null, 0.75], d: [null, 0.75], a: [null, 1], n: [null, 1], u: [null, 1] }],
};

describe("HTML report", () => {
  const html = renderReport(data);

  it("is self-contained: Chart.js inline, nothing fetched from elsewhere", () => {
    expect(html).toContain("Chart.js v4");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
  });

  it("keeps hostile project names inside the data (no early </script>)", () => {
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain("\\u003c/script>\\u003cb>x");
  });

  it("is the same page when the series come one at a time", () => {
    function* oneByOne() {
      yield* data.series;
    }
    expect(renderReport({ ...data, series: oneByOne() })).toBe(html);
    expect(html).toContain(`"latest":[{"project":"\\u003c/script>\\u003cb>x"`);
    expect(html).toContain(`"series":[{"project":"\\u003c/script>\\u003cb>x","days":["2026-11-27","2026-11-28"]`);
  });

  it("keeps unknown days as gaps (null), never as zero", () => {
    expect(html).toContain('"f":[null,3]');
  });
});
