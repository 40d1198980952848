import { selectProjects } from "../config/projects.js";
import type { Config } from "../config/schema.js";
import { OfflineError, StoppedError, UnavailableError, errorMessage } from "../errors.js";
import { collectorContext } from "../registries/config.js";
import { type HttpClient, withDefaults } from "../registries/http.js";
import { getCollector } from "../registries/index.js";
import type { DailySeries, PackageSnapshot, RegistryCollector, ReleaseAssetSource } from "../registries/types.js";
import { inTransaction, type Db } from "../store/open.js";
import {
  dailyCoverage,
  markPendingDays,
  setPackageStatus,
  syncProjectPackages,
  upsertDailyDownloads,
  upsertPackageSnapshot,
} from "../store/packages.js";
import { ensureProject } from "../store/repos.js";
import { STOPPING, recordTarget, type TargetOutcome } from "../store/runs.js";
import { addDays, dayOf, minDay, type Day } from "../util/time.js";

export interface PackagesDeps {
  db: Db;
  config: Config;
  http: HttpClient;
  /** Release assets, from the GitHub client (github-releases packages). */
  github: ReleaseAssetSource;
  now: Date;
  log?: (line: string) => void;
  /** Once aborted, no further package is started (daemon shutdown). */
  signal?: AbortSignal;
}

export interface PackagesOptions {
  /** collect: today's snapshot and the recent days; backfill: as far back as each registry keeps (or `since`). */
  mode: "collect" | "backfill";
  /** Project names; every project when absent. */
  projects?: string[];
  since?: Day;
  runId?: number;
}

export interface PackageResult {
  /** `registry:name`, as in run_targets. */
  target: string;
  outcome: Extract<TargetOutcome, "ok" | "failed" | "gone" | "skipped">;
  error?: string;
  rowsWritten: number;
  requests: number;
  /** The host name did not resolve: no package after this one is tried. */
  offline?: OfflineError;
}

export interface PackagesSummary {
  packages: PackageResult[];
  requests: number;
  failed: number;
  /** Set when a registry's host name did not resolve: the packages after it were skipped. */
  offline: OfflineError | null;
}

/** The days a collect always covers: the 30-day window of yesterday and today. */
const COLLECT_DAYS = 31;

/**
 * Collects every package of the selected projects: the day's snapshot and the daily series
 * where the registry has one. Registries on different hosts are asked at the same time; the
 * packages of one host one after another (so a host's own pacing, such as crates.io's one
 * request a second, holds). Each package's writes are one short transaction; a failing package
 * is recorded and the others go on.
 */
export async function collectPackages(deps: PackagesDeps, options: PackagesOptions): Promise<PackagesSummary> {
  const { db, now } = deps;
  // A stop signal ends the package's waits and requests in flight, not only the next package.
  if (deps.signal) deps = { ...deps, http: withDefaults(deps.http, { signal: deps.signal }) };
  const projects = selectProjects(deps.config, options.projects);
  const targets = new Map<string, { collector: RegistryCollector; name: string; packageId: number }>();
  inTransaction(db, () => {
    for (const project of projects) {
      const projectId = ensureProject(db, project.name);
      const refs = project.packages.map((pkg) => {
        // The config schema already refused unknown registries and invalid names.
        const collector = getCollector(pkg.registry) as RegistryCollector;
        return { collector, registry: pkg.registry, name: collector.normalizeName(pkg.name) };
      });
      const ids = syncProjectPackages(db, projectId, refs, now);
      refs.forEach((ref, i) => targets.set(`${ref.registry}:${ref.name}`, { ...ref, packageId: ids[i] as number }));
    }
  });

  // Results in the order of the config, whatever order the hosts finish in.
  const results: PackageResult[] = [];
  const startRequests = deps.http.requests;
  let offline: OfflineError | null = null;
  const byHost = new Map<string, number[]>();
  const list = [...targets];
  list.forEach(([, { collector }], index) => {
    const host = hostOf(collector, deps.config);
    byHost.set(host, [...(byHost.get(host) ?? []), index]);
  });
  const collectHost = async (indexes: number[]): Promise<void> => {
    for (const index of indexes) {
      const [target, { collector, name, packageId }] = list[index]!;
      if (deps.signal?.aborted || offline) {
        const error = offline?.message ?? STOPPING;
        if (options.runId !== undefined) recordTarget(db, options.runId, { target, outcome: "skipped", error });
        results[index] = { target, outcome: "skipped", error, rowsWritten: 0, requests: 0 };
        continue;
      }
      const result = await collectOne(deps, options, { target, collector, name, packageId });
      offline ??= result.offline ?? null;
      deps.log?.(`${target}: ${result.outcome}, ${result.rowsWritten} rows, ${result.requests} requests${result.error ? `: ${result.error}` : ""}`);
      results[index] = result;
    }
  };
  await Promise.all([...byHost.values()].map(collectHost));
  return {
    packages: results,
    requests: deps.http.requests - startRequests,
    failed: results.filter((r) => r.outcome === "failed" || r.outcome === "gone").length,
    offline,
  };
}

