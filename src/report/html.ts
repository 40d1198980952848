import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/paths.js";
import { INSIGHTS_HTML, INSIGHTS_SCRIPT, type ReportInsights } from "./insights.js";

/** One project's series for the report; null where a value is unknown (shown as a gap). */
export interface ReportSeries {
  project: string;
  days: string[];
  f: (number | null)[];
  /** Weighted parts: α·B, β·C, γ·D. */
  b: (number | null)[];
  c: (number | null)[];
  d: (number | null)[];
  a: (number | null)[];
  n: (number | null)[];
  u: (number | null)[];
}

export interface ReportLatest {
  project: string;
  day: string;
  f: number | null;
  bShare: number | null;
  cShare: number | null;
  dShare: number | null;
  a: number | null;
  n: number | null;
  u: number | null;
  complete: boolean;
  missing: string[];
}

export interface ReportData {
  title: string;
  generatedAt: string;
  model: { name: string; description?: string; params: Record<string, unknown> };
  latest: ReportLatest[];
  /** Read once, as the page is written: it may be produced one project at a time. */
  series: Iterable<ReportSeries>;
  insights?: ReportInsights;
}

/**
 * A self-contained HTML page: the data inline as JSON, Chart.js inline, no request leaves the
 * file when it is opened.
 */
export function renderReport(data: ReportData): string {
  return [...reportChunks(data)].join("");
}

