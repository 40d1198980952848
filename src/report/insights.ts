import type { Change, PartChange, PartName, RankRow } from "../model/insights.js";

/** The group view of the report: ranking, f indexed to 100, events, what moved in 30 days. */
export interface ReportInsights {
  /** compare's rows on the newest day every project is complete. */
  ranking: RankRow[];
  /** f of each project as 100 × f(d) / f(indexDay); null where unknown. */
  comparison: { indexDay: string; days: string[]; series: Iterable<ReportComparisonSeries> } | null;
  events: { project: string; day: string; label: string }[];
  moved: ReportMoved[];
}

/** One project's line on the comparison chart; the report reads these once, as it writes them. */
export interface ReportComparisonSeries {
  project: string;
  values: (number | null)[];
}

export interface ReportMoved {
  project: string;
  from: string;
  to: string;
  f: Change;
  parts: Record<PartName, PartChange>;
  missing: string[];
  /** The largest changes inside the parts: activity by repo, new contributors, stars, downloads. */
  movers: { input: string; name: string; change: number }[];
}

/** The report's markup for the group view (only when the data has it); filled by INSIGHTS_SCRIPT. */
export const INSIGHTS_HTML = `<div id="insights">
<h2>Ranking</h2>
<p class="meta" id="ranking-day"></p>
<table id="ranking"><thead><tr><th>project</th><th>rank</th><th>f</th><th>share of f</th><th>share of N</th><th>share of U</th><th>7 days</th><th>30 days</th><th>90 days</th></tr></thead><tbody></tbody></table>
<h2>The group compared: f indexed to 100</h2>
<div class="chart"><canvas id="compare"></canvas></div>
<ul id="events" class="meta"></ul>
<div id="moved"></div>
</div>`;

/**
 * Runs inside the report's script, after `data`, `colors`, `common`, `num`, `pct` and `esc`; it
 * fills the tables and leaves `compareChart`, the comparison chart's config, for html.ts to draw.
 * Events are drawn by a small inline Chart.js plugin as labelled vertical lines; it records on
 * the canvas how many it drew (data-event-lines).
 */
export const INSIGHTS_SCRIPT = `
const insights = data.insights;
// The comparison chart's config: html.ts creates it with the other charts.
let compareChart = null;
if (insights) {
  const projectColor = (p) => colors[Math.max(0, data.series.findIndex((s) => s.project === p)) % colors.length];
  const growth = (x) => x === null ? "–" : (x >= 0 ? "+" : "") + pct(x);
  const ranking = document.querySelector("#ranking tbody");
  if (insights.ranking.length > 0) document.getElementById("ranking-day").textContent = "On " + insights.ranking[0].day + ", the newest day every project is complete. Equal scores share the better rank.";
  for (const r of insights.ranking) {
    ranking.insertAdjacentHTML("beforeend", "<tr><td>" + esc(r.project) + "</td><td>" + (r.rank === null ? "–" : r.rank) + "</td><td>" + num(r.f, 2) + "</td><td>" + pct(r.shareF) + "</td><td>" + pct(r.shareN) +
      "</td><td>" + pct(r.shareU) + "</td><td>" + growth(r.growth7) + "</td><td>" + growth(r.growth30) + "</td><td>" + growth(r.growth90) + "</td></tr>");
  }
  const eventLines = {
    id: "eventLines",
    afterDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea } = chart;
      let drawn = 0;
      for (const e of options.events || []) {
        const i = chart.data.labels.indexOf(e.day);
        if (i < 0) continue;
        const x = chart.scales.x.getPixelForValue(i);
        ctx.save();
        ctx.strokeStyle = e.color;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        ctx.fillStyle = e.color;
        ctx.font = "11px system-ui, sans-serif";
        ctx.translate(x + 3, chartArea.top + 4);
        ctx.rotate(Math.PI / 2);
        ctx.fillText(e.project + ": " + e.label, 0, 0);
        ctx.restore();
        drawn++;
      }
      chart.canvas.dataset.eventLines = String(drawn);
    },
  };
  const cmp = insights.comparison;
  const events = insights.events.map((e) => ({ ...e, color: projectColor(e.project) }));
  if (cmp) {
    compareChart = {
      type: "line",
      data: { labels: cmp.days, datasets: cmp.series.map((s) => ({ label: s.project, data: s.values, borderColor: projectColor(s.project), borderWidth: 2 })) },
      options: { ...common, plugins: { title: { display: true, text: "f as 100 × f(day) / f(" + cmp.indexDay + "), dashed lines: events" }, eventLines: { events } } },
      plugins: [eventLines],
    };
  } else {
    document.getElementById("compare").parentElement.outerHTML = '<p class="meta">No day on which every project has a known, positive f: nothing to index to.</p>';
  }
  const shown = cmp ? cmp.days : [];
  for (const e of events) {
    document.getElementById("events").insertAdjacentHTML("beforeend", "<li>" + e.day + " · " + esc(e.project) + ": " + esc(e.label) + (shown.includes(e.day) ? "" : " (outside the days shown)") + "</li>");
  }
  const signed = (x, d = 2) => x === null ? "–" : (x >= 0 ? "+" : "") + num(x, d);
  for (const m of insights.moved) {
    const row = (name, c, share) => "<tr><td>" + name + "</td><td>" + num(c.from, 2) + "</td><td>" + num(c.to, 2) + "</td><td>" + signed(c.change) + "</td><td>" + share + "</td></tr>";
    const movers = m.movers.map((x) => "<tr><td>" + esc(x.input) + "</td><td>" + esc(x.name) + "</td><td>" + signed(x.change, 0) + "</td></tr>").join("");
    document.getElementById("moved").insertAdjacentHTML("beforeend",
      "<h2>" + esc(m.project) + ": what moved from " + m.from + " to " + m.to + "</h2>" +
      '<table class="moved"><thead><tr><th></th><th>from</th><th>to</th><th>change</th><th>share of Δf</th></tr></thead><tbody>' +
      row("f", m.f, "") + row("brand α·B", m.parts.b, pct(m.parts.b.share)) + row("technical β·C", m.parts.c, pct(m.parts.c.share)) + row("commercial γ·D", m.parts.d, pct(m.parts.d.share)) +
      "</tbody></table>" +
      (movers ? '<table class="movers"><thead><tr><th>inside the parts</th><th>name</th><th>change</th></tr></thead><tbody>' + movers + "</tbody></table>" : "") +
      (m.missing.length ? '<p class="meta">missing: ' + esc(m.missing.join(", ")) + "</p>" : ""));
  }
}
`;
