import type { ModelConfig } from "../config/schema.js";
import { type Overtake, type RankRow, compareGroup } from "../model/insights.js";
import { scorePoints } from "../store/insights.js";
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
  // The whole history up to `to`: growth looks back 90 days, and an overtake on `from` needs the
  // order the two projects last had, however long before.
  const { rows, overtakes } = compareGroup(scorePoints(ctx.db, q.projects, q.model.name, null, to), from, to);
  return { model: q.model.name, projects: q.projects, from, to, rows, overtakes };
}

function defaultEnd(ctx: InsightContext, projects: string[], model: string): Day | null {
  const q = { projects, models: [model] };
  const complete = selectScores(ctx.db, "latest_complete_scores", q).map((r) => r.day).sort();
  if (complete.length === projects.length) return complete[0]!;
  return selectScores(ctx.db, "latest_scores", q).map((r) => r.day).sort().at(-1) ?? null;
}
