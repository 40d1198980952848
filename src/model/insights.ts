import type { ModelConfig } from "../config/schema.js";
import { type Day, addDays } from "../util/time.js";
import { EVENT_KINDS, type EventCounts, type EventKind } from "./score.js";

/**
 * What moved a score, against whom, and after which decision: pure arithmetic over stored
 * scores and their inputs. Nothing here reads the database or the clock.
 */

/** One stored score: f and its unweighted parts B, C, D with their inputs A, N, U. */
export interface ScorePoint {
  project: string;
  day: Day;
  f: number | null;
  b: number | null;
  c: number | null;
  d: number | null;
  a: number | null;
  n: number | null;
  u: number | null;
  /** What was unknown that day, named; empty when the day is complete. */
  missing: string[];
}

export interface Change {
  from: number | null;
  to: number | null;
  /** to − from; null when either side is unknown (never taken as zero). */
  change: number | null;
}

export interface PartChange extends Change {
  /** This part's change over the change of f; null when f's change is unknown or 0. */
  share: number | null;
}

export type PartName = "b" | "c" | "d";
export const PARTS: readonly PartName[] = ["b", "c", "d"];

/** α·B, β·C or γ·D of a point: the part as it adds up to f. */
export function weightedPart(model: Pick<ModelConfig, "alpha" | "beta" | "gamma">, point: ScorePoint, part: PartName): number | null {
  const value = point[part];
  if (value === null) return null;
  return (part === "b" ? model.alpha : part === "c" ? model.beta : model.gamma) * value;
}

export function change(from: number | null, to: number | null): Change {
  return { from, to, change: from === null || to === null ? null : to - from };
}

/**
 * Δf between two days split into α·ΔB + β·ΔC + γ·ΔD. Because f = α·B + β·C + γ·D on each day,
 * the three changes add up to Δf (to floating-point rounding).
 */
export function splitChange(model: ModelConfig, from: ScorePoint, to: ScorePoint): { f: Change; parts: Record<PartName, PartChange> } {
  const f = change(from.f, to.f);
  const parts = {} as Record<PartName, PartChange>;
  for (const part of PARTS) {
    const c = change(weightedPart(model, from, part), weightedPart(model, to, part));
    parts[part] = { ...c, share: c.change === null || f.change === null || f.change === 0 ? null : c.change / f.change };
  }
  return { f, parts };
}

// ------------------------------------------------------------------------------------------
// Within each part

export interface RepoEvents {
  repo: string;
  counts: EventCounts;
}

export interface KindChange extends Change {
  kind: EventKind;
  /** The change in A it makes: the change in count times the kind's weight. */
  weighted: number | null;
}

export interface NamedChange extends Change {
  name: string;
}

/**
 * A's change by kind and by repo, from the events in the window ending on each day. The
 * weighted changes by kind, and the changes by repo, each add up to ΔA when both days are known.
 * B = k·ln(1 + A) is not linear, so ΔB itself is not split further.
 */
export function activityChange(
  model: ModelConfig,
  from: RepoEvents[] | null,
  to: RepoEvents[] | null,
): { byKind: KindChange[]; byRepo: NamedChange[] } {
  const total = (rows: RepoEvents[] | null, kind: EventKind) => (rows === null ? null : rows.reduce((sum, r) => sum + r.counts[kind], 0));
  const byKind = EVENT_KINDS.map((kind) => {
    const c = change(total(from, kind), total(to, kind));
    return { kind, ...c, weighted: c.change === null ? null : c.change * model.events[kind] };
  });
  const weighted = (counts: EventCounts) => EVENT_KINDS.reduce((sum, kind) => sum + model.events[kind] * counts[kind], 0);
  const repos = [...new Set([...(from ?? []), ...(to ?? [])].map((r) => r.repo))].sort();
  const valueOf = (rows: RepoEvents[] | null, repo: string) => {
    if (rows === null) return null;
    const row = rows.find((r) => r.repo === repo);
    return row ? weighted(row.counts) : 0;
  };
  return { byKind, byRepo: repos.map((repo) => ({ name: repo, ...change(valueOf(from, repo), valueOf(to, repo)) })) };
}

