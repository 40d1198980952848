import type { Config, ModelConfig } from "../config/schema.js";
import { loadDailyActivity } from "../store/activity.js";
import type { Db } from "../store/open.js";
import type { RepoRow } from "../store/repos.js";
import { BEGINNING } from "../store/sync.js";
import { type Day, addDays, dayOf, dayRange } from "../util/time.js";
import { EVENT_KINDS, type EventCounts, type Score, scoreDay, weightedEvents, windowSums } from "./score.js";

/**
 * Loads one project's daily series from the database and evaluates a model over them.
 * Each input knows on which days it is complete; a day where one is not gets that part
 * null and the reason named.
 */

export interface Downloads30 {
  /** For each package of the project: its label and, per day, the 30-day downloads or null. */
  (projectName: string, days: Day[]): { label: string; values: (number | null)[] }[];
}

interface StreamCoverage {
  from: Day | null;
  to: Day | null;
}

interface RepoData {
  repo: RepoRow;
  createdDay: Day | null;
  /** The day the repo was found deleted or blocked: nothing of it counts from then on. */
  goneDay: Day | null;
  streams: Record<"commits" | "issues" | "releases" | "stars", StreamCoverage>;
  snapshots: Map<Day, number>;
  firstSnapshot: Day | null;
  /** Retained stars given on each day (backfilled star history). */
  starsAdded: [Day, number][];
}

export interface ProjectData {
  name: string;
  repos: RepoData[];
  events: Map<Day, EventCounts>;
  /** Distinct contributors (bots excluded) with the days they committed. */
  contributorDays: Map<string, Day[]>;
  firstDay: Day | null;
}

export function loadProject(db: Db, config: Config, projectName: string): ProjectData {
  const repos = db
    .prepare(
      `SELECT r.* FROM repos r JOIN project_repos pr ON pr.repo_id = r.id JOIN projects p ON p.id = pr.project_id
       WHERE p.name = ? ORDER BY r.full_name`,
    )
    .all(projectName) as RepoRow[];
  const ids = JSON.stringify(repos.map((r) => r.id));
  const syncRows = db.prepare("SELECT stream, covered_from, synced_to FROM sync_state WHERE repo_id = ?");
  const snapRows = db.prepare("SELECT day, stars FROM repo_snapshots WHERE repo_id = ? ORDER BY day");
  const starRows = db.prepare("SELECT day, stars_added FROM star_history WHERE repo_id = ? ORDER BY day");
  const repoData: RepoData[] = repos.map((repo) => {
    const streams: RepoData["streams"] = {
      commits: { from: null, to: null },
      issues: { from: null, to: null },
      releases: { from: null, to: null },
      stars: { from: null, to: null },
    };
    for (const row of syncRows.all(repo.id) as { stream: keyof RepoData["streams"]; covered_from: string | null; synced_to: string | null }[]) {
      // Synced up to an instant: the days before that instant's day are complete, that day is not.
      streams[row.stream] = { from: row.covered_from, to: row.synced_to ? addDays(dayOf(row.synced_to), -1) : null };
    }
    const snapshots = new Map((snapRows.all(repo.id) as { day: Day; stars: number }[]).map((r) => [r.day, r.stars]));
    return {
      repo,
      createdDay: repo.created_at ? dayOf(repo.created_at) : null,
      goneDay: (repo.status === "gone" || repo.status === "blocked") && repo.status_at ? dayOf(repo.status_at) : null,
      streams,
      snapshots,
      firstSnapshot: snapshots.size > 0 ? [...snapshots.keys()][0]! : null,
      starsAdded: (starRows.all(repo.id) as { day: Day; stars_added: number }[]).map((r) => [r.day, r.stars_added]),
    };
  });

  const events = loadDailyActivity(db, repos.map((r) => r.id));

  // Identity: the GitHub login when the commit is linked to a user, else the lower-cased e-mail.
  const bots = JSON.stringify(config.bots.map((b) => b.toLowerCase()));
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
  for (const row of who.iterate({ ids, bots }) as Iterable<{ who: string; day: Day }>) {
    const days = contributorDays.get(row.who);
    if (days) days.push(row.day);
    else contributorDays.set(row.who, [row.day]);
  }

  const firsts: Day[] = [];
  const firstEvent = [...events.keys()][0];
  if (firstEvent) firsts.push(firstEvent);
  for (const r of repoData) {
    if (r.firstSnapshot) firsts.push(r.firstSnapshot);
    const firstStar = r.starsAdded.find(([, n]) => n > 0);
    if (firstStar) firsts.push(firstStar[0]);
  }
  firsts.sort();
  return { name: projectName, repos: repoData, events, contributorDays, firstDay: firsts[0] ?? null };
}