/** The host a registry's requests go to; GitHub release assets go through the GitHub client. */
function hostOf(collector: RegistryCollector, config: Config): string {
  const settings = config.registries[collector.id];
  return settings ? new URL(settings.baseUrl).host : `github ${config.github.apiUrl}`;
}

async function collectOne(
  deps: PackagesDeps,
  options: PackagesOptions,
  pkg: { target: string; collector: RegistryCollector; name: string; packageId: number },
): Promise<PackageResult> {
  const { db, now } = deps;
  const { collector, name, packageId, target } = pkg;
  // This package's own requests: other hosts' packages are collected at the same time.
  let sent = 0;
  const http = withDefaults(deps.http, { onAttempt: () => sent++ });
  const ctx = collectorContext(collector, deps.config.registries, { ...deps, http });
  const today = dayOf(now);
  try {
    // The config schema checked the name already; checked again here because a URL is built from it.
    const problem = collector.nameProblem(name);
    if (problem) throw new Error(`${target}: ${problem}`);
    // Everything is fetched before anything is written: a response that fails writes nothing.
    const snapshot: PackageSnapshot | null = collector.snapshot ? await collector.snapshot(name, ctx) : null;
    let series: DailySeries | null = null;
    if (collector.history) {
      const from = options.mode === "backfill" ? (options.since ?? addDays(today, -collector.historyDays)) : collectFrom(db, packageId, today);
      series = await collector.history(name, { from, to: today }, ctx);
    }
    const requests = sent;
    const rowsWritten = inTransaction(db, () => {
      let rows = 0;
      if (snapshot) {
        rows++;
        const drop = upsertPackageSnapshot(db, packageId, today, snapshot, now);
        if (drop) deps.log?.(`${target}: total went down from ${drop.previousTotal} (${drop.previousDay}) to ${snapshot.total}`);
      }
      if (series) {
        rows += upsertDailyDownloads(db, packageId, series.days, now);
        markPendingDays(db, packageId, series.from, series.pending, now);
      }
      setPackageStatus(db, packageId, "active", null, now);
      // Rows left out of the answer (days out of range) are named in the run's record.
      const leftOut = series?.leftOut?.length ? { error: series.leftOut.join("; ") } : {};
      if (options.runId !== undefined) recordTarget(db, options.runId, { target, outcome: "ok", requests, ...leftOut });
      return rows;
    });
    return { target, outcome: "ok", rowsWritten, requests };
  } catch (error) {
    const requests = sent;
    const stopped = error instanceof StoppedError || deps.signal?.aborted === true;
    const outcome = stopped ? "skipped" : error instanceof UnavailableError ? "gone" : "failed";
    const message = stopped ? STOPPING : errorMessage(error);
    inTransaction(db, () => {
      if (outcome === "gone") setPackageStatus(db, packageId, "gone", message, now);
      if (options.runId !== undefined) recordTarget(db, options.runId, { target, outcome, error: message, requests });
    });
    return { target, outcome, error: message, rowsWritten: 0, requests, ...(error instanceof OfflineError ? { offline: error } : {}) };
  }
}

/**
 * Where a collect starts: the 30-day window of yesterday (so late corrections are picked up),
 * or earlier when days after the newest stored one or still-pending days lie before it.
 */
function collectFrom(db: Db, packageId: number, today: Day): Day {
  const window = addDays(today, -(COLLECT_DAYS - 1));
  const { latest, earliestPending } = dailyCoverage(db, packageId);
  return minDay(minDay(window, latest === null ? null : addDays(latest, 1)), earliestPending) ?? window;
}
