import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { reportData } from "../../src/jobs/report.js";
import { reportInsights } from "../../src/jobs/report-insights.js";
import { renderReport } from "../../src/report/html.js";
import { packageRoot } from "../../src/util/paths.js";
import { CONFIG_YAML, NOW, buildFixture } from "../support/analyst-fixture.js";

/** Debian's chromium (installed by .ci/run when absent); CHROMIUM_PATH overrides it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots and pages of the last run, for a person to look at (gitignored). */
const OUTPUT = join(packageRoot, "test-output");

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  // No network: every host resolves nowhere, so a request that leaves the file fails loudly.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe("the report in a real browser", () => {
  it("draws every chart with no console error and no request leaving the file", async () => {
    const { db } = buildFixture();
    // A decision on the timeline, to be drawn as a labelled line on the comparison chart.
    const config = parseConfig(CONFIG_YAML.replace("    repos: [acme/core, acme/cli]\n", '    repos: [acme/core, acme/cli]\n    events: [{ day: 2026-06-10, label: "SDK launched" }]\n'));
    expect(config.projects[0]!.events).toHaveLength(1);
    const model = config.models.find((m) => m.name === "balanced")!;
    const projects = ["ours", "rival"];
    const insights = reportInsights({ db, config }, model, { projects });
    const html = renderReport({ ...reportData(db, model, { projects, now: NOW }), insights });
    db.close();
    mkdirSync(OUTPUT, { recursive: true });
    const file = join(OUTPUT, "report.html");
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on("request", (r) => {
      if (r.url() !== url) problems.push(`request outside the file: ${r.url()}`);
    });
    await page.goto(url);
    // Strings, not functions: they run in the page, and this project's TypeScript has no DOM types.
    await page.waitForFunction('document.documentElement.dataset.ready === "true"', undefined, { timeout: 20_000 });
    const charts = (await page.evaluate(`(() => {
      const canvases = [...document.querySelectorAll("canvas")];
      // A drawn canvas has pixels that are not transparent.
      const drawn = canvases.filter((c) => {
        const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
        return false;
      });
      const compare = document.getElementById("compare");
      return {
        canvases: canvases.length,
        drawn: drawn.length,
        rows: document.querySelectorAll("#latest tbody tr").length,
        compared: compare !== null && drawn.includes(compare),
        eventLines: compare === null ? 0 : Number(compare.dataset.eventLines ?? 0),
        ranked: document.querySelectorAll("#ranking tbody tr").length,
      };
    })()`)) as { canvases: number; drawn: number; rows: number; compared: boolean; eventLines: number; ranked: number };
    const screenshot = join(OUTPUT, "report.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();

    expect(problems).toEqual([]);
    expect(charts.canvases).toBeGreaterThanOrEqual(3); // f over time, and one chart of parts per project
    expect(charts.drawn).toBe(charts.canvases);
    expect(charts.rows).toBe(2);
    expect(charts.compared).toBe(true); // the group's f indexed to 100
    expect(charts.eventLines).toBe(1);
    expect(charts.ranked).toBe(2);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  }, 60_000);

  it("would notice a chart that never draws", async () => {
    const page = await browser.newPage();
    const html = renderReport({ title: "t", generatedAt: "2026-01-01T00:00:00Z", model: { name: "m", params: {} }, latest: [], series: [] })
      .replace("</body>", '<div style="display:none"><canvas id="late"></canvas></div><script>Chart.register({ id: "block", beforeRender() { return false; } }); new Chart(document.getElementById("late"), { type: "bar", data: { labels: [], datasets: [] } });</script></body>');
    await page.setContent(html, { waitUntil: "load" });
    // Two animation frames after load: a chart that was going to draw has drawn by then.
    await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
    expect(await page.evaluate("document.documentElement.dataset.ready")).toBeUndefined();
    await page.close();
  }, 30_000);
});
