import type { Config, ModelConfig } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import {
  type Change,
  type EventComparison,
  type KindChange,
  type NamedChange,
  type NamedCount,
  type PartChange,
  type PartName,
  type ScorePoint,
  activityChange,
  change,
  compareAroundEvent,
  namedChanges,
  newContributorsByRepo,
  splitChange,
} from "../model/insights.js";

export type { Change, NamedChange } from "../model/insights.js";
import { evaluate } from "../model/evaluate.js";
import { activityByRepo, firstCommitsByRepo, scorePoints } from "../store/insights.js";
import type { Db } from "../store/open.js";
import { type Day, addDays } from "../util/time.js";
import { contributorFirstDays } from "../store/series.js";
import { loadProjectDataOn, projectDownloads } from "./score.js";

export interface InsightContext {
  db: Db;
  config: Config;
}

export interface Explanation {
  project: string;
  model: string;
  from: Day;
  to: Day;
  /** Both days complete: every number below is known. */
  complete: boolean;
  /** What was unknown on each day, named (never taken as zero). */
  missing: { from: string[]; to: string[] };
  f: Change;
  /** α·ΔB, β·ΔC, γ·ΔD with each one's share of Δf; they add up to Δf. */
  parts: Record<PartName, PartChange>;
  activity: { a: Change; window: number; byKind: KindChange[]; byRepo: NamedChange[] };
  /** People whose first commit in the project fell in (from, to], by the repo of that commit. */
  contributors: { n: Change; mode: ModelConfig["contributors"]; newByRepo: NamedCount[] | null };
  users: { u: Change; starsByRepo: NamedChange[]; downloadsByPackage: NamedChange[]; trafficByRepo: NamedChange[] };
}

/** The change of one project's score between two days, part by part and input by input. */
export function explain(ctx: InsightContext, q: { project: string; model: ModelConfig; from: Day; to: Day }): Explanation {
  const { db, config } = ctx;
  const model = q.model;
  const point = (day: Day): ScorePoint =>
    scorePoints(db, [q.project], model.name, day, day)[0] ?? {
      project: q.project, day, f: null, b: null, c: null, d: null, a: null, n: null, u: null, missing: [`no score on ${day}`],
    };
  const [p1, p2] = [point(q.from), point(q.to)];
  const { f, parts } = splitChange(model, p1, p2);

  const window = (day: Day) => activityByRepo(db, q.project, addDays(day, -(model.window - 1)), day);
  const activity = activityChange(model, p1.a === null ? null : window(q.from), p2.a === null ? null : window(q.to));

  const n = change(p1.n, p2.n);
  const newByRepo =
    n.change === null ? null : newContributorsByRepo(contributorFirstDays(db, q.project, config.bots, q.to), firstCommitsByRepo(db, q.project), q.from, q.to);

  // Stars of each repo alone, by the evaluator itself, so they are the stars U counted; each
  // day read on its own, not the history between.
  const starsOnly: ModelConfig = { ...model, users: { stars: 1, downloads: 0, views: 0, clones: 0 } };
  // Views and clones of each repo, weighted as the model weighs them, when it does (else none).
  const trafficOnly: ModelConfig = { ...model, users: { stars: 0, downloads: 0, views: model.users.views, clones: model.users.clones } };
  const weighsTraffic = model.users.views > 0 || model.users.clones > 0;
  const usersByRepo = (day: Day) => {
    const data = loadProjectDataOn(db, config, q.project, day);
    const alone = (only: ModelConfig) => new Map(data.repos.map((r) => [r.name, evaluate({ ...data, repos: [r] }, only, day, day)[0]!.users]));
    return { stars: alone(starsOnly), traffic: weighsTraffic ? alone(trafficOnly) : new Map<string, number | null>() };
  };
  const [onFrom, onTo] = [usersByRepo(q.from), usersByRepo(q.to)];
  const downloads = projectDownloads(db, q.project, [q.from, q.to]);
  const downloadsOn = (i: number) => new Map(downloads.map((p) => [p.label, p.values[i] ?? null]));

  return {
    project: q.project,
    model: model.name,
    from: q.from,
    to: q.to,
    complete: p1.missing.length === 0 && p2.missing.length === 0,
    missing: { from: p1.missing, to: p2.missing },
    f,
    parts,
    activity: { a: change(p1.a, p2.a), window: model.window, ...activity },
    contributors: { n, mode: model.contributors, newByRepo },
    users: { u: change(p1.u, p2.u), starsByRepo: namedChanges(onFrom.stars, onTo.stars), downloadsByPackage: namedChanges(downloadsOn(0), downloadsOn(1)), trafficByRepo: namedChanges(onFrom.traffic, onTo.traffic) },
  };
}

export interface EventExplanation extends EventComparison {
  project: string;
  model: string;
  label: string;
}

/** The trend of a project's score before and after one of its dated decisions (config `events`). */
export function explainEvent(ctx: InsightContext, q: { project: string; model: ModelConfig; label: string; window: number }): EventExplanation {
  const project = ctx.config.projects.find((p) => p.name === q.project);
  const event = project?.events.find((e) => e.label === q.label);
  if (!project || !event) {
    const known = project?.events.map((e) => JSON.stringify(e.label)).join(", ");
    throw new ConfigError([`--event: project "${q.project}" has no event labelled ${JSON.stringify(q.label)}${known ? ` (it has ${known})` : ""}`]);
  }
  const points = scorePoints(ctx.db, [q.project], q.model.name, addDays(event.day, -q.window), addDays(event.day, q.window - 1));
  return { project: q.project, model: q.model.name, label: event.label, ...compareAroundEvent(q.model, points, event.day, q.window) };
}
