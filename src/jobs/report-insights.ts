import type { ModelConfig } from "../config/schema.js";
import type { NamedChange } from "../model/insights.js";
import type { ReportInsights, ReportMoved } from "../report/insights.js";
import { scorePoints } from "../store/insights.js";
import { selectScores } from "../store/scores.js";
import { type Day, addDays } from "../util/time.js";
import { compare } from "./compare.js";
import { type InsightContext, explain } from "./explain.js";

/** Days looked back by the report's "what moved" tables. */
export const MOVED_DAYS = 30;

/**
 * The report's group view: the ranking on the newest day every project is complete, f indexed
 * to 100 on one day, the projects' events, and what moved each project's score in its last
 * 30 days.
 */
export function reportInsights(ctx: InsightContext, model: ModelConfig, options: { projects: string[]; from?: Day; indexDay?: Day }): ReportInsights {
  const { projects } = options;
  const latest = compare(ctx, { projects, model });
  const ranking = (latest ? latest.rows.filter((r) => r.day === latest.to) : []).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));

  const points = scorePoints(ctx.db, projects, model.name, options.from ?? null, null);
  const days = [...new Set(points.map((p) => p.day))].sort();
  const f = new Map(points.map((p) => [`${p.project}\0${p.day}`, p.f]));
  const fOf = (project: string, day: Day) => f.get(`${project}\0${day}`) ?? null;
  // Default base: the first day shown on which every project has a known, positive f.
  const indexDay = options.indexDay ?? days.find((d) => projects.every((p) => (fOf(p, d) ?? 0) > 0)) ?? null;
  const comparison = indexDay === null
    ? null
    : {
        indexDay,
        days,
        series: projects.map((project) => {
          const base = fOf(project, indexDay);
          return { project, values: days.map((d) => (base === null || base === 0 || fOf(project, d) === null ? null : (100 * fOf(project, d)!) / base)) };
        }),
      };

  const events = ctx.config.projects
    .filter((p) => projects.includes(p.name))
    .flatMap((p) => p.events.map((e) => ({ project: p.name, day: e.day, label: e.label })));

  const newest = new Map(selectScores(ctx.db, "latest_complete_scores", { projects, models: [model.name] }).map((r) => [r.project, r.day]));
  const moved: ReportMoved[] = [];
  for (const project of projects) {
    const to = newest.get(project);
    if (to === undefined) continue;
    const e = explain(ctx, { project, model, from: addDays(to, -MOVED_DAYS), to });
    moved.push({
      project,
      from: e.from,
      to: e.to,
      f: e.f,
      parts: e.parts,
      missing: [...new Set([...e.missing.from, ...e.missing.to])],
      movers: [
        ...top("activity", e.activity.byRepo),
        ...(e.contributors.newByRepo ?? []).slice(0, 3).map((r) => ({ input: "new contributors", name: r.name, change: r.count })),
        ...top("stars", e.users.starsByRepo),
        ...top("downloads (30 days)", e.users.downloadsByPackage),
      ],
    });
  }
  return { ranking, comparison, events, moved };
}

/** The three largest known changes, by size. */
function top(input: string, rows: NamedChange[]): ReportMoved["movers"] {
  return rows
    .filter((r) => r.change !== null && r.change !== 0)
    .sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!))
    .slice(0, 3)
    .map((r) => ({ input, name: r.name, change: r.change! }));
}