/** Scores every day from `from` to `to` (inclusive) for one model. */
export function evaluate(data: ProjectData, model: ModelConfig, from: Day, to: Day, downloads: { label: string; values: (number | null)[] }[] = []): Score[] {
  const days = dayRange(from, to);
  const W = model.window;
  // Weighted events per day from W-1 days before `from`, so the first window is whole.
  const lead = dayRange(addDays(from, -(W - 1)), to);
  const weighted = lead.map((d) => {
    const counts = data.events.get(d);
    return counts ? weightedEvents(model, counts) : 0;
  });
  const windowed = windowSums(weighted, W).slice(W - 1);
  const contributors = model.contributors === "cumulative" ? cumulativeContributors(data, days) : activeContributors(data, lead, W).slice(W - 1);
  const retained = new Map(data.repos.map((r) => [r, retainedStars(r.starsAdded)]));

  return days.map((day, i) => {
    const missing: string[] = [];
    const windowStart = addDays(day, -(W - 1));
    for (const r of data.repos) {
      for (const stream of ["commits", "issues", "releases"] as const) {
        if (!covers(r, stream, windowStart, day)) missing.push(`${stream}:${r.repo.full_name}`);
      }
    }
    const activity = missing.length === 0 ? windowed[i]! : null;

    // Cumulative N needs each repo's whole history: a repo can be created by pushing years of it.
    const contributorProblems: string[] = [];
    for (const r of data.repos) {
      const needFrom = model.contributors === "cumulative" ? BEGINNING : windowStart;
      if (!covers(r, "commits", needFrom, day)) contributorProblems.push(`contributors:${r.repo.full_name}`);
    }
    missing.push(...contributorProblems);
    const contributorCount = contributorProblems.length === 0 ? contributors[i]! : null;

    let users: number | null = 0;
    for (const r of data.repos) {
      const stars = starsOn(r, retained.get(r)!, day);
      if (stars === null) {
        missing.push(`stars:${r.repo.full_name}`);
        users = null;
      } else if (users !== null) users += model.users.stars * stars;
    }
    for (const pkg of downloads) {
      const value = pkg.values[i];
      if (value === null || value === undefined) {
        missing.push(`downloads:${pkg.label}`);
        users = null;
      } else if (users !== null) users += model.users.downloads * value;
    }
    return scoreDay(model, day, { activity, contributors: contributorCount, users, missing });
  });
}

/**
 * A stream is complete over [from, to] when collected from `from` or earlier and synced past
 * the end of `to`. Issues and releases cannot predate the repository; commits can (history
 * pushed into a new repository), so for them only a whole-history crawl covers the past.
 */
function covers(r: RepoData, stream: keyof RepoData["streams"], from: Day, to: Day): boolean {
  if (r.createdDay && to < r.createdDay && stream !== "commits") return true;
  const start = stream !== "commits" && r.createdDay && r.createdDay > from ? r.createdDay : from;
  const cov = r.streams[stream];
  if (cov.from === null || cov.from > start) return false;
  // A repo found deleted or blocked has no activity to see from that day: only the days before
  // it need to have been synced.
  const end = r.goneDay !== null && to >= r.goneDay ? addDays(r.goneDay, -1) : to;
  return cov.to !== null && cov.to >= end;
}

/**
 * Stars on a day: the day's snapshot when there is one; before tracking started, the retained
 * stars from the backfilled star history; otherwise unknown.
 */
function starsOn(r: RepoData, retained: RetainedStars, day: Day): number | null {
  if (r.createdDay && day < r.createdDay) return 0;
  if (r.goneDay !== null && day >= r.goneDay) return 0;
  const snap = r.snapshots.get(day);
  if (snap !== undefined) return snap;
  const history = r.streams.stars;
  if (history.from === null || history.to === null || day > history.to) return null;
  if (r.firstSnapshot !== null && day >= r.firstSnapshot) return null;
  return retained.upTo(day);
}

/** Retained stars given up to a day: running totals searched by day, not re-summed for every day. */
interface RetainedStars {
  upTo(day: Day): number;
}

function retainedStars(starsAdded: readonly [Day, number][]): RetainedStars {
  const days = starsAdded.map(([d]) => d);
  const totals: number[] = [];
  let running = 0;
  for (const [, n] of starsAdded) totals.push((running += n));
  return {
    upTo(day) {
      // The last index whose day is <= day.
      let lo = 0;
      let hi = days.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (days[mid]! <= day) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? 0 : totals[lo - 1]!;
    },
  };
}

function cumulativeContributors(data: ProjectData, days: Day[]): number[] {
  const firstDays = [...data.contributorDays.values()].map((d) => d[0]!).sort();
  const out: number[] = [];
  let j = 0;
  for (const day of days) {
    while (j < firstDays.length && firstDays[j]! <= day) j++;
    out.push(j);
  }
  return out;
}

/** Distinct contributors with a commit in the W days ending on each day (a sliding multiset). */
function activeContributors(data: ProjectData, days: Day[], W: number): number[] {
  const byDay = new Map<Day, string[]>();
  for (const [who, list] of data.contributorDays) {
    for (const d of list) {
      const arr = byDay.get(d);
      if (arr) arr.push(who);
      else byDay.set(d, [who]);
    }
  }
  const live = new Map<string, number>();
  const out: number[] = [];
  days.forEach((day, i) => {
    for (const who of byDay.get(day) ?? []) live.set(who, (live.get(who) ?? 0) + 1);
    if (i >= W) {
      for (const who of byDay.get(days[i - W]!) ?? []) {
        const n = (live.get(who) ?? 1) - 1;
        if (n === 0) live.delete(who);
        else live.set(who, n);
      }
    }
    out.push(live.size);
  });
  return out;
}

