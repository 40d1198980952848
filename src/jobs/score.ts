import { createHash } from "node:crypto";
import type { Config } from "../config/schema.js";
import { type Downloads30, downloads30 } from "../model/downloads.js";
import { type PackageDownloads, type ProjectData, type RepoData, evaluate, firstDayOf } from "../model/evaluate.js";
import { type EventCounts, paramsHash } from "../model/score.js";
import type { Db } from "../store/open.js";
import { listProjectPackages, loadPackageSeries } from "../store/packages.js";
import { projectIdOf, syncProjects } from "../store/repos.js";
import { clearProjectMark, contributorsBefore, foldScoreMarks, projectMark, readScoreState, saveScoreState, scoredRange } from "../store/score-marks.js";
import { keepModels, pruneScores, registerModel, writeScores } from "../store/scores.js";
import { type ProjectSeries, WHOLE_HISTORY, loadProjectSeries } from "../store/series.js";
import type { Logger } from "../util/log.js";
import { BEGINNING, type Clock, type Day, addDays, dayOf, dayRange } from "../util/time.js";

export interface ScoreContext {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
}

export interface ScoreSummary {
  day: string;
  rows: number;
  changed: number;
  rescored: string[];
}

/**
 * Evaluates every model for every project over each day from the project's first event to
 * today, and stores the rows with their parts. Only what changed is evaluated again: the store
 * marks the earliest day whose inputs changed (migrations/0007), and a project is re-scored from
 * that day, and from the day after its newest score, to today. A model whose parameters changed
 * since it was last scored has its whole history re-scored, so a series is always comparable
 * with itself; so has a project whose first day, repos, packages or bot list changed.
 */
export function score(ctx: ScoreContext, options: { projects?: string[] } = {}): ScoreSummary {
  const { db, config } = ctx;
  const now = ctx.clock();
  const today = dayOf(now);
  syncProjects(db, config, now);
  const rescored: string[] = [];
  let rows = 0;
  let changed = 0;
  keepModels(db, config.models.map((m) => m.name));
  for (const model of config.models) {
    const before = registerModel(db, { name: model.name, paramsHash: paramsHash(model), params: model }, now);
    if (typeof before === "string") rescored.push(model.name);
  }
  foldScoreMarks(db);
  // A model whose parameters changed lost all its rows: every project is scored again then.
  const projects = rescored.length > 0 || !options.projects ? config.projects.map((p) => p.name) : options.projects;
  for (const name of projects) {
    const done = scoreProject(ctx, name, today, now);
    rows += done.rows;
    changed += done.changed;
  }
  return { day: today, rows, changed, rescored };
}

/** What is unchanged in a project since its last scoring, and from which day each model needs scoring again. */
function plan(db: Db, config: Config, projectId: number, today: Day): { mark: Day | null; firstDay: Day; starts: Day[] } | { mark: Day | null; firstDay: null } {
  const mark = projectMark(db, projectId);
  const state = readScoreState(db, projectId);
  if (!state || state.firstDay === null || state.inputsHash !== inputsHash(config)) return { mark, firstDay: null };
  // Facts before the mark are as they were: the first day of the history is still state.firstDay.
  if (mark !== null && mark <= state.firstDay) return { mark, firstDay: null };
  const starts: Day[] = [];
  for (const model of config.models) {
    const range = scoredRange(db, projectId, model.name);
    if (range === null || range.first !== state.firstDay || range.last > today) return { mark, firstDay: null };
    const next = addDays(range.last, 1);
    starts.push(mark !== null && mark < next ? mark : next);
  }
  return { mark, firstDay: state.firstDay, starts };
}

/** Scores one project: from the days that changed when its history is known, else all of it. */
function scoreProject(ctx: ScoreContext, name: string, today: Day, now: Date): { rows: number; changed: number } {
  const { db, config } = ctx;
  const projectId = projectIdOf(db, name);
  const p = plan(db, config, projectId, today);
  const hash = inputsHash(config);
  const anyActive = config.models.some((m) => m.contributors === "active");
  let rows = 0;
  let changed = 0;

  if (p.firstDay === null) {
    const series = loadProjectSeries(db, name, config.bots, { from: null, activeFrom: anyActive ? BEGINNING : null });
    const data = projectData(name, series, series.firstDays, null);
    if (data.firstDay === null) {
      pruneScores(db, projectId, null);
      saveScoreState(db, projectId, { firstDay: null, inputsHash: hash }, { from: null, firstDays: new Map() }, p.mark);
      ctx.log.info(`score: ${name} has no data yet`);
      return { rows, changed };
    }
    const from = data.firstDay <= today ? data.firstDay : today;
    const downloads = projectDownloads(db, name, dayRange(from, today));
    // Rows outside the project's days (a repo left it, its history moved) are not scores any more.
    pruneScores(db, projectId, { from, to: today });
    for (const model of config.models) {
      const scores = evaluate(data, model, from, today, downloads);
      changed += writeScores(db, { projectId, model: model.name, paramsHash: paramsHash(model) }, scores, now);
      rows += scores.length;
    }
    saveScoreState(db, projectId, { firstDay: data.firstDay, inputsHash: hash }, { from: null, firstDays: series.firstDays }, p.mark);
    return { rows, changed };
  }

  const start = p.starts.reduce((a, b) => (b < a ? b : a));
  if (start > today) {
    // Marked only on days after today (facts dated in the future): they are scored when they come.
    if (p.mark !== null) clearProjectMark(db, projectId, p.mark);
    return { rows, changed };
  }
  // Events from the first window that reaches `start`; contributors known before it from the store.
  const lead = addDays(start, -(Math.max(...config.models.map((m) => m.window)) - 1));
  const series = loadProjectSeries(db, name, config.bots, { from: lead, activeFrom: anyActive ? lead : null });
  const kept = contributorsBefore(db, projectId, lead);
  const fresh = new Map([...series.firstDays].filter(([who]) => !kept.has(who)));
  const data = projectData(name, series, new Map([...kept, ...fresh]), p.firstDay);
  const days = dayRange(start, today);
  const downloads = projectDownloads(db, name, days);
  config.models.forEach((model, m) => {
    const from = p.starts[m]!;
    if (from > today) return;
    const offset = days.indexOf(from);
    const own = downloads.map((d) => ({ label: d.label, values: d.values.slice(offset) }));
    const scores = evaluate(data, model, from, today, own);
    changed += writeScores(db, { projectId, model: model.name, paramsHash: paramsHash(model) }, scores, now);
    rows += scores.length;
  });
  saveScoreState(db, projectId, { firstDay: p.firstDay, inputsHash: hash }, { from: lead, firstDays: fresh }, p.mark);
  return { rows, changed };
}

