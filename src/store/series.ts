import { type Day, addDays } from "../util/time.js";
import type { Db } from "./open.js";
import { preparedOnce } from "./prepared.js";
import { type MemberInterval, memberIntervals } from "./membership.js";
import { type RepoRow, projectIdOf, repoById } from "./repos.js";
import { loadTraffic } from "./traffic.js";
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
  /** The days the repo belonged to the project. */
  member: MemberInterval[];
  /** The repo's own events per day, ascending, from `from` on. */
  events: ActivityRow[];
  /** The repo's own contributors' first days on or after `from` (bots excluded). */
  firstDays: Map<string, Day>;
  /** The repo's own contributors' commit days on or after `activeFrom`, ascending. */
  contributorDays: Map<string, Day[]>;
  /** Complete days of views and clones; null when the token may not read them. */
  traffic: { views: Map<Day, number>; clones: Map<Day, number> } | null;
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
  /** Read facts dated on or before this day (contributors' days included); absent or null: up to the newest. */
  to?: Day | null;
  /** Read each contributor's commit days from this day on; null: none (no model counts active contributors). */
  activeFrom: Day | null;
  /** Retained stars given before `from`, by repo id, when already known (read from the store otherwise). */
  starsBefore?: ReadonlyMap<number, number>;
}

/** Before any day: `x >= FIRST` holds for every stored date. */
const FIRST = "0000";

/** After any day: `x < LAST` holds for every stored date and instant (a year has four digits). */
const LAST = "99999";

/** Everything: every fact and every commit day. */
export const WHOLE_HISTORY: SeriesRange = { from: null, activeFrom: FIRST };

/**
 * The statements that read a project's series, each by one repo's key (`@repo`) and a span of
 * days: from `@from` on, before `@until` (the day after the last). Exported so that a test can
 * check each one's query plan.
 */
export const SERIES_QUERIES = {
  sync: "SELECT stream, covered_from AS coveredFrom, synced_to AS syncedTo FROM sync_state WHERE repo_id = @repo",
  snapshots: "SELECT day, stars FROM repo_snapshots WHERE repo_id = @repo AND day >= @from AND day < @until ORDER BY day",
  firstSnapshot: "SELECT MIN(day) FROM repo_snapshots WHERE repo_id = @repo",
  starsAdded: "SELECT day, stars_added FROM star_history WHERE repo_id = @repo AND day >= @from AND day < @until ORDER BY day",
  firstStar: "SELECT MIN(day) FROM star_history WHERE repo_id = @repo AND stars_added > 0",
  starsBefore: "SELECT COALESCE(SUM(stars_added), 0) FROM star_history WHERE repo_id = @repo AND day < @from",
  // Each fact table read once, in key order, and counted per day here: grouping in SQL (a
  // UNION ALL of kinds under GROUP BY) sorted every row again and cost twice the reading.
  // Counted as the view daily_repo_activity counts (drafts excluded, pull requests by merge only).
  commitRows: `SELECT substr(committed_at, 1, 10), author_login, author_type, author_email
               FROM commits WHERE repo_id = @repo AND committed_at >= @from AND committed_at < @until ORDER BY committed_at`,
  issueRows: `SELECT substr(created_at, 1, 10), is_pull, substr(closed_at, 1, 10), substr(merged_at, 1, 10)
              FROM issues WHERE repo_id = @repo AND (created_at >= @from AND created_at < @until
                OR closed_at >= @from AND closed_at < @until OR merged_at >= @from AND merged_at < @until)`,
  releaseRows: `SELECT substr(published_at, 1, 10) FROM releases
                WHERE repo_id = @repo AND is_draft = 0 AND published_at >= @from AND published_at < @until`,
  // The day of a repo's first event of any kind, as the rows above count them: where its history starts.
  firstEvent: `SELECT substr(MIN(first), 1, 10) FROM (
                 SELECT MIN(committed_at) AS first FROM commits WHERE repo_id = @repo
                 UNION ALL SELECT MIN(MIN(created_at), COALESCE(MIN(CASE is_pull WHEN 0 THEN closed_at END), '99999'),
                                  COALESCE(MIN(CASE is_pull WHEN 1 THEN merged_at END), '99999'))
                   FROM issues WHERE repo_id = @repo
                 UNION ALL SELECT MIN(published_at) FROM releases WHERE repo_id = @repo AND is_draft = 0
               )`,
} as const;

interface Author {
  author_login: string | null;
  author_type: string | null;
  author_email: string | null;
}

/**
 * A project's daily series. `bots`: logins and e-mails whose commits never count. `range`
 * limits what is read to recent days (see SeriesRange); by default everything.
 */
