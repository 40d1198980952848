import type { Day } from "../util/time.js";
import type { Db } from "./open.js";
import { loadTraffic } from "./traffic.js";
import { type MemberInterval, memberIntervals } from "./membership.js";
import { type RepoRow, projectIdOf, repoById } from "./repos.js";
import type { Stream } from "./sync.js";

/**
 * What the evaluator needs of one project, read in one place and handed over as plain data:
 * per repo its row, how far each stream was synced, its star snapshots and retained stars;
 * for the whole project its events per day and the days each contributor committed.
 */
export interface ProjectSeries {
  repos: RepoSeries[];
  /** Events per day over all the project's repos, ascending by day. */
  events: ActivityRow[];
  /** Distinct contributors (bots excluded) with the days they committed, ascending. */
  contributorDays: Map<string, Day[]>;
  /** Complete days of views and clones per repo id; absent when the token may not read them. */
  traffic: Map<number, { views: Map<Day, number>; clones: Map<Day, number> }>;
}

export interface RepoSeries {
  repo: RepoRow;
  sync: { stream: Stream; coveredFrom: string | null; syncedTo: string | null }[];
  /** Stars per day from the daily snapshots, ascending. */
  snapshots: [Day, number][];
  /** Retained stars given on each day (backfilled star history), ascending. */
  starsAdded: [Day, number][];
  /** The days the repo belonged to the project. */
  member: MemberInterval[];
  /** The repo's own events per day, ascending. */
  events: ActivityRow[];
  /** The repo's own contributors (bots excluded) with the days they committed, ascending. */
  contributorDays: Map<string, Day[]>;
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

/** A project's daily series. `bots`: logins and e-mails whose commits never count. */
export function loadProjectSeries(db: Db, projectName: string, bots: readonly string[]): ProjectSeries {
  // Every repo that ever belonged to the project: a departed one's history counts on its days.
  const intervals = memberIntervals(db, "repo", projectIdOf(db, projectName));
  const repos = [...intervals.keys()].map((id) => repoById(db, id)).sort((a, b) => a.full_name.localeCompare(b.full_name));
  const ids = JSON.stringify(repos.map((r) => r.id));
  const syncRows = db.prepare("SELECT stream, covered_from AS coveredFrom, synced_to AS syncedTo FROM sync_state WHERE repo_id = ?");
  const snapRows = db.prepare("SELECT day, stars FROM repo_snapshots WHERE repo_id = ? ORDER BY day").raw();
  const starRows = db.prepare("SELECT day, stars_added FROM star_history WHERE repo_id = ? ORDER BY day").raw();
  const repoSeries = repos.map((repo) => ({
    repo,
    sync: syncRows.all(repo.id) as RepoSeries["sync"],
    snapshots: snapRows.all(repo.id) as [Day, number][],
    starsAdded: starRows.all(repo.id) as [Day, number][],
    member: intervals.get(repo.id) ?? [],
    events: [] as ActivityRow[],
    contributorDays: new Map<string, Day[]>(),
  }));
  const byId = new Map(repoSeries.map((r) => [r.repo.id, r]));

  const events = db
    .prepare(
      `SELECT day, SUM(commits) AS commits, SUM(issues_opened) AS issues_opened, SUM(issues_closed) AS issues_closed,
              SUM(prs_opened) AS prs_opened, SUM(prs_merged) AS prs_merged, SUM(releases) AS releases
       FROM daily_repo_activity WHERE repo_id IN (SELECT value FROM json_each(?)) GROUP BY day ORDER BY day`,
    )
    .all(ids) as ActivityRow[];
  const perRepo = db.prepare(
    `SELECT repo_id, day, commits, issues_opened, issues_closed, prs_opened, prs_merged, releases
     FROM daily_repo_activity WHERE repo_id IN (SELECT value FROM json_each(?)) ORDER BY repo_id, day`,
  );
  for (const { repo_id, ...row } of perRepo.iterate(ids) as Iterable<ActivityRow & { repo_id: number }>) byId.get(repo_id)?.events.push(row);

  // Identity: the GitHub login when the commit is linked to a user, else the lower-cased e-mail.
  const who = db.prepare(
    `SELECT repo_id, COALESCE(author_login, author_email) AS who, substr(committed_at, 1, 10) AS day
     FROM commits
     WHERE repo_id IN (SELECT value FROM json_each(@ids))
       AND COALESCE(author_login, author_email) IS NOT NULL
       AND NOT (COALESCE(author_login, '') LIKE '%[bot]'
             OR COALESCE(author_type, '') = 'Bot'
             OR (author_login IS NULL AND COALESCE(author_email, '') LIKE '%[bot]@users.noreply.github.com')
             OR lower(COALESCE(author_login, '')) IN (SELECT value FROM json_each(@bots))
             OR COALESCE(author_email, '') IN (SELECT value FROM json_each(@bots)))
     GROUP BY repo_id, who, day ORDER BY day`,
  );
  const contributorDays = new Map<string, Day[]>();
  const botList = JSON.stringify(bots.map((b) => b.toLowerCase()));
  for (const row of who.iterate({ ids, bots: botList }) as Iterable<{ repo_id: number; who: string; day: Day }>) {
    const days = contributorDays.get(row.who);
    // Rows come by day: the same day from a second repo is already the last one listed.
    if (!days) contributorDays.set(row.who, [row.day]);
    else if (days[days.length - 1] !== row.day) days.push(row.day);
    const own = byId.get(row.repo_id)!.contributorDays;
    const mine = own.get(row.who);
    if (mine) mine.push(row.day);
    else own.set(row.who, [row.day]);
  }
  const traffic = new Map<number, { views: Map<Day, number>; clones: Map<Day, number> }>();
  for (const r of repos) {
    const t = loadTraffic(db, r.id);
    if (t) traffic.set(r.id, t);
  }
  return { repos: repoSeries, events, contributorDays, traffic };
}
