import type { ModelConfig } from "../config/schema.js";
import type { ReportData, ReportSeries } from "../report/html.js";
import type { Db } from "../store/open.js";
import { type ScoreHistoryRow, selectScores } from "../store/scores.js";
import { toIso } from "../util/time.js";

/** The data of the HTML report for one model, from the stored scores. */
export function reportData(db: Db, model: ModelConfig, options: { projects: string[]; from?: string; now: Date }): ReportData {
  const rows = selectScores(db, "score_history", { projects: options.projects, models: [model.name], from: options.from ?? null });
  const allDays = [...new Set(rows.map((r) => r.day))].sort();
  const series: ReportSeries[] = [];
  const latest: ReportData["latest"] = [];
  for (const project of options.projects) {
    const mine = new Map(rows.filter((r) => r.project === project).map((r) => [r.day, r]));
    if (mine.size === 0) continue;
    const pick = (fn: (r: ScoreHistoryRow) => number | null) => allDays.map((day) => {
      const r = mine.get(day);
      return r ? fn(r) : null;
    });
    series.push({
      project,
      days: allDays,
      f: pick((r) => r.f),
      b: pick((r) => (r.b === null ? null : model.alpha * r.b)),
      c: pick((r) => (r.c === null ? null : model.beta * r.c)),
      d: pick((r) => (r.d === null ? null : model.gamma * r.d)),
      a: pick((r) => r.a),
      n: pick((r) => r.n),
      u: pick((r) => r.u),
    });
    const ordered = [...mine.values()];
    const last = [...ordered].reverse().find((r) => r.complete === 1) ?? ordered.at(-1)!;
    latest.push({
      project,
      day: last.day,
      f: last.f,
      bShare: last.b_share,
      cShare: last.c_share,
      dShare: last.d_share,
      a: last.a,
      n: last.n,
      u: last.u,
      complete: last.complete === 1,
      missing: last.missing ? last.missing.split(",") : [],
    });
  }
  const { name, description, ...params } = model;
  return {
    title: `oss-pulse: ${options.projects.length} project${options.projects.length === 1 ? "" : "s"}`,
    generatedAt: toIso(options.now),
    model: { name, ...(description ? { description } : {}), params },
    latest,
    series,
  };
}