/** The same page in pieces, one project's series at a time. */
export function* reportChunks(data: ReportData): Generator<string> {
  const chartJs = readFileSync(join(packageRoot, "node_modules/chart.js/dist/chart.umd.min.js"), "utf8");
  // The series come last, after everything the page shows first.
  const { series, ...rest } = data;
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1f2328; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2.2rem; }
  .meta { color: #59636e; } table { border-collapse: collapse; width: 100%; margin-top: .6rem; }
  th, td { padding: .35rem .6rem; border-bottom: 1px solid #d1d9e0; text-align: right; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; } td.missing { color: #9a6700; text-align: left; white-space: normal; } td.complete { color: #1a7f37; text-align: left; }
  .bar { display: inline-block; height: .7rem; vertical-align: middle; }
  .chart { position: relative; height: 320px; margin-top: .6rem; } code { background: #f6f8fa; padding: 0 .25rem; }
</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">Model <code>${escapeHtml(data.model.name)}</code>${data.model.description ? ` — ${escapeHtml(data.model.description)}` : ""}. Generated ${escapeHtml(data.generatedAt)}.</p>
<p class="meta">f = α·k·ln(1 + A) + β·m·N + γ·n·U &nbsp; with ${Object.entries(data.model.params).map(([k, v]) => `${escapeHtml(k)} = ${escapeHtml(JSON.stringify(v))}`).join(", ")}</p>
<h2>Latest complete day</h2>
<table id="latest"><thead><tr><th>project</th><th>day</th><th>f</th><th>brand α·B</th><th>technical β·C</th><th>commercial γ·D</th><th>A</th><th>N</th><th>U</th><th>status</th></tr></thead><tbody></tbody></table>
<h2>Score f over time</h2>
<div class="chart"><canvas id="f"></canvas></div>
<div id="parts"></div>
${data.insights ? INSIGHTS_HTML : ""}
<script>${chartJs}</script>
<script>
// Each chart, whichever part of the page makes it, is waited for until its first draw; once the
// page has loaded and none is waiting, <html data-ready="true"> says the report is complete.
(() => {
  const waiting = new Set();
  let loaded = false;
  const settle = () => { if (loaded && waiting.size === 0) document.documentElement.dataset.ready = "true"; };
  Chart.register({ id: "ready", beforeInit(chart) { waiting.add(chart); }, afterRender(chart) { waiting.delete(chart); settle(); } });
  window.addEventListener("load", () => { loaded = true; settle(); });
})();
</script>
<script>
const data = `;
  yield* jsonChunks({ ...rest, series });
  yield `;
const colors = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#bc4c00", "#6e7781"];
const pct = (x) => x === null ? "–" : Math.round(x * 100) + "%";
const num = (x, d = 1) => x === null ? "–" : Number(x).toLocaleString("en", { maximumFractionDigits: d });
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const tbody = document.querySelector("#latest tbody");
for (const r of data.latest) {
  const share = (x, color) => x === null ? "–" : pct(x) + ' <span class="bar" style="width:' + Math.round(x * 60) + 'px;background:' + color + '"></span>';
  tbody.insertAdjacentHTML("beforeend", "<tr><td>" + esc(r.project) + "</td><td>" + r.day + "</td><td>" + num(r.f, 2) + "</td><td>" + share(r.bShare, colors[0]) +
    "</td><td>" + share(r.cShare, colors[2]) + "</td><td>" + share(r.dShare, colors[1]) + "</td><td>" + num(r.a, 0) + "</td><td>" + num(r.n, 0) + "</td><td>" + num(r.u, 0) +
    (r.complete ? '</td><td class="complete">complete' : '</td><td class="missing">missing: ' + esc(r.missing.join(", "))) + "</td></tr>");
}
const common = { animation: false, maintainAspectRatio: false, spanGaps: false, interaction: { mode: "index", intersect: false }, elements: { point: { radius: 0 } } };
new Chart(document.getElementById("f"), {
  type: "line",
  data: { labels: data.series[0] ? data.series[0].days : [], datasets: data.series.map((s, i) => ({ label: s.project, data: s.f, borderColor: colors[i % colors.length], borderWidth: 2 })) },
  options: { ...common, plugins: { title: { display: true, text: "f per day (gaps: days with a part unknown)" } } },
});
data.series.forEach((s, i) => {
  const parts = document.getElementById("parts");
  parts.insertAdjacentHTML("beforeend", "<h2>" + esc(s.project) + ": what f is made of</h2><div class=chart><canvas id=parts" + i + "></canvas></div>");
  new Chart(document.getElementById("parts" + i), {
    type: "line",
    data: { labels: s.days, datasets: [
      { label: "brand α·B (activity)", data: s.b, borderColor: colors[0], backgroundColor: colors[0] + "66", fill: "origin" },
      { label: "technical β·C (contributors)", data: s.c, borderColor: colors[2], backgroundColor: colors[2] + "66", fill: "-1" },
      { label: "commercial γ·D (users)", data: s.d, borderColor: colors[1], backgroundColor: colors[1] + "66", fill: "-1" },
    ] },
    options: { ...common, scales: { y: { stacked: true } }, plugins: { title: { display: true, text: "stacked parts of f" } } },
  });
});
${INSIGHTS_SCRIPT}
if (compareChart) new Chart(document.getElementById("compare"), compareChart);
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * The JSON of `value` in pieces: what JSON.stringify writes, except that an iterable that is not
 * an array (a series made as it is read) is written as an array, one item at a time, and read
 * once. Objects holding no such iterable are written whole.
 */
function* jsonChunks(value: unknown): Generator<string> {
  if (isLazy(value)) {
    let first = true;
    yield "[";
    for (const item of value) {
      if (!first) yield ",";
      yield* jsonChunks(item);
      first = false;
    }
    yield "]";
    return;
  }
  if (!holdsLazy(value)) {
    yield safeJson(value);
    return;
  }
  let first = true;
  yield "{";
  for (const [key, item] of Object.entries(value as object)) {
    if (item === undefined || typeof item === "function") continue;
    yield `${first ? "" : ","}${safeJson(key)}:`;
    yield* jsonChunks(item);
    first = false;
  }
  yield "}";
}

function isLazy(value: unknown): value is Iterable<unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Symbol.iterator in value;
}

/** A plain object with a lazy iterable somewhere among its values (arrays are not looked into). */
function holdsLazy(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).some((item) => isLazy(item) || holdsLazy(item));
}

/** JSON that cannot close the script element it sits in. */
function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