export function loadProjectSeries(db: Db, projectName: string, bots: readonly string[], range: SeriesRange = WHOLE_HISTORY): ProjectSeries {
  const q = statements(db);
  // Every repo that ever belonged to the project: a departed one's history counts on its days.
  const intervals = memberIntervals(db, "repo", projectIdOf(db, projectName));
  const repos = [...intervals.keys()].map((id) => repoById(db, id)).sort((a, b) => a.full_name.localeCompare(b.full_name));
  const from = range.from ?? FIRST;
  const until = range.to ? addDays(range.to, 1) : LAST;
  const repoSeries = repos.map((repo): RepoSeries => {
    const at = { repo: repo.id, from, until };
    return {
      repo,
      sync: q.sync.all({ repo: repo.id }) as RepoSeries["sync"],
      snapshots: q.snapshots.raw().all(at) as [Day, number][],
      firstSnapshot: (q.firstSnapshot.pluck().get({ repo: repo.id }) as Day | null) ?? null,
      starsAdded: q.starsAdded.raw().all(at) as [Day, number][],
      starsBefore: range.starsBefore?.get(repo.id) ?? (q.starsBefore.pluck().get({ repo: repo.id, from }) as number),
      member: intervals.get(repo.id) ?? [],
      events: [],
      firstDays: new Map(),
      contributorDays: new Map(),
      traffic: loadTraffic(db, repo.id),
    };
  });

  const whoOf = identities(bots);
  const byDay = new Map<Day, ActivityRow>();
  const contributors: Contributors = {
    firstDays: new Map(),
    days: new Map(),
    // Commit days of contributors are kept from `activeFrom` on (never before `from`: not read).
    activeFrom: range.activeFrom === null ? null : range.activeFrom > from ? range.activeFrom : from,
  };
  for (const [i, repo] of repos.entries()) {
    const own = repoSeries[i]!;
    const at = { repo: repo.id, from, until };
    const counts = new Map<Day, ActivityRow>();
    countCommits(q.commitRows.raw().all(at) as CommitRow[], counts, whoOf, own, contributors);
    countIssues(q.issueRows.raw().all(at) as IssueRow[], counts, from, until);
    for (const day of q.releaseRows.pluck().all(at) as Day[]) dayRow(counts, day).releases++;
    own.events = [...counts.values()].sort(byDayOrder);
    for (const row of own.events) addRow(byDay, row);
  }
  const events = [...byDay.values()].sort(byDayOrder);
  const contributorDays = new Map<string, Day[]>();
  for (const [who, days] of contributors.days) contributorDays.set(who, [...days].sort());
  const firstDays = contributors.firstDays;
  const packagesFirstDay = packageStatements(db).firstDay.get({ project: projectName }) as Day | null;
  return { repos: repoSeries, events, firstDays, contributorDays, packagesFirstDay };
}

// The counting of a repo's rows, in small functions of one shape each: V8 compiles each once,
// where one large function was compiled again and again on a short run.

type CommitRow = [Day, string | null, string | null, string | null];
type IssueRow = [Day, number, Day | null, Day | null];

/** The project's contributors as commits are read: first days, and commit days from `activeFrom` on. */
interface Contributors {
  firstDays: Map<string, Day>;
  days: Map<string, Set<Day>>;
  activeFrom: Day | null;
}

function dayRow(counts: Map<Day, ActivityRow>, day: Day): ActivityRow {
  let row = counts.get(day);
  if (row === undefined) {
    row = { day, commits: 0, issues_opened: 0, issues_closed: 0, prs_opened: 0, prs_merged: 0, releases: 0 };
    counts.set(day, row);
  }
  return row;
}

function addRow(sums: Map<Day, ActivityRow>, row: ActivityRow): void {
  const sum = dayRow(sums, row.day);
  sum.commits += row.commits;
  sum.issues_opened += row.issues_opened;
  sum.issues_closed += row.issues_closed;
  sum.prs_opened += row.prs_opened;
  sum.prs_merged += row.prs_merged;
  sum.releases += row.releases;
}

/** Rows come by committed_at: a contributor's first row is their first day, their days ascend. */
function countCommits(rows: readonly CommitRow[], counts: Map<Day, ActivityRow>, whoOf: ReturnType<typeof identities>, own: RepoSeries, all: Contributors): void {
  for (const [day, login, type, email] of rows) {
    dayRow(counts, day).commits++;
    const who = whoOf(login, type, email);
    if (who === null) continue;
    if (!own.firstDays.has(who)) own.firstDays.set(who, day);
    const seen = all.firstDays.get(who);
    if (seen === undefined || day < seen) all.firstDays.set(who, day);
    if (all.activeFrom !== null && day >= all.activeFrom) addDay(own, all, who, day);
  }
}

