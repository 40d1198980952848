import type { ModelConfig } from "../config/schema.js";
import { type Overtake, type RankRow, compareGroup } from "../model/insights.js";
import { type ScorePoint, knownPointBefore, scorePoints } from "../store/insights.js";
import { selectScores } from "../store/scores.js";
import { type Day, addDays } from "../util/time.js";
import type { InsightContext } from "./explain.js";

export interface Comparison {
  model: string;
  projects: string[];
  from: Day;
  to: Day;
  rows: RankRow[];
  overtakes: Overtake[];
}

/** Days shown when no range is given: the 30 days ending on `to`. */
export const DEFAULT_COMPARE_DAYS = 30;

/**
 * Ranks, shares and growth of a group of projects per day, and who overtook whom. Without
 * `to`, the range ends on the newest day on which every project of the group has been complete
 * (the oldest of their newest complete days), else on the newest day scored.
 */
export function compare(ctx: InsightContext, q: { projects: string[]; model: ModelConfig; from?: Day; to?: Day }): Comparison | null {
  const to = q.to ?? defaultEnd(ctx, q.projects, q.model.name);
  if (to === null) return null;
  const from = q.from ?? addDays(to, -(DEFAULT_COMPARE_DAYS - 1));
  // Growth looks back 90 days, and an overtake on `from` needs the order the two projects last
  // had, however long before: the days from 90 before `from` on, and before them only the day on
  // which each pair was last ordered. The result is that of the whole history, read in a time and
  // memory that do not grow with it.
  const start = addDays(from, -GROWTH_DAYS);
  const points = [...lastOrders(ctx, q.projects, q.model.name, start), ...scorePoints(ctx.db, q.projects, q.model.name, start, to)];
  const { rows, overtakes } = compareGroup(points, from, to);
  return { model: q.model.name, projects: q.projects, from, to, rows, overtakes };
}

/** The longest look back of compareGroup's growth (7, 30 and 90 days). */
const GROWTH_DAYS = 90;

/**
 * For each pair of projects, both points of the last day before `before` on which both f were
 * known and different (what decides which of the two led). The projects are walked back
 * together, each from one known point to the one before it, newest day first, until every pair
 * is decided or a project has no earlier point; usually that is the day before `before`.
 */
function lastOrders(ctx: InsightContext, projects: string[], model: string, before: Day): ScorePoint[] {
  const names = [...new Set(projects)];
  const open = new Set<string>();
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) open.add(pairKey(names[i]!, names[j]!));
  const next = new Map<string, ScorePoint>();
  for (const name of names) {
    const point = knownPointBefore(ctx.db, name, model, before);
    if (point) next.set(name, point);
  }
  const kept = new Map<string, ScorePoint>();
  while (open.size > 0 && next.size > 1) {
    let day = "";
    for (const point of next.values()) if (point.day > day) day = point.day;
    const group = [...next.values()].filter((p) => p.day === day);
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i]!, group[j]!];
        const key = pairKey(a.project, b.project);
        if (a.f === b.f || !open.delete(key)) continue;
        kept.set(`${a.project}\0${day}`, a);
        kept.set(`${b.project}\0${day}`, b);
      }
    }
    for (const point of group) {
      const older = hasOpenPair(open, point.project, next) ? knownPointBefore(ctx.db, point.project, model, day) : null;
      if (older) next.set(point.project, older);
      else next.delete(point.project);
    }
  }
  return [...kept.values()];
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\0${b}` : `${b}\0${a}`;
}

/** Whether a project still has an undecided pair with another project that has earlier points. */
function hasOpenPair(open: ReadonlySet<string>, project: string, next: ReadonlyMap<string, ScorePoint>): boolean {
  for (const other of next.keys()) if (other !== project && open.has(pairKey(project, other))) return true;
  return false;
}

function defaultEnd(ctx: InsightContext, projects: string[], model: string): Day | null {
  const q = { projects, models: [model] };
  const complete = selectScores(ctx.db, "latest_complete_scores", q).map((r) => r.day).sort();
  if (complete.length === projects.length) return complete[0]!;
  return selectScores(ctx.db, "latest_scores", q).map((r) => r.day).sort().at(-1) ?? null;
}
