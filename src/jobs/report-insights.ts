import type { ModelConfig } from "../config/schema.js";
import type { NamedChange } from "../model/insights.js";
import type { ReportComparisonSeries, ReportInsights, ReportMoved } from "../report/insights.js";
import { firstDayAllPositive, iterateScoreF, scoreDays } from "../store/insights.js";
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

  // f indexed to 100, one project at a time: only the list of days is held for the whole group.
  const from = options.from ?? null;
  const indexDay = options.indexDay ?? firstDayAllPositive(ctx.db, projects, model.name, from);
  const days = indexDay === null ? [] : scoreDays(ctx.db, projects, model.name, from);
  const comparison = indexDay === null ? null : { indexDay, days, series: indexedSeries(ctx, projects, model.name, from, indexDay, days) };

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

/** Each project's f as 100 × f(d) / f(indexDay) on the group's days, made as it is read. */
function indexedSeries(ctx: InsightContext, projects: string[], model: string, from: Day | null, indexDay: Day, days: Day[]): Iterable<ReportComparisonSeries> {
  return {
    *[Symbol.iterator]() {
      for (const project of projects) {
        const f = new Map(iterateScoreF(ctx.db, project, model, from));
        const fOf = (day: Day) => f.get(day) ?? null;
        const base = fOf(indexDay);
        yield { project, values: days.map((d) => (base === null || base === 0 || fOf(d) === null ? null : (100 * fOf(d)!) / base)) };
      }
    },
  };
}

/** The three largest known changes, by size. */
function top(input: string, rows: NamedChange[]): ReportMoved["movers"] {
  return rows
    .filter((r) => r.change !== null && r.change !== 0)
    .sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!))
    .slice(0, 3)
    .map((r) => ({ input, name: r.name, change: r.change! }));
}
