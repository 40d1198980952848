import type { ModelConfig } from "../config/schema.js";
import type { ReportData, ReportSeries } from "../report/html.js";
import type { Db } from "../store/open.js";
import { type ScoreHistoryRow, selectScores } from "../store/scores.js";
import { toIso } from "../util/time.js";

/**
 * The data of the HTML report for one model, from the stored scores. Each project's rows are
 * read twice, one project at a time: first for the days and the latest row, then, lazily, for
 * its series, so that the report holds one project's history at a time.
 */
export function reportData(db: Db, model: ModelConfig, options: { projects: string[]; from?: string; now: Date }): ReportData {
  const rowsOf = (project: string) => selectScores(db, "score_history", { projects: [project], models: [model.name], from: options.from ?? null });
  const days = new Set<string>();
  const latest: ReportData["latest"] = [];
  const scored: string[] = [];
  for (const project of options.projects) {
    const ordered = rowsOf(project);
    if (ordered.length === 0) continue;
    scored.push(project);
    for (const r of ordered) days.add(r.day);
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
  const allDays = [...days].sort();
  function* series(): Generator<ReportSeries> {
    for (const project of scored) {
      const mine = new Map(rowsOf(project).map((r) => [r.day, r]));
      const pick = (fn: (r: ScoreHistoryRow) => number | null) => allDays.map((day) => {
        const r = mine.get(day);
        return r ? fn(r) : null;
      });
      yield {
        project,
        days: allDays,
        f: pick((r) => r.f),
        b: pick((r) => (r.b === null ? null : model.alpha * r.b)),
        c: pick((r) => (r.c === null ? null : model.beta * r.c)),
        d: pick((r) => (r.d === null ? null : model.gamma * r.d)),
        a: pick((r) => r.a),
        n: pick((r) => r.n),
        u: pick((r) => r.u),
      };
    }
  }
  const { name, description, ...params } = model;
  return {
    title: `oss-pulse: ${options.projects.length} project${options.projects.length === 1 ? "" : "s"}`,
    generatedAt: toIso(options.now),
    model: { name, ...(description ? { description } : {}), params },
    latest,
    series: { [Symbol.iterator]: series },
  };
}