/** A contributor's first commit in one repo of the project. */
export interface FirstCommit {
  who: string;
  repo: string;
  day: Day;
}

/**
 * People whose first commit in the project fell after `from` and on or before `to`, counted
 * under the repo of that first commit (the first repo by name when several share the day).
 * Under the cumulative contributor model, their number is exactly N(to) − N(from).
 * `firstDays` holds each counted person (bots already left out) with their first day.
 */
export function newContributorsByRepo(firstDays: ReadonlyMap<string, Day>, commits: readonly FirstCommit[], from: Day, to: Day): NamedCount[] {
  const repoOf = new Map<string, FirstCommit>();
  for (const c of commits) {
    const best = repoOf.get(c.who);
    if (!best || c.day < best.day || (c.day === best.day && c.repo < best.repo)) repoOf.set(c.who, c);
  }
  const counts = new Map<string, number>();
  for (const [who, day] of firstDays) {
    if (day <= from || day > to) continue;
    const repo = repoOf.get(who)?.repo ?? "(unknown repo)";
    counts.set(repo, (counts.get(repo) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

export interface NamedCount {
  name: string;
  count: number;
}

/** Changes of named values (stars by repo, 30-day downloads by package); null where unknown. */
export function namedChanges(from: ReadonlyMap<string, number | null>, to: ReadonlyMap<string, number | null>): NamedChange[] {
  const names = [...new Set([...from.keys(), ...to.keys()])].sort();
  return names.map((name) => ({ name, ...change(from.get(name) ?? null, to.get(name) ?? null) }));
}

// ------------------------------------------------------------------------------------------
// A group of projects, day by day

export const GROWTH_HORIZONS = [7, 30, 90] as const;

export interface RankRow {
  day: Day;
  project: string;
  f: number | null;
  /**
   * 1 + the number of projects of the group with a higher f that day ("1224" ranking: equal
   * scores share the better rank, the next rank is skipped). Null when f is unknown; only
   * projects with a known f are ranked.
   */
  rank: number | null;
  /** Share of the group's total; null when any project of the group is unknown that day. */
  shareF: number | null;
  shareN: number | null;
  shareU: number | null;
  /** (f(d) − f(d − h)) / f(d − h) for h = 7, 30, 90; null when either is unknown or f(d − h) = 0. */
  growth7: number | null;
  growth30: number | null;
  growth90: number | null;
}

export interface Overtake {
  day: Day;
  project: string;
  overtook: string;
  f: number;
  otherF: number;
}

/**
 * Ranks, shares and growth per day over [from, to], and the days when one project overtook
 * another. `points` may reach back before `from` (growth needs 90 days before, an overtake the
 * last order before). The group on a day is the projects with a score row that day.
 */
export function compareGroup(points: readonly ScorePoint[], from: Day, to: Day): { rows: RankRow[]; overtakes: Overtake[] } {
  const byDay = new Map<Day, ScorePoint[]>();
  const byKey = new Map<string, ScorePoint>();
  for (const p of points) {
    const list = byDay.get(p.day);
    if (list) list.push(p);
    else byDay.set(p.day, [p]);
    byKey.set(`${p.project}\0${p.day}`, p);
  }
  const days = [...byDay.keys()].sort();
  const rows: RankRow[] = [];
  const overtakes: Overtake[] = [];
  // The last strict order of each pair of projects: key "a\0b" (a < b), value true when a led.
  const lastOrder = new Map<string, boolean>();
  const growth = (p: ScorePoint, h: number) => {
    const before = byKey.get(`${p.project}\0${addDays(p.day, -h)}`);
    if (!before || before.f === null || p.f === null || before.f === 0) return null;
    return (p.f - before.f) / before.f;
  };
  for (const day of days) {
    const group = byDay.get(day)!.sort((a, b) => a.project.localeCompare(b.project));
    const inRange = day >= from && day <= to;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i]!;
        const b = group[j]!;
        if (a.f === null || b.f === null || a.f === b.f) continue;
        const key = `${a.project}\0${b.project}`;
        const aLeads = a.f > b.f;
        const before = lastOrder.get(key);
        lastOrder.set(key, aLeads);
        if (before === undefined || before === aLeads || !inRange) continue;
        const [winner, loser] = aLeads ? [a, b] : [b, a];
        overtakes.push({ day, project: winner.project, overtook: loser.project, f: winner.f!, otherF: loser.f! });
      }
    }
    if (!inRange) continue;
    const share = (pick: (p: ScorePoint) => number | null) => {
      const values = group.map(pick);
      if (values.some((v) => v === null)) return () => null;
      const total = (values as number[]).reduce((s, v) => s + v, 0);
      return (p: ScorePoint) => (total === 0 ? null : pick(p)! / total);
    };
    const [sf, sn, su] = [share((p) => p.f), share((p) => p.n), share((p) => p.u)];
    for (const p of group) {
      rows.push({
        day,
        project: p.project,
        f: p.f,
        rank: p.f === null ? null : 1 + group.filter((q) => q.f !== null && q.f > p.f!).length,
        shareF: sf(p),
        shareN: sn(p),
        shareU: su(p),
        growth7: growth(p, 7),
        growth30: growth(p, 30),
        growth90: growth(p, 90),
      });
    }
  }
  overtakes.sort((a, b) => a.day.localeCompare(b.day) || a.project.localeCompare(b.project) || a.overtook.localeCompare(b.overtook));
  return { rows, overtakes };
}

// ------------------------------------------------------------------------------------------
// Before and after a decision

export interface Trend {
  from: Day;
  to: Day;
  /** Days in the span, and how many of them were complete (the slopes use those only). */
  days: number;
  complete: number;
  /** Least-squares slope per day of f and of each weighted part; null with fewer than 2 complete days. */
  slope: { f: number | null } & Record<PartName, number | null>;
}

export interface EventComparison {
  day: Day;
  window: number;
  before: Trend;
  after: Trend;
  /** after − before, per slope. */
  difference: { f: number | null } & Record<PartName, number | null>;
}

/**
 * Compares the trend of the `window` days before a decision (day − window … day − 1) with the
 * `window` days from it (day … day + window − 1). A day counts when its score is complete; the
 * slope is fitted on those days only, by least squares with x in days. The slopes of α·B, β·C
 * and γ·D add up to the slope of f, since each is fitted on the same days.
 */
export function compareAroundEvent(model: ModelConfig, points: readonly ScorePoint[], day: Day, window: number): EventComparison {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const trend = (from: Day, to: Day): Trend => {
    const xs: number[] = [];
    const complete: ScorePoint[] = [];
    for (let i = 0, d = from; d <= to; i++, d = addDays(d, 1)) {
      const p = byDay.get(d);
      if (p && p.f !== null && p.missing.length === 0) {
        xs.push(i);
        complete.push(p);
      }
    }
    const fit = (ys: (number | null)[]) => slope(xs, ys as number[]);
    return {
      from,
      to,
      days: window,
      complete: complete.length,
      slope: {
        f: fit(complete.map((p) => p.f)),
        b: fit(complete.map((p) => weightedPart(model, p, "b"))),
        c: fit(complete.map((p) => weightedPart(model, p, "c"))),
        d: fit(complete.map((p) => weightedPart(model, p, "d"))),
      },
    };
  };
  const before = trend(addDays(day, -window), addDays(day, -1));
  const after = trend(day, addDays(day, window - 1));
  const diff = (k: "f" | PartName) => (before.slope[k] === null || after.slope[k] === null ? null : after.slope[k]! - before.slope[k]!);
  return { day, window, before, after, difference: { f: diff("f"), b: diff("b"), c: diff("c"), d: diff("d") } };
}

/** The least-squares slope of y on x; null with fewer than two points. */
export function slope(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}
