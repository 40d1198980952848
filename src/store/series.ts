import type { Day } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";
import { type RepoRow, projectRepos } from "./repos.js";
import type { Stream } from "./sync.js";

/**
 * What the evaluator needs of one project, read in one place and handed over as plain data:
 * per repo its row, how far each stream was synced, its star snapshots and retained stars;
 * for the whole project its events per day and its contributors.
 *
 * Every query reads one repo's rows through that repo's key (`SERIES_QUERIES`, checked by
 * tests/store/series-plans.test.ts with EXPLAIN QUERY PLAN), and from a day on when given one,
 * so that a project costs its own data, and re-scoring its recent days costs its recent data.
 */
export interface ProjectSeries {
  repos: RepoSeries[];
  /** Events per day over all the project's repos, ascending by day, from `from` on. */
  events: ActivityRow[];
  /** Each contributor's first commit day on or after `from` (bots excluded). */
  firstDays: Map<string, Day>;
  /** The days each contributor committed on or after `activeFrom` (bots excluded), ascending. */
  contributorDays: Map<string, Day[]>;
  /**
   * The first day any of the project's packages had a download or a stated total, or null: a
   * project of packages only has its data there.
   */
  packagesFirstDay: Day | null;
}

export interface RepoSeries {
  repo: RepoRow;
  sync: { stream: Stream; coveredFrom: string | null; syncedTo: string | null }[];
  /** Stars per day from the daily snapshots, ascending, from `from` on. */
  snapshots: [Day, number][];
  /** The day of the repo's first snapshot, whatever `from` is. */
  firstSnapshot: Day | null;
  /** Retained stars given on each day (backfilled star history), ascending, from `from` on. */
  starsAdded: [Day, number][];
  /** Retained stars given before `from` (0 without one). */
  starsBefore: number;
}

export interface ActivityRow {
  day: Day;
  commits: number;
  issues_opened: number;
  issues_closed: number;
  prs_opened: number;
  prs_merged: number;
  releases: number;
}

export interface SeriesRange {
  /** Read facts dated on or after this day; null: the whole history. */
  from: Day | null;
  /** Read each contributor's commit days from this day on; null: none (no model counts active contributors). */
  activeFrom: Day | null;
}

/** Before any day: `x >= FIRST` holds for every stored date. */
const FIRST = "0000";

/** Everything: every fact and every commit day. */
export const WHOLE_HISTORY: SeriesRange = { from: null, activeFrom: FIRST };

/**
 * The statements that read a project's series, each by one repo's key (`@repo`) and a first day
 * (`@from`). Exported so that a test can check each one's query plan.
 */
export const SERIES_QUERIES = {
  sync: "SELECT stream, covered_from AS coveredFrom, synced_to AS syncedTo FROM sync_state WHERE repo_id = @repo",
  snapshots: "SELECT day, stars FROM repo_snapshots WHERE repo_id = @repo AND day >= @from ORDER BY day",
  firstSnapshot: "SELECT MIN(day) FROM repo_snapshots WHERE repo_id = @repo",
  starsAdded: "SELECT day, stars_added FROM star_history WHERE repo_id = @repo AND day >= @from ORDER BY day",
  starsBefore: "SELECT COALESCE(SUM(stars_added), 0) FROM star_history WHERE repo_id = @repo AND day < @from",
  // Counted as the view daily_repo_activity counts (drafts excluded, pull requests by merge only),
  // each branch filtered by the repo's key: a filter on the view would read every repo's facts.
  activity: `SELECT day, SUM(kind = 1) AS commits, SUM(kind = 2) AS issues_opened, SUM(kind = 3) AS issues_closed,
                    SUM(kind = 4) AS prs_opened, SUM(kind = 5) AS prs_merged, SUM(kind = 6) AS releases
             FROM (
               SELECT substr(committed_at, 1, 10) AS day, 1 AS kind FROM commits WHERE repo_id = @repo AND committed_at >= @from
               UNION ALL SELECT substr(created_at, 1, 10), CASE is_pull WHEN 1 THEN 4 ELSE 2 END
                 FROM issues WHERE repo_id = @repo AND created_at >= @from
               UNION ALL SELECT substr(closed_at, 1, 10), 3
                 FROM issues WHERE repo_id = @repo AND is_pull = 0 AND closed_at >= @from
               UNION ALL SELECT substr(merged_at, 1, 10), 5
                 FROM issues WHERE repo_id = @repo AND is_pull = 1 AND merged_at >= @from
               UNION ALL SELECT substr(published_at, 1, 10), 6
                 FROM releases WHERE repo_id = @repo AND is_draft = 0 AND published_at >= @from
             )
             GROUP BY day`,
  // One row per identity as the commits carry it: the bot rules need the login, type and e-mail together.
  authorFirsts: `SELECT author_login, author_type, author_email, MIN(substr(committed_at, 1, 10)) AS day
                 FROM commits WHERE repo_id = @repo AND committed_at >= @from
                 GROUP BY author_login, author_type, author_email`,
  authorDays: `SELECT author_login, author_type, author_email, substr(committed_at, 1, 10) AS day
               FROM commits WHERE repo_id = @repo AND committed_at >= @from
               GROUP BY author_login, author_type, author_email, day`,
} as const;

