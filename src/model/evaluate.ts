import type { ModelConfig } from "../config/schema.js";
import { BEGINNING, type Day, addDays, dayRange } from "../util/time.js";
import { type EventCounts, type Score, scoreDay, weightedEvents, windowSums } from "./score.js";

/**
 * Evaluates a model over one project's daily series, handed in as plain data (the evaluator
 * reads no database). Each input knows on which days it is complete; a day where one is not
 * gets that part null and the reason named.
 */

export interface StreamCoverage {
  from: Day | null;
  to: Day | null;
}

export interface RepoData {
  /** `owner/repo`, to name what is missing. */
  name: string;
  createdDay: Day | null;
  /** The day the repo was found deleted or blocked: nothing of it counts from then on. */
  goneDay: Day | null;
  /** Per stream, the days it is complete over. */
  streams: Record<"commits" | "issues" | "releases" | "stars", StreamCoverage>;
  snapshots: Map<Day, number>;
  firstSnapshot: Day | null;
  /** Retained stars given on each day (backfilled star history). */
  starsAdded: [Day, number][];
  /**
   * The days the repo belongs to the project (absent: every day). On other days nothing of it
   * counts, and its coverage is not asked for.
   */
  member?: MemberInterval[];
  /**
   * Views and clones on each complete day (traffic, kept past GitHub's 14 days); null when the
   * token may not read them (not the project's own repo): then they count for nothing.
   */
  traffic?: { views: Map<Day, number>; clones: Map<Day, number> } | null;
  /** The repo's own events and contributors: needed when membership changes within the days scored. */
  events?: Map<Day, EventCounts>;
  contributorDays?: Map<string, Day[]>;
}

/** A member's days: from <= day < to (to null: still a member). */
export interface MemberInterval {
  from: Day;
  to: Day | null;
}

export interface ProjectData {
  name: string;
  repos: RepoData[];
  events: Map<Day, EventCounts>;
  /** Distinct contributors (bots excluded) with the days they committed. */
  contributorDays: Map<string, Day[]>;
  firstDay: Day | null;
}

/** The 30-day downloads of one package on each evaluated day (null: unknown). */
export interface PackageDownloads {
  label: string;
  values: (number | null)[];
  /** The days the package belongs to the project (absent: every day). */
  member?: MemberInterval[];
}

/**
 * The first day anything is known of the project: its first event, snapshot and retained star,
 * of a repo that belonged to it then (a repo that joined late counts from the day it joined);
 * with none of those (a project of packages only, or whose repos have no data yet), its
 * packages' first download or stated total. Days before a project's repos are known would have
 * every repo part missing, so packages do not move a repo-backed project's first day back.
 */
export function firstDayOf(repos: readonly RepoData[], events: ReadonlyMap<Day, EventCounts>, packagesFirstDay: Day | null = null): Day | null {
  const perRepo = repos.length > 0 && repos.every((r) => r.events);
  const firsts = repos.map((r) => ({
    firstEvent: perRepo ? earliest(r.events!.keys()) : null,
    firstSnapshot: r.firstSnapshot,
    firstStar: r.starsAdded.find(([, n]) => n > 0)?.[0] ?? null,
    ...(r.member ? { member: r.member } : {}),
  }));
  return firstDayFrom(firsts, perRepo ? null : earliest(events.keys()), packagesFirstDay);
}

/** Where one repo's history starts (see firstDayOf). */
export interface RepoFirsts {
  firstEvent: Day | null;
  firstSnapshot: Day | null;
  firstStar: Day | null;
  member?: readonly MemberInterval[];
}

/** firstDayOf from each repo's first days, read without the history; `projectFirstEvent`: the first event of repos not told apart. */
export function firstDayFrom(repos: readonly RepoFirsts[], projectFirstEvent: Day | null, packagesFirstDay: Day | null): Day | null {
  let result: Day | null = projectFirstEvent;
  for (const r of repos) {
    let first = earliest([r.firstEvent, r.firstSnapshot, r.firstStar].filter((d): d is Day => d !== null));
    if (first === null) continue;
    const joined = r.member ? earliest(r.member.map((iv) => iv.from)) : null;
    if (r.member && joined === null) continue;
    if (joined !== null && joined > first) first = joined;
    if (result === null || first < result) result = first;
  }
  return result ?? packagesFirstDay;
}

function earliest(days: Iterable<Day>): Day | null {
  let first: Day | null = null;
  for (const d of days) if (first === null || d < first) first = d;
  return first;
}

/**
 * Scores every day from `from` to `to` (inclusive) for one model. A, N and U of a day count only
 * the repos and packages that belong to the project that day: the days are cut where membership
 * changes, and each stretch is scored over its own members (contributors deduplicated across them).
 */