/** The config's inputs to every score that are not a model's parameters: the bot list. */
function inputsHash(config: Config): string {
  return createHash("sha256").update(JSON.stringify([...config.bots].map((b) => b.toLowerCase()).sort())).digest("hex").slice(0, 16);
}

/** The evaluator's view of a project's whole stored history. */
export function loadProjectData(db: Db, config: Config, name: string): ProjectData {
  const series = loadProjectSeries(db, name, config.bots, WHOLE_HISTORY);
  return projectData(name, series, series.firstDays, null);
}

/**
 * The evaluator's view of a project's series. A series read from a day on carries what came
 * before in summary: each contributor's first day (`firstDays`), the retained stars given
 * before (`starsBefore`), the first snapshot's day, and the project's first day (`firstDay`;
 * null: found from the series, which then holds the whole history).
 */
function projectData(name: string, series: ProjectSeries, firstDays: ReadonlyMap<string, Day>, firstDay: Day | null): ProjectData {
  const repos = series.repos.map(({ repo, sync, snapshots, firstSnapshot, starsAdded, starsBefore }): RepoData => {
    const streams: RepoData["streams"] = {
      commits: { from: null, to: null },
      issues: { from: null, to: null },
      releases: { from: null, to: null },
      stars: { from: null, to: null },
    };
    for (const row of sync) {
      // Synced up to an instant: the days before that instant's day are complete, that day is not.
      streams[row.stream] = { from: row.coveredFrom, to: row.syncedTo ? addDays(dayOf(row.syncedTo), -1) : null };
    }
    // The stars given before the series starts, as one entry before every day.
    const before: [Day, number][] = starsBefore !== 0 ? [[BEGINNING, starsBefore]] : [];
    return {
      name: repo.full_name,
      createdDay: repo.created_at ? dayOf(repo.created_at) : null,
      goneDay: (repo.status === "gone" || repo.status === "blocked") && repo.status_at ? dayOf(repo.status_at) : null,
      streams,
      snapshots: new Map(snapshots),
      firstSnapshot,
      starsAdded: [...before, ...starsAdded],
    };
  });
  const events = new Map<Day, EventCounts>(series.events.map(({ day, ...counts }) => [day, counts]));
  // A contributor's days start with their first day; later ones matter only to the active count.
  const contributorDays = new Map<string, Day[]>();
  for (const [who, first] of firstDays) {
    const later = (series.contributorDays.get(who) ?? []).filter((d) => d > first);
    contributorDays.set(who, [first, ...later]);
  }
  return { name, repos, events, contributorDays, firstDay: firstDay ?? firstDayOf(repos, events, series.packagesFirstDay) };
}

/** U's downloads part: the 30-day downloads of each of the project's packages on each of `days`. */
export function projectDownloads(db: Db, projectName: string, days: Day[]): PackageDownloads[] {
  const packages = listProjectPackages(db, projectName);
  const series = loadDownloads30(db, packages.map((p) => p.id), days);
  return packages.map((p) => ({
    label: `${p.registry}:${p.name}`,
    values: (series.get(p.id) ?? []).map((d) => d.downloads),
  }));
}

/** Downloads in the 30 days ending on each of `days`, per package id (see src/model/downloads.ts). */
export function loadDownloads30(db: Db, packageIds: readonly number[], days: readonly Day[]): Map<number, Downloads30[]> {
  const result = new Map<number, Downloads30[]>();
  if (days.length === 0) return result;
  const sorted = [...days].sort();
  const from = sorted[0] as Day;
  const to = sorted[sorted.length - 1] as Day;
  for (const id of packageIds) result.set(id, downloads30(loadPackageSeries(db, id, from, to), days));
  return result;
}