function addDay(own: RepoSeries, all: Contributors, who: string, day: Day): void {
  const mine = own.contributorDays.get(who);
  if (!mine) own.contributorDays.set(who, [day]);
  else if (mine[mine.length - 1] !== day) mine.push(day);
  const days = all.days.get(who);
  if (days) days.add(day);
  else all.days.set(who, new Set([day]));
}

/** An issue counts on the days it was opened, closed (issues) or merged (pull requests) within [from, until). */
function countIssues(rows: readonly IssueRow[], counts: Map<Day, ActivityRow>, from: Day, until: Day): void {
  for (const [created, isPull, closed, merged] of rows) {
    if (created >= from && created < until) {
      const row = dayRow(counts, created);
      if (isPull === 1) row.prs_opened++;
      else row.issues_opened++;
    }
    if (isPull === 0 && closed !== null && closed >= from && closed < until) dayRow(counts, closed).issues_closed++;
    if (isPull === 1 && merged !== null && merged >= from && merged < until) dayRow(counts, merged).prs_merged++;
  }
}

/** Where a repo's history starts: its first event, snapshot and retained star, and its days in the project. */
export interface RepoFirsts {
  firstEvent: Day | null;
  firstSnapshot: Day | null;
  firstStar: Day | null;
  member: MemberInterval[];
}

/**
 * What decides the first day of a project's history, read without its history: per repo that
 * ever belonged, the day of its first event, snapshot and retained star (each one seek or one
 * pass over the repo's own rows), and its packages' first day.
 */
export function loadFirstFacts(db: Db, projectName: string): { repos: RepoFirsts[]; packagesFirstDay: Day | null } {
  const q = statements(db);
  const intervals = memberIntervals(db, "repo", projectIdOf(db, projectName));
  const repos = [...intervals].map(([id, member]) => ({
    firstEvent: (q.firstEvent.pluck().get({ repo: id }) as Day | null) ?? null,
    firstSnapshot: (q.firstSnapshot.pluck().get({ repo: id }) as Day | null) ?? null,
    firstStar: (q.firstStar.pluck().get({ repo: id }) as Day | null) ?? null,
    member,
  }));
  return { repos, packagesFirstDay: packageStatements(db).firstDay.get({ project: projectName }) as Day | null };
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

const byDayOrder = (a: { day: Day }, b: { day: Day }) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0);

const statements = preparedOnce(
  (db) => Object.fromEntries(Object.entries(SERIES_QUERIES).map(([name, sql]) => [name, db.prepare(sql)])) as Record<keyof typeof SERIES_QUERIES, ReturnType<Db["prepare"]>>,
);

/**
 * Who each commit author is (see identity), remembered by login (or e-mail) and asked again
 * only when the type or e-mail differs: a project's commits come from few authors.
 */
function identities(bots: readonly string[]): (login: string | null, type: string | null, email: string | null) => string | null {
  const isBot = botRule(bots);
  const known = new Map<string, { login: string | null; type: string | null; email: string | null; who: string | null }>();
  return (login, type, email) => {
    const primary = login ?? email;
    if (primary === null) return null;
    let seen = known.get(primary);
    if (seen === undefined || seen.login !== login || seen.type !== type || seen.email !== email) {
      seen = { login, type, email, who: identity({ author_login: login, author_type: type, author_email: email }, isBot) };
      known.set(primary, seen);
    }
    return seen.who;
  };
}

/**
 * Each contributor's first commit day in the project up to `to` (bots excluded), its commits
 * read one at a time: what the history holds of who came when, without holding the history.
 */
export function contributorFirstDays(db: Db, projectName: string, bots: readonly string[], to: Day): Map<string, Day> {
  const q = statements(db);
  const whoOf = identities(bots);
  const firsts = new Map<string, Day>();
  for (const id of memberIntervals(db, "repo", projectIdOf(db, projectName)).keys()) {
    const rows = q.commitRows.raw().iterate({ repo: id, from: FIRST, until: addDays(to, 1) }) as Iterable<[Day, string | null, string | null, string | null]>;
    for (const [day, login, type, email] of rows) {
      const who = whoOf(login, type, email);
      if (who === null) continue;
      const seen = firsts.get(who);
      if (seen === undefined || day < seen) firsts.set(who, day);
    }
  }
  return firsts;
}

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
