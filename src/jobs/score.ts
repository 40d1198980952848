import type { Config } from "../config/schema.js";
import { type Downloads30, downloads30 } from "../model/downloads.js";
import { type PackageDownloads, type ProjectData, type RepoData, evaluate, firstDayOf } from "../model/evaluate.js";
import { type EventCounts, paramsHash } from "../model/score.js";
import type { Db } from "../store/open.js";
import { listProjectPackages, loadPackageSeries } from "../store/packages.js";
import { projectIdOf, syncProjects } from "../store/repos.js";
import { keepModels, pruneScores, registerModel, writeScores } from "../store/scores.js";
import { type ProjectSeries, loadProjectSeries } from "../store/series.js";
import type { Logger } from "../util/log.js";
import { type Clock, type Day, addDays, dayOf, dayRange } from "../util/time.js";

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
 * today, and stores the rows with their parts. A model whose parameters changed since it was
 * last scored has its whole history re-scored, so a series is always comparable with itself.
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
  // A model whose parameters changed lost all its rows: every project is scored again then.
  const projects = rescored.length > 0 || !options.projects ? config.projects.map((p) => p.name) : options.projects;
  for (const name of projects) {
    const data = loadProjectData(db, config, name);
    const projectId = projectIdOf(db, name);
    if (data.firstDay === null) {
      pruneScores(db, projectId, null);
      ctx.log.info(`score: ${name} has no data yet`);
      continue;
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
  }
  return { day: today, rows, changed, rescored };
}

/** The evaluator's view of a project's stored series. */
export function loadProjectData(db: Db, config: Config, name: string): ProjectData {
  return projectData(name, loadProjectSeries(db, name, config.bots));
}

function projectData(name: string, series: ProjectSeries): ProjectData {
  const repos = series.repos.map(({ repo, sync, snapshots, starsAdded }): RepoData => {
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
    return {
      name: repo.full_name,
      createdDay: repo.created_at ? dayOf(repo.created_at) : null,
      goneDay: (repo.status === "gone" || repo.status === "blocked") && repo.status_at ? dayOf(repo.status_at) : null,
      streams,
      snapshots: new Map(snapshots),
      firstSnapshot: snapshots[0]?.[0] ?? null,
      starsAdded,
    };
  });
  const events = new Map<Day, EventCounts>(series.events.map(({ day, ...counts }) => [day, counts]));
  return { name, repos, events, contributorDays: series.contributorDays, firstDay: firstDayOf(repos, events, series.packagesFirstDay) };
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
