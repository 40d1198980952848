import { createHash } from "node:crypto";
import type { Config } from "../config/schema.js";
import { type Downloads30, type PackageSeries, downloads30, downloads30Values } from "../model/downloads.js";
import { type PackageDownloads, type ProjectData, type RepoData, evaluate, firstDayFrom, firstDayOf } from "../model/evaluate.js";
import { type EventCounts, paramsHash } from "../model/score.js";
import { type Db, inTransaction } from "../store/open.js";
import { hasPartialMembers, projectPackagesEver } from "../store/membership.js";
import { loadPackageSeries } from "../store/packages.js";
import { projectIdOf, syncProjects } from "../store/repos.js";
import { clearProjectMark, contributorsBefore, foldScoreMarks, projectMark, readScoreState, saveScoreState, scoredRange } from "../store/score-marks.js";
import { keepModels, pruneScores, registerModel, writeScores } from "../store/scores.js";
import { type ProjectSeries, WHOLE_HISTORY, loadFirstFacts, loadProjectSeries } from "../store/series.js";
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
  // A project whose members came or went over time is scored whole: each stretch of days counts
  // its own members, which the summaries kept for incremental scoring do not tell apart.
  if (hasPartialMembers(db, projectId)) return { mark, firstDay: null };
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

/**
 * Days evaluated per step. A project's series is read and evaluated a year at a time, so that
 * scoring holds one year of one project whatever the length of its history (with what came
 * before in summary: contributors' first days and the retained stars).
 */
const SPAN_DAYS = 366;

/** Scores one project: from the days that changed when its history is known, else all of it. */
function scoreProject(ctx: ScoreContext, name: string, today: Day, now: Date): { rows: number; changed: number } {
  const { db, config } = ctx;
  const projectId = projectIdOf(db, name);
  const p = plan(db, config, projectId, today);
  const hash = inputsHash(config);

  if (p.firstDay === null) {
    // A project whose members came or went is read whole: each stretch counts its own members.
    if (hasPartialMembers(db, projectId)) return scoreWhole(ctx, name, projectId, today, now, p.mark);
    const firsts = loadFirstFacts(db, name);
    const firstDay = firstDayFrom(firsts.repos, null, firsts.packagesFirstDay);
    if (firstDay === null) return noData(ctx, name, projectId, p.mark);
    const from = firstDay <= today ? firstDay : today;
    // Rows outside the project's days (a repo left it, its history moved) are not scores any more.
    pruneScores(db, projectId, { from, to: today });
    const found = scoreSpans(ctx, name, projectId, { firstDay, starts: config.models.map(() => from), known: new Map() }, today, now);
    saveScoreState(db, projectId, { firstDay, inputsHash: hash }, { from: null, firstDays: found.firstDays }, p.mark);
    return found;
  }

  const start = p.starts.reduce((a, b) => (b < a ? b : a));
  if (start > today) {
    // Marked only on days after today (facts dated in the future): they are scored when they come.
    if (p.mark !== null) clearProjectMark(db, projectId, p.mark);
    return { rows: 0, changed: 0 };
  }
  // Contributors known before the first window that reaches `start` come from the store.
  const lead = windowStart(config, start);
  const found = scoreSpans(ctx, name, projectId, { firstDay: p.firstDay, starts: p.starts, known: contributorsBefore(db, projectId, lead) }, today, now);
  saveScoreState(db, projectId, { firstDay: p.firstDay, inputsHash: hash }, { from: lead, firstDays: found.firstDays }, p.mark);
  return found;
}

/**
 * Evaluates each model from its start day to today, a span of days at a time: each span reads
 * the events of its first window's days and of its own, and carries forward who contributed
 * before. Returns the rows written and each contributor first seen (their first day).
 */
function scoreSpans(
  ctx: ScoreContext,
  name: string,
  projectId: number,
  from: { firstDay: Day; starts: Day[]; known: ReadonlyMap<string, Day> },
  today: Day,
  now: Date,
): { rows: number; changed: number; firstDays: Map<string, Day> } {
  const { db, config } = ctx;
  const anyActive = countsActive(config);
  const hashes = config.models.map(paramsHash);
  const known = new Map(from.known);
  const firstDays = new Map<string, Day>();
  let rows = 0;
  let changed = 0;
  let spanStart = from.starts.reduce((a, b) => (b < a ? b : a));
  let starsBefore: Map<number, number> | undefined;
  while (spanStart <= today) {
    const last = addDays(spanStart, SPAN_DAYS - 1);
    const spanEnd = last < today ? last : today;
    const lead = windowStart(config, spanStart);
    const series = loadProjectSeries(db, name, config.bots, { from: lead, to: spanEnd, activeFrom: anyActive ? lead : null, starsBefore });
    for (const [who, day] of series.firstDays) {
      if (known.has(who)) continue;
      known.set(who, day);
      firstDays.set(who, day);
    }
    const data = projectData(name, series, known, from.firstDay, false);
    const days = dayRange(spanStart, spanEnd);
    const downloads = projectDownloads(db, name, days);
    const evaluated = config.models.map((model, m) => {
      const start = from.starts[m]! > spanStart ? from.starts[m]! : spanStart;
      if (start > spanEnd) return [];
      const offset = days.indexOf(start);
      const own = offset === 0 ? downloads : downloads.map((d) => ({ ...d, values: d.values.slice(offset) }));
      return evaluate(data, model, start, spanEnd, own);
    });
    // The span's rows of every model in one transaction: one commit per span, not per model.
    inTransaction(db, () => {
      config.models.forEach((model, m) => {
        changed += writeScores(db, { projectId, model: model.name, paramsHash: hashes[m]! }, evaluated[m]!, now);
        rows += evaluated[m]!.length;
      });
    });
    spanStart = addDays(spanEnd, 1);
    // The next span's retained stars before its first window, from this span's, not read again.
    const nextLead = windowStart(config, spanStart);
    starsBefore = new Map(series.repos.map((r) => [r.repo.id, r.starsAdded.reduce((n, [day, added]) => (day < nextLead ? n + added : n), r.starsBefore)]));
  }
  return { rows, changed, firstDays };
}

