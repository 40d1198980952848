/**
 * The hand-written pass `bench/rescore` measures `score` against: A, N and U of every project on
 * every day from its first fact to `today`, for each model, written directly and independently
 * of the scorer: one SQL aggregation per fact table over all projects at once, then one walk
 * over each project's days with running sums. Same definitions as the scorer (see README).
 *
 * Run as a process (`node dist/bench/lib/hand-pass.js <job.json>`) it is timed the way the
 * `score` command is: start, open, read, compute. It prints how many values it computed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { ModelConfig } from "../../src/config/schema.js";
import { EVENT_KINDS } from "../../src/model/score.js";
import { type Day, addDays, dayRange } from "../../src/util/time.js";

export interface HandValues {
  a: (number | null)[];
  n: number[];
  u: (number | null)[];
  from: Day;
}

/**
 * A, N and U of every project on every day from its first fact to `today`, written directly:
 * one aggregation per fact table over all projects at once, then one walk over each project's
 * days with running sums. Same definitions as the scorer (see README), written independently.
 */
export function handPass(path: string, models: readonly ModelConfig[], bots: readonly string[], today: Day): Map<string, Map<number, HandValues>> {
  const db = new Database(path, { readonly: true });
  try {
    const perProject = <T>() => new Map<number, T[]>();
    const push = <T>(map: Map<number, T[]>, key: number, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    // Events per project and day, by kind (the order of EVENT_KINDS); each model weighs them in its walk.
    const events = perProject<[Day, number[]]>();
    const eventSql = `
      SELECT project_id, day, SUM(kind = 0), SUM(kind = 1), SUM(kind = 2), SUM(kind = 3), SUM(kind = 4), SUM(kind = 5) FROM (
        SELECT pr.project_id, substr(c.committed_at, 1, 10) AS day, 0 AS kind FROM commits c JOIN project_repos pr ON pr.repo_id = c.repo_id
        UNION ALL SELECT pr.project_id, substr(i.created_at, 1, 10), CASE i.is_pull WHEN 1 THEN 3 ELSE 1 END
          FROM issues i JOIN project_repos pr ON pr.repo_id = i.repo_id
        UNION ALL SELECT pr.project_id, substr(i.closed_at, 1, 10), 2
          FROM issues i JOIN project_repos pr ON pr.repo_id = i.repo_id WHERE i.is_pull = 0 AND i.closed_at IS NOT NULL
        UNION ALL SELECT pr.project_id, substr(i.merged_at, 1, 10), 4
          FROM issues i JOIN project_repos pr ON pr.repo_id = i.repo_id WHERE i.is_pull = 1 AND i.merged_at IS NOT NULL
        UNION ALL SELECT pr.project_id, substr(r.published_at, 1, 10), 5 FROM releases r JOIN project_repos pr ON pr.repo_id = r.repo_id
          WHERE r.is_draft = 0 AND r.published_at IS NOT NULL
      ) GROUP BY 1, 2`;
    for (const [p, day, ...counts] of db.prepare(eventSql).raw().iterate() as Iterable<[number, Day, ...number[]]>) push(events, p, [day, counts]);

    const firsts = perProject<Day>();
    const botList = bots.map((b) => `'${b.toLowerCase().replace(/'/g, "''")}'`).join(", ") || "NULL";
    const contributorSql = `
      SELECT pr.project_id, COALESCE(c.author_login, c.author_email) AS who, MIN(substr(c.committed_at, 1, 10))
      FROM commits c JOIN project_repos pr ON pr.repo_id = c.repo_id
      WHERE COALESCE(c.author_login, c.author_email) IS NOT NULL
        AND NOT (COALESCE(c.author_login, '') LIKE '%[bot]' OR COALESCE(c.author_type, '') = 'Bot'
              OR (c.author_login IS NULL AND COALESCE(c.author_email, '') LIKE '%[bot]@users.noreply.github.com')
              OR lower(COALESCE(c.author_login, '')) IN (${botList}) OR COALESCE(c.author_email, '') IN (${botList}))
      GROUP BY 1, 2`;
    for (const [p, , day] of db.prepare(contributorSql).raw().iterate() as Iterable<[number, string, Day]>) push(firsts, p, day);

    // Stars: per repo, the day's snapshot; before the first snapshot, the retained stars so far.
    interface RepoStars { created: Day | null; snapshots: Map<Day, number>; first: Day | null; added: [Day, number][] }
    const repos = new Map<number, RepoStars>();
    const repoOf = (id: number) => {
      let r = repos.get(id);
      if (!r) repos.set(id, (r = { created: null, snapshots: new Map(), first: null, added: [] }));
      return r;
    };
    for (const [id, created] of db.prepare("SELECT id, substr(created_at, 1, 10) FROM repos").raw().iterate() as Iterable<[number, Day | null]>) repoOf(id).created = created;
    for (const [id, day, stars] of db.prepare("SELECT repo_id, day, stars FROM repo_snapshots ORDER BY repo_id, day").raw().iterate() as Iterable<[number, Day, number]>) {
      const r = repoOf(id);
      r.snapshots.set(day, stars);
      r.first ??= day;
    }
    for (const [id, day, n] of db.prepare("SELECT repo_id, day, stars_added FROM star_history ORDER BY repo_id, day").raw().iterate() as Iterable<[number, Day, number]>) repoOf(id).added.push([day, n]);
    const projectRepos = perProject<number>();
    for (const [p, id] of db.prepare("SELECT project_id, repo_id FROM project_repos").raw().iterate() as Iterable<[number, number]>) push(projectRepos, p, id);

    // Downloads: per package, its daily figures (30-day running sums) or its snapshotted totals.
    const daily = new Map<number, Map<Day, number>>();
    for (const [id, day, n] of db.prepare("SELECT package_id, day, downloads FROM package_downloads").raw().iterate() as Iterable<[number, Day, number]>) {
      let m = daily.get(id);
      if (!m) daily.set(id, (m = new Map()));
      m.set(day, n);
    }
    const totals = new Map<number, Map<Day, number>>();
    for (const [id, day, t] of db.prepare("SELECT package_id, day, total FROM package_snapshots WHERE total IS NOT NULL").raw().iterate() as Iterable<[number, Day, number]>) {
      let m = totals.get(id);
      if (!m) totals.set(id, (m = new Map()));
      m.set(day, t);
    }
    const projectPackages = perProject<number>();
    for (const [p, id] of db.prepare("SELECT project_id, package_id FROM project_packages").raw().iterate() as Iterable<[number, number]>) push(projectPackages, p, id);

    const result = new Map(models.map((m) => [m.name, new Map<number, HandValues>()]));
    for (const p of db.prepare("SELECT id FROM projects").pluck().all() as number[]) {
      const starts: Day[] = (events.get(p) ?? []).map(([day]) => day);
      const ids = projectRepos.get(p) ?? [];
      for (const id of ids) {
        const r = repoOf(id);
        if (r.first) starts.push(r.first);
        const firstStar = r.added.find(([, n]) => n > 0);
        if (firstStar) starts.push(firstStar[0]);
      }
      if (starts.length === 0) continue;
      const from = starts.reduce((x, y) => (y < x ? y : x));
      const days = dayRange(from <= today ? from : today, today);
      for (const model of models) {
        const weights = EVENT_KINDS.map((kind) => model.events[kind]);
        const perDay = new Map<Day, number>();
        for (const [day, counts] of events.get(p) ?? []) perDay.set(day, counts.reduce((sum, n, k) => sum + n * weights[k]!, 0));
        const lead = dayRange(addDays(days[0]!, -(model.window - 1)), today);
        const weighted = lead.map((d) => perDay.get(d) ?? 0);
        const a: (number | null)[] = [];
        let running = 0;
        for (let i = 0; i < lead.length; i++) {
          running += weighted[i]!;
          if (i >= model.window) running -= weighted[i - model.window]!;
          if (i >= model.window - 1) a.push(running);
        }
        const sortedFirsts = (firsts.get(p) ?? []).sort();
        const n: number[] = [];
        let j = 0;
        for (const d of days) {
          while (j < sortedFirsts.length && sortedFirsts[j]! <= d) j++;
          n.push(j);
        }
        const u: (number | null)[] = days.map(() => 0);
        for (const id of ids) {
          const r = repoOf(id);
          let retained = 0;
          let k = 0;
          days.forEach((d, i) => {
            while (k < r.added.length && r.added[k]![0] <= d) retained += r.added[k++]![1];
            const stars = r.created && d < r.created ? 0 : (r.snapshots.get(d) ?? (r.first === null || d < r.first ? retained : null));
            u[i] = u[i] === null || stars === null ? null : u[i]! + model.users.stars * stars;
          });
        }
        for (const id of projectPackages.get(p) ?? []) {
          const figures = daily.get(id);
          const tot = totals.get(id);
          const window = dayRange(addDays(days[0]!, -29), today).map((d) => figures?.get(d));
          let sum = 0;
          let known = 0;
          window.forEach((f, i) => {
            sum += f ?? 0;
            known += f === undefined ? 0 : 1;
            if (i >= 30) {
              sum -= window[i - 30] ?? 0;
              known -= window[i - 30] === undefined ? 0 : 1;
            }
            if (i < 29) return;
            const di = i - 29;
            const d = days[di]!;
            let downloads: number | null = known === 30 ? sum : null;
            if (downloads === null && tot) {
              const end = tot.get(d);
              const begin = tot.get(addDays(d, -30));
              downloads = end !== undefined && begin !== undefined && end >= begin ? end - begin : null;
            }
            u[di] = u[di] === null || downloads === null ? null : u[di]! + model.users.downloads * downloads;
          });
        }
        result.get(model.name)!.set(p, { a, n, u, from: days[0]! });
      }
    }
    return result;
  } finally {
    db.close();
  }
}

/** What the child process is given, as a JSON file. */
export interface HandJob {
  path: string;
  models: ModelConfig[];
  bots: string[];
  today: Day;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as HandJob;
  let values = 0;
  for (const byProject of handPass(job.path, job.models, job.bots, job.today).values()) {
    for (const h of byProject.values()) values += h.a.length + h.n.length + h.u.length;
  }
  console.log(values);
}
