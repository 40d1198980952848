import type { ModelConfig } from "../config/schema.js";
import type { ReportData, ReportSeries } from "../report/html.js";
import type { Db } from "../store/open.js";
import { type ScoreHistoryRow, iterateScores } from "../store/scores.js";
import { toIso } from "../util/time.js";

/**
 * The data of the HTML report for one model, from the stored scores. Each project's rows are
 * read twice, a row at a time: first for the days and the latest row, then, lazily, for its
 * series, so that the report holds one project's series at a time and never a whole history.
 */
export function reportData(db: Db, model: ModelConfig, options: { projects: string[]; from?: string; now: Date }): ReportData {
  const rowsOf = (project: string) => iterateScores(db, "score_history", { projects: [project], models: [model.name], from: options.from ?? null });
  const days = new Set<string>();
  const latest: ReportData["latest"] = [];
  const scored: string[] = [];
  for (const project of options.projects) {
    let last: ScoreHistoryRow | undefined;
    let lastComplete: ScoreHistoryRow | undefined;
    for (const r of rowsOf(project)) {
      days.add(r.day);
      last = r;
      if (r.complete === 1) lastComplete = r;
    }
    if (last === undefined) continue;
    scored.push(project);
    const shown = lastComplete ?? last;
    latest.push({
      project,
      day: shown.day,
      f: shown.f,
      bShare: shown.b_share,
      cShare: shown.c_share,
      dShare: shown.d_share,
      a: shown.a,
      n: shown.n,
      u: shown.u,
      complete: shown.complete === 1,
      missing: shown.missing ? shown.missing.split(",") : [],
    });
  }
  const allDays = [...days].sort();
  const at = new Map(allDays.map((day, i) => [day, i]));
  function* series(): Generator<ReportSeries> {
    for (const project of scored) {
      const empty = () => allDays.map((): number | null => null);
      const s: ReportSeries = { project, days: allDays, f: empty(), b: empty(), c: empty(), d: empty(), a: empty(), n: empty(), u: empty() };
      for (const r of rowsOf(project)) {
        const i = at.get(r.day)!;
        s.f[i] = r.f;
        s.b[i] = r.b === null ? null : model.alpha * r.b;
        s.c[i] = r.c === null ? null : model.beta * r.c;
        s.d[i] = r.d === null ? null : model.gamma * r.d;
        s.a[i] = r.a;
        s.n[i] = r.n;
        s.u[i] = r.u;
      }
      yield s;
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
