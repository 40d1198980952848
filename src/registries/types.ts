import type { Day } from "../util/time.js";
import type { HttpClient } from "./http.js";

/**
 * One package registry. A collector reads what the registry says and returns raw values;
 * weights and windows live in the model, never here.
 */
export interface RegistryCollector<Id extends string = string> {
  readonly id: Id;
  /** Human name, for docs and messages. */
  readonly title: string;
  /** How far back `history` reaches, in days; 0 when the registry gives only totals. */
  readonly historyDays: number;
  /** Returns what is wrong with a package name for this registry, or null. Called before any URL is built. */
  nameProblem(name: string): string | null;
  /** The registry's canonical form of a valid name (PyPI normalisation, Docker `library/`). */
  normalizeName(name: string): string;
  /** Downloads per day over [from, to] where the registry publishes a daily series. */
  history?(name: string, range: { from: Day; to: Day }, ctx: CollectorContext): Promise<DailyDownloads[]>;
  /** What the registry says today: all-time totals and/or a 30-day figure. */
  snapshot(name: string, ctx: CollectorContext): Promise<PackageSnapshot>;
}

export interface DailyDownloads {
  day: Day;
  downloads: number;
}

export interface PackageSnapshot {
  /** All-time downloads (or pulls) when the registry says it; null when it does not. */
  total: number | null;
  /** Downloads in the 30 days ending on the snapshot day, when the registry says it directly. */
  last30: number | null;
  /** Any other raw counts worth keeping (likes, stars on the registry), by name. */
  extra?: Record<string, number>;
}

export interface CollectorContext {
  http: HttpClient;
  /** Base URL for this registry, from the config (mirrors, tests). */
  baseUrl: string;
  now: Date;
}