export function evaluate(data: ProjectData, model: ModelConfig, from: Day, to: Day, downloads: readonly PackageDownloads[] = []): Score[] {
  const cuts = new Set<Day>();
  for (const m of [...data.repos.map((r) => r.member), ...downloads.map((p) => p.member)]) {
    for (const iv of m ?? []) {
      for (const edge of [iv.from, iv.to]) if (edge !== null && edge > from && edge <= to) cuts.add(edge);
    }
  }
  const starts = [from, ...[...cuts].sort()];
  const everyDay = dayRange(from, to);
  const scores: Score[] = [];
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? addDays(starts[k + 1]!, -1) : to;
    const repos = data.repos.filter((r) => isMember(r.member, start));
    const whole = repos.length === data.repos.length;
    const part: ProjectData = whole
      ? data
      : { name: data.name, repos, events: mergeEvents(repos), contributorDays: mergeContributors(repos), firstDay: data.firstDay };
    const offset = everyDay.indexOf(start);
    const length = dayRange(start, end).length;
    const packages = downloads
      .filter((p) => isMember(p.member, start))
      .map((p) => ({ label: p.label, values: p.values.slice(offset, offset + length) }));
    scores.push(...evaluateSpan(part, model, start, end, packages));
  });
  return scores;
}

export function isMember(member: readonly MemberInterval[] | undefined, day: Day): boolean {
  return !member || member.some((iv) => iv.from <= day && (iv.to === null || day < iv.to));
}

function mergeEvents(repos: readonly RepoData[]): Map<Day, EventCounts> {
  const out = new Map<Day, EventCounts>();
  for (const r of repos) {
    if (!r.events) throw new Error(`evaluate: the events of ${r.name} are needed when membership changes`);
    for (const [day, c] of r.events) {
      const sum = out.get(day);
      if (!sum) out.set(day, { ...c });
      else for (const kind of Object.keys(c) as (keyof EventCounts)[]) sum[kind] += c[kind];
    }
  }
  return out;
}

function mergeContributors(repos: readonly RepoData[]): Map<string, Day[]> {
  const sets = new Map<string, Set<Day>>();
  for (const r of repos) {
    if (!r.contributorDays) throw new Error(`evaluate: the contributors of ${r.name} are needed when membership changes`);
    for (const [who, days] of r.contributorDays) {
      const set = sets.get(who) ?? new Set<Day>();
      for (const d of days) set.add(d);
      sets.set(who, set);
    }
  }
  return new Map([...sets].map(([who, days]) => [who, [...days].sort()]));
}

function evaluateSpan(data: ProjectData, model: ModelConfig, from: Day, to: Day, downloads: readonly PackageDownloads[]): Score[] {
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
        if (!covers(r, stream, windowStart, day)) missing.push(`${stream}:${r.name}`);
      }
    }
    const activity = missing.length === 0 ? windowed[i]! : null;

    // Cumulative N needs each repo's whole history: a repo can be created by pushing years of it.
    const contributorProblems: string[] = [];
    for (const r of data.repos) {
      const needFrom = model.contributors === "cumulative" ? BEGINNING : windowStart;
      if (!covers(r, "commits", needFrom, day)) contributorProblems.push(`contributors:${r.name}`);
    }
    missing.push(...contributorProblems);
    const contributorCount = contributorProblems.length === 0 ? contributors[i]! : null;

    // A part weighed 0 needs no data: its inputs are not asked for.
    let users: number | null = 0;
    for (const r of data.repos) {
      if (model.users.stars === 0) break;
      const stars = starsOn(r, retained.get(r)!, day);
      if (stars === null) {
        missing.push(`stars:${r.name}`);
        users = null;
      } else if (users !== null) users += model.users.stars * stars;
    }
    for (const kind of ["views", "clones"] as const) {
      if (model.users[kind] === 0) continue;
      for (const r of data.repos) {
        const sum = trafficSum(r, kind, day);
        if (sum === null) {
          missing.push(`${kind}:${r.name}`);
          users = null;
        } else if (users !== null) users += model.users[kind] * sum;
      }
    }
    for (const pkg of downloads) {
      if (model.users.downloads === 0) break;
      const value = pkg.values[i];
      if (value === null || value === undefined) {
        missing.push(`downloads:${pkg.label}`);
        users = null;
      } else if (users !== null) users += model.users.downloads * value;
    }
    return scoreDay(model, day, { activity, contributors: contributorCount, users, missing });
  });
}

/** Days in the traffic window: GitHub's own 14 days, so one collect covers a whole window. */
export const TRAFFIC_WINDOW = 14;

/**
 * Views (or clones) in the 14 days ending on the day: 0 for a repo whose traffic the token may
 * not read, or on days before the repo existed or after it was gone; null when a day is unknown.
 */
function trafficSum(r: RepoData, kind: "views" | "clones", day: Day): number | null {
  if (r.traffic === null) return 0;
  let sum = 0;
  for (let i = 0; i < TRAFFIC_WINDOW; i++) {
    const d = addDays(day, -i);
    if ((r.createdDay && d < r.createdDay) || (r.goneDay !== null && d >= r.goneDay)) continue;
    const n = r.traffic?.[kind].get(d);
    if (n === undefined) return null;
    sum += n;
  }
  return sum;
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

