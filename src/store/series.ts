import type { Day } from "../util/time.js";
import { type ActivityRow, loadDailyActivity } from "./activity.js";
import type { Db } from "./open.js";
import { type RepoRow, projectRepos } from "./repos.js";
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
  /**
   * The first day any of the project's packages had a download or a stated total, or null: a
   * project of packages only has its data there.
   */
  packagesFirstDay: Day | null;
}

export interface RepoSeries {
  repo: RepoRow;
  sync: { stream: Stream; coveredFrom: string | null; syncedTo: string | null }[];
  /** Stars per day from the daily snapshots, ascending. */
  snapshots: [Day, number][];
  /** Retained stars given on each day (backfilled star history), ascending. */
  starsAdded: [Day, number][];
}

export type { ActivityRow };

const PROJECT_PACKAGES = "SELECT pp.package_id FROM project_packages pp JOIN projects j ON j.id = pp.project_id WHERE j.name = @project";

/** A project's daily series. `bots`: logins and e-mails whose commits never count. */
export function loadProjectSeries(db: Db, projectName: string, bots: readonly string[]): ProjectSeries {
  const repos = projectRepos(db, projectName);
  const ids = JSON.stringify(repos.map((r) => r.id));
  const syncRows = db.prepare("SELECT stream, covered_from AS coveredFrom, synced_to AS syncedTo FROM sync_state WHERE repo_id = ?");
  const snapRows = db.prepare("SELECT day, stars FROM repo_snapshots WHERE repo_id = ? ORDER BY day").raw();
  const starRows = db.prepare("SELECT day, stars_added FROM star_history WHERE repo_id = ? ORDER BY day").raw();
  const repoSeries = repos.map((repo) => ({
    repo,
    sync: syncRows.all(repo.id) as RepoSeries["sync"],
    snapshots: snapRows.all(repo.id) as [Day, number][],
    starsAdded: starRows.all(repo.id) as [Day, number][],
  }));

  const events = loadDailyActivity(db, repos.map((r) => r.id));

  // Identity: the GitHub login when the commit is linked to a user, else the lower-cased e-mail.
  const who = db.prepare(
    `SELECT COALESCE(author_login, author_email) AS who, substr(committed_at, 1, 10) AS day
     FROM commits
     WHERE repo_id IN (SELECT value FROM json_each(@ids))
       AND COALESCE(author_login, author_email) IS NOT NULL
       AND NOT (COALESCE(author_login, '') LIKE '%[bot]'
             OR COALESCE(author_type, '') = 'Bot'
             OR (author_login IS NULL AND COALESCE(author_email, '') LIKE '%[bot]@users.noreply.github.com')
             OR lower(COALESCE(author_login, '')) IN (SELECT value FROM json_each(@bots))
             OR COALESCE(author_email, '') IN (SELECT value FROM json_each(@bots)))
     GROUP BY who, day ORDER BY day`,
  );
  const contributorDays = new Map<string, Day[]>();
  const botList = JSON.stringify(bots.map((b) => b.toLowerCase()));
  for (const row of who.iterate({ ids, bots: botList }) as Iterable<{ who: string; day: Day }>) {
    const days = contributorDays.get(row.who);
    if (days) days.push(row.day);
    else contributorDays.set(row.who, [row.day]);
  }
  const packagesFirstDay = db
    .prepare(
      `SELECT MIN(day) FROM (
         SELECT d.day FROM package_downloads d WHERE d.downloads > 0 AND d.package_id IN (${PROJECT_PACKAGES})
         UNION ALL
         SELECT s.day FROM package_snapshots s WHERE s.package_id IN (${PROJECT_PACKAGES}))`,
    )
    .pluck()
    .get({ project: projectName }) as Day | null;
  return { repos: repoSeries, events, contributorDays, packagesFirstDay };
}
