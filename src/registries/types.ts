import type { Day } from "../util/time.js";
import type { HttpClient } from "./http.js";

/**
 * One package registry. A collector reads what the registry says and returns raw values;
 * weights and windows live in the model, never here. A collector implements `history`, `snapshot`
 * or both, whichever the registry offers.
 */
export interface RegistryCollector<Id extends string = string> {
  readonly id: Id;
  /** Human name, for docs and messages. */
  readonly title: string;
  /** How far back `history` reaches, in days; 0 when the registry gives only totals. */
  readonly historyDays: number;
  /** Defaults of this registry's config entry; null when it has none (GitHub release assets use the GitHub client). */
  readonly defaults: RegistryDefaults | null;
  /** Returns what is wrong with a package name for this registry, or null. Called before any URL is built. */
  nameProblem(name: string): string | null;
  /** The registry's canonical form of a valid name (PyPI normalisation, Docker `library/`). */
  normalizeName(name: string): string;
  /**
   * Downloads per day over [from, to] where the registry publishes a daily series. The collector
   * clips `from` to how far back the registry reaches and says so in `from` of the result.
   */
  history?(name: string, range: { from: Day; to: Day }, ctx: CollectorContext): Promise<DailySeries>;
  /** What the registry says today: all-time totals and/or a 30-day figure. */
  snapshot?(name: string, ctx: CollectorContext): Promise<PackageSnapshot>;
}

export interface RegistryDefaults {
  baseUrl: string;
  /** When the registry asks for an identifying User-Agent of its own (crates.io). */
  userAgent?: string;
  /** Minimum time between two requests to the host, when the registry asks for one (crates.io: 1 s). */
  minIntervalMs?: number;
}

export interface DailyDownloads {
  day: Day;
  downloads: number;
}

/**
 * Every day of [from, to] is in exactly one of `days` (published; 0 where the registry omits a
 * day without downloads) or `pending` (not published yet: fetch it again later, never a 0).
 */
export interface DailySeries {
  /** The first day asked for that the registry still keeps (the range's `from`, clipped). */
  from: Day;
  days: DailyDownloads[];
  pending: Day[];
  /** Rows of the answer left out for a day out of range, described for the run's record. */
  leftOut?: string[];
}

export interface PackageSnapshot {
  /** All-time downloads (or pulls) when the registry says it; null when it does not. */
  total: number | null;
  /** Downloads in the 30 days ending on the snapshot day, when the registry says it directly. */
  last30: number | null;
  /** Any other raw counts worth keeping (likes, stars on the registry), by name. */
  extra?: Record<string, number>;
}

export interface ReleaseAsset {
  releaseId: number;
  assetId: number;
  name: string;
  downloadCount: number;
}

/** The part of the GitHub client the release-asset collector needs (the real client implements it). */
export interface ReleaseAssetSource {
  listReleaseAssets(fullName: string): Promise<ReleaseAsset[]>;
}

export interface CollectorContext {
  /** Already carries this registry's User-Agent, timeout and request spacing. */
  http: HttpClient;
  /** Base URL for this registry, from the config (mirrors, tests); no trailing slash. */
  baseUrl: string;
  now: Date;
  github: ReleaseAssetSource;
}
