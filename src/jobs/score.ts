import type { Config, ModelConfig } from "../config/schema.js";
import { type Downloads30, evaluate, loadProject } from "../model/inputs.js";
import { type Score, paramsHash } from "../model/score.js";
import type { Db } from "../store/open.js";
import { listProjectPackages, loadDownloads30 } from "../store/packages.js";
import { syncProjects } from "../store/repos.js";
import type { Logger } from "../util/log.js";
import { type Clock, dayOf, dayRange, toIso } from "../util/time.js";

export interface ScoreContext {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  downloads30?: Downloads30;
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
  const write = prepareWrite(db);
  const models = config.models.map((m) => m.name);
  db.prepare("DELETE FROM models WHERE name NOT IN (SELECT value FROM json_each(?))").run(JSON.stringify(models));
  for (const model of config.models) {
    if (registerModel(db, model, now)) rescored.push(model.name);
  }
  // A model whose parameters changed lost all its rows: every project is scored again then.
  const projects = rescored.length > 0 || !options.projects ? config.projects.map((p) => p.name) : options.projects;
  const prune = db.prepare("DELETE FROM scores WHERE project_id = ? AND (day < ? OR day > ?)");
  for (const name of projects) {
    const data = loadProject(db, config, name);
    const projectId = db.prepare("SELECT id FROM projects WHERE name = ?").pluck().get(name) as number;
    if (data.firstDay === null) {
      db.prepare("DELETE FROM scores WHERE project_id = ?").run(projectId);
      ctx.log.info(`score: ${name} has no data yet`);
      continue;
    }
    const from = data.firstDay <= today ? data.firstDay : today;
    const downloads = (ctx.downloads30 ?? storedDownloads30(db))(name, dayRange(from, today));
    db.transaction(() => {
      // Rows outside the project's days (a repo left it, its history moved) are not scores any more.
      prune.run(projectId, from, today);
    }).immediate();
    for (const model of config.models) {
      const scores = evaluate(data, model, from, today, downloads);
      const hash = paramsHash(model);
      db.transaction(() => {
        for (const s of scores) changed += write(projectId, model.name, hash, s, now);
      }).immediate();
      rows += scores.length;
    }
  }
  return { day: today, rows, changed, rescored };
}

/** U's downloads part: the 30-day downloads of each of the project's packages, from the database. */
export function storedDownloads30(db: Db): Downloads30 {
  return (projectName, days) => {
    const packages = listProjectPackages(db, projectName);
    const series = loadDownloads30(db, packages.map((p) => p.id), days);
    return packages.map((p) => ({
      label: `${p.registry}:${p.name}`,
      values: (series.get(p.id) ?? []).map((d) => d.downloads),
    }));
  };
}

/** Records the model's parameters; returns true when they changed (its old scores are dropped). */
function registerModel(db: Db, model: ModelConfig, now: Date): boolean {
  const hash = paramsHash(model);
  const old = db.prepare("SELECT params_hash FROM models WHERE name = ?").pluck().get(model.name) as string | undefined;
  if (old === hash) return false;
  db.transaction(() => {
    db.prepare(
      `INSERT INTO models (name, params_hash, params, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET params_hash = excluded.params_hash, params = excluded.params, updated_at = excluded.updated_at`,
    ).run(model.name, hash, JSON.stringify(model), toIso(now));
    db.prepare("DELETE FROM scores WHERE model = ?").run(model.name);
  }).immediate();
  return old !== undefined;
}

function prepareWrite(db: Db): (projectId: number, model: string, hash: string, s: Score, now: Date) => number {
  // Rows whose values did not change keep their computed_at: a re-run writes nothing.
  const stmt = db.prepare(
    `INSERT INTO scores (project_id, model, day, params_hash, activity, contributors, users, b, c, d, f,
                         b_share, c_share, d_share, complete, missing, computed_at)
     VALUES (@projectId, @model, @day, @hash, @activity, @contributors, @users, @b, @c, @d, @f,
             @bShare, @cShare, @dShare, @complete, @missing, @computedAt)
     ON CONFLICT (project_id, model, day) DO UPDATE SET params_hash = excluded.params_hash,
       activity = excluded.activity, contributors = excluded.contributors, users = excluded.users,
       b = excluded.b, c = excluded.c, d = excluded.d, f = excluded.f, b_share = excluded.b_share,
       c_share = excluded.c_share, d_share = excluded.d_share, complete = excluded.complete,
       missing = excluded.missing, computed_at = excluded.computed_at
     WHERE scores.params_hash IS NOT excluded.params_hash OR scores.activity IS NOT excluded.activity
       OR scores.contributors IS NOT excluded.contributors OR scores.users IS NOT excluded.users
       OR scores.f IS NOT excluded.f OR scores.missing IS NOT excluded.missing`,
  );
  return (projectId, model, hash, s, now) =>
    stmt.run({
      projectId,
      model,
      day: s.day,
      hash,
      activity: s.activity,
      contributors: s.contributors,
      users: s.users,
      b: s.b,
      c: s.c,
      d: s.d,
      f: s.f,
      bShare: s.bShare,
      cShare: s.cShare,
      dShare: s.dShare,
      complete: s.complete ? 1 : 0,
      missing: s.missing.length > 0 ? s.missing.join(",") : null,
      computedAt: toIso(now),
    }).changes;
}