/** Scores a project from its whole history in one step (members that came and went). */
function scoreWhole(ctx: ScoreContext, name: string, projectId: number, today: Day, now: Date, mark: Day | null): { rows: number; changed: number } {
  const { db, config } = ctx;
  const series = loadProjectSeries(db, name, config.bots, { from: null, activeFrom: countsActive(config) ? BEGINNING : null });
  const data = projectData(name, series, series.firstDays, null);
  if (data.firstDay === null) return noData(ctx, name, projectId, mark);
  const from = data.firstDay <= today ? data.firstDay : today;
  const downloads = projectDownloads(db, name, dayRange(from, today));
  pruneScores(db, projectId, { from, to: today });
  let rows = 0;
  let changed = 0;
  for (const model of config.models) {
    const scores = evaluate(data, model, from, today, downloads);
    changed += writeScores(db, { projectId, model: model.name, paramsHash: paramsHash(model) }, scores, now);
    rows += scores.length;
  }
  saveScoreState(db, projectId, { firstDay: data.firstDay, inputsHash: inputsHash(config) }, { from: null, firstDays: series.firstDays }, mark);
  return { rows, changed };
}

/** A project with nothing stored yet: no scores, and a state that says so. */
function noData(ctx: ScoreContext, name: string, projectId: number, mark: Day | null): { rows: number; changed: number } {
  pruneScores(ctx.db, projectId, null);
  saveScoreState(ctx.db, projectId, { firstDay: null, inputsHash: inputsHash(ctx.config) }, { from: null, firstDays: new Map() }, mark);
  ctx.log.info(`score: ${name} has no data yet`);
  return { rows: 0, changed: 0 };
}

/** The first day of the longest model window that ends on `day`: where the events a day's scores count begin. */
function windowStart(config: Config, day: Day): Day {
  return addDays(day, -(Math.max(...config.models.map((m) => m.window)) - 1));
}

/** Whether a model counts active contributors, who need their commit days and not only their first. */
function countsActive(config: Config): boolean {
  return config.models.some((m) => m.contributors === "active");
}

/** The config's inputs to every score that are not a model's parameters: the bot list. */
function inputsHash(config: Config): string {
  return createHash("sha256").update(JSON.stringify([...config.bots].map((b) => b.toLowerCase()).sort())).digest("hex").slice(0, 16);
}

/** The evaluator's view of a project's whole stored history, read at once (what scoring by spans must equal). */
export function loadProjectData(db: Db, config: Config, name: string): ProjectData {
  const series = loadProjectSeries(db, name, config.bots, WHOLE_HISTORY);
  return projectData(name, series, series.firstDays, null);
}

/**
 * The evaluator's view of a project on one day, enough for what U counts that day (stars,
 * retained stars, traffic): the facts of that day, with the retained stars before it in sum.
 */
export function loadProjectDataOn(db: Db, config: Config, name: string, day: Day): ProjectData {
  const series = loadProjectSeries(db, name, config.bots, { from: day, to: day, activeFrom: null });
  return projectData(name, series, series.firstDays, day);
}

/**
 * The evaluator's view of a project's series. A series read from a day on carries what came
 * before in summary: each contributor's first day (`firstDays`), the retained stars given
 * before (`starsBefore`), the first snapshot's day, and the project's first day (`firstDay`;
 * null: found from the series, which then holds the whole history). `perRepo`: each repo's own
 * events and contributors too, which a project whose members came and went needs.
 */
function projectData(name: string, series: ProjectSeries, firstDays: ReadonlyMap<string, Day>, firstDay: Day | null, perRepo = true): ProjectData {
  const repos = series.repos.map(({ repo, sync, snapshots, firstSnapshot, starsAdded, starsBefore, member, events, firstDays: ownFirsts, contributorDays: ownDays, traffic }): RepoData => {
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
      member,
      traffic,
      // Each repo's own events and contributors count only where members change within the days.
      ...(perRepo
        ? {
            events: new Map(events.map(({ day, ...counts }) => [day, counts])),
            contributorDays: new Map([...ownFirsts].map(([who, first]) => [who, [first, ...(ownDays.get(who) ?? []).filter((d) => d > first)]])),
          }
        : {}),
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
  // Every package that ever belonged: each counts on the days it did.
  return projectPackagesEver(db, projectName).map((p) => ({
    label: `${p.registry}:${p.name}`,
    values: days.length === 0 ? [] : downloads30Values(packageSeries(db, p.id, days), days),
    member: p.member,
  }));
}

/** Downloads in the 30 days ending on each of `days`, with what is missing named, per package id (see src/model/downloads.ts). */
export function loadDownloads30(db: Db, packageIds: readonly number[], days: readonly Day[]): Map<number, Downloads30[]> {
  const result = new Map<number, Downloads30[]>();
  if (days.length === 0) return result;
  for (const id of packageIds) result.set(id, downloads30(packageSeries(db, id, days), days));
  return result;
}

/** What is stored of a package over `days` and the 30 days before the first. */
function packageSeries(db: Db, packageId: number, days: readonly Day[]): PackageSeries {
  let from = days[0]!;
  let to = days[0]!;
  for (const d of days) {
    if (d < from) from = d;
    if (d > to) to = d;
  }
  return loadPackageSeries(db, packageId, from, to);
}