interface Author {
  author_login: string | null;
  author_type: string | null;
  author_email: string | null;
  day: Day;
}

/**
 * A project's daily series. `bots`: logins and e-mails whose commits never count. `range`
 * limits what is read to recent days (see SeriesRange); by default everything.
 */
export function loadProjectSeries(db: Db, projectName: string, bots: readonly string[], range: SeriesRange = WHOLE_HISTORY): ProjectSeries {
  const q = statements(db);
  const repos = projectRepos(db, projectName);
  const from = range.from ?? FIRST;
  const repoSeries = repos.map((repo): RepoSeries => {
    const at = { repo: repo.id, from };
    return {
      repo,
      sync: q.sync.all({ repo: repo.id }) as RepoSeries["sync"],
      snapshots: q.snapshots.raw().all(at) as [Day, number][],
      firstSnapshot: (q.firstSnapshot.pluck().get({ repo: repo.id }) as Day | null) ?? null,
      starsAdded: q.starsAdded.raw().all(at) as [Day, number][],
      starsBefore: q.starsBefore.pluck().get(at) as number,
    };
  });

  const byDay = new Map<Day, ActivityRow>();
  for (const repo of repos) {
    for (const row of q.activity.all({ repo: repo.id, from }) as ActivityRow[]) {
      const seen = byDay.get(row.day);
      if (!seen) byDay.set(row.day, row);
      else for (const kind of KINDS) seen[kind] += row[kind];
    }
  }
  const events = [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

  const isBot = botRule(bots);
  const firstDays = new Map<string, Day>();
  for (const repo of repos) {
    for (const a of q.authorFirsts.all({ repo: repo.id, from }) as Author[]) {
      const who = identity(a, isBot);
      if (who === null) continue;
      const seen = firstDays.get(who);
      if (seen === undefined || a.day < seen) firstDays.set(who, a.day);
    }
  }
  const contributorDays = new Map<string, Day[]>();
  if (range.activeFrom !== null) {
    const sets = new Map<string, Set<Day>>();
    for (const repo of repos) {
      for (const a of q.authorDays.all({ repo: repo.id, from: range.activeFrom }) as Author[]) {
        const who = identity(a, isBot);
        if (who === null) continue;
        const days = sets.get(who);
        if (days) days.add(a.day);
        else sets.set(who, new Set([a.day]));
      }
    }
    for (const [who, days] of sets) contributorDays.set(who, [...days].sort());
  }
  const packagesFirstDay = packageStatements(db).firstDay.get({ project: projectName }) as Day | null;
  return { repos: repoSeries, events, firstDays, contributorDays, packagesFirstDay };
}

const packageStatements = preparedOnce((db) => ({
  // Each package read through its key (package_id, day).
  firstDay: db
    .prepare(
      `SELECT MIN(first) FROM (
         SELECT (SELECT MIN(d.day) FROM package_downloads d WHERE d.package_id = pp.package_id AND d.downloads > 0) AS first
           FROM project_packages pp JOIN projects j ON j.id = pp.project_id WHERE j.name = @project
         UNION ALL
         SELECT (SELECT MIN(s.day) FROM package_snapshots s WHERE s.package_id = pp.package_id)
           FROM project_packages pp JOIN projects j ON j.id = pp.project_id WHERE j.name = @project)`,
    )
    .pluck(),
}));

const KINDS = ["commits", "issues_opened", "issues_closed", "prs_opened", "prs_merged", "releases"] as const;

const statements = preparedOnce(
  (db) => Object.fromEntries(Object.entries(SERIES_QUERIES).map(([name, sql]) => [name, db.prepare(sql)])) as Record<keyof typeof SERIES_QUERIES, ReturnType<Db["prepare"]>>,
);

/**
 * Identity: the GitHub login when the commit is linked to a user, else the e-mail (stored
 * lower-cased). Null for a bot: a `*[bot]` login, GitHub type Bot, an unlinked
 * `…[bot]@users.noreply.github.com` address (GraphQL gives a bot author no user), or a login
 * or e-mail in the configured list.
 */
function identity(a: Author, isBot: (a: Author) => boolean): string | null {
  const who = a.author_login ?? a.author_email;
  if (who === null || isBot(a)) return null;
  return who;
}

function botRule(bots: readonly string[]): (a: Author) => boolean {
  const listed = new Set(bots.map((b) => b.toLowerCase()));
  return (a) =>
    (a.author_login ?? "").toLowerCase().endsWith("[bot]") ||
    a.author_type === "Bot" ||
    (a.author_login === null && (a.author_email ?? "").toLowerCase().endsWith("[bot]@users.noreply.github.com")) ||
    listed.has((a.author_login ?? "").toLowerCase()) ||
    listed.has(a.author_email ?? "");
}
