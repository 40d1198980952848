import { AuthError, OfflineError, StoppedError, UnavailableError, errorMessage } from "../errors.js";
import type { Usage } from "../github/accounting.js";
import { saveRateBudgets } from "../store/rate-limits.js";
import { type RepoRow, setRepoStatus } from "../store/repos.js";
import { type RunKind, type RunStatus, STOPPING, type TargetResult, finishRun, recordTarget, startRun } from "../store/runs.js";
import { forEachLimit } from "../util/pool.js";
import { type JobContext, packageDeps } from "./context.js";
import { type PackageResult, type PackagesOptions, collectPackages } from "./packages.js";

/** What a collect or a backfill reports: its run, how it ended, and each target's outcome. */
export interface RunSummary {
  runId: number;
  status: RunStatus;
  targets: TargetResult[];
  requests: number;
  points: number;
}

export interface RunPlan {
  kind: Extract<RunKind, "collect" | "backfill">;
  trigger: string;
  now: Date;
  repos: readonly RepoRow[];
  /** Work before the first repo, once the run is recorded. */
  prepare?: () => Promise<void>;
  /** How many repos are worked on at once. */
  concurrency: number;
  /** One repo's work; it throws to fail that repo only (an AuthError stops the whole run). */
  repoWork: (repo: RepoRow) => Promise<void>;
  /** The registry packages to collect after the repos; null for none. */
  packages: Omit<PackagesOptions, "runId"> | null;
  onPackage?: (result: PackageResult) => void;
}

/**
 * The one run routine of collect and backfill: it records the run, each target's outcome as it
 * ends, and the run's status when all have ended. A failing target is recorded and the others go
 * on; a rejected token stops the run (failed); a host name that does not resolve stops it too
 * (failed), and is thrown once the run is recorded, so the command says so in one line; a stop
 * signal starts no new target, and a run stopped before its targets were all done is recorded as
 * interrupted.
 */
export async function runTargets(ctx: JobContext, plan: RunPlan): Promise<RunSummary> {
  const { db, github, log } = ctx;
  const { now } = plan;
  const runId = startRun(db, plan.kind, plan.trigger, now);
  const before = { ...github.accounting.total };
  try {
    await github.stoppable(ctx.signal, async () => plan.prepare?.());
  } catch (error) {
    // Stopped while preparing: every target is then skipped below, and the run is interrupted.
    if (!(error instanceof StoppedError)) throw error;
  }
  const targets: TargetResult[] = [];
  let fatal: string | null = null;
  let offline: OfflineError | null = null;
  const record = (result: TargetResult): void => {
    recordTarget(db, runId, result);
    targets.push(result);
  };

  await forEachLimit(plan.repos, plan.concurrency, async (repo) => {
    if (fatal !== null || ctx.signal?.aborted) {
      record({ target: repo.full_name, outcome: "skipped", error: fatal ?? STOPPING });
      return;
    }
    // A stop signal ends the repo's waits and requests in flight too, not only the next repo.
    const tracked = await github.accounting.track(() => github.stoppable(ctx.signal, () => plan.repoWork(repo)));
    const result = outcomeOf(repo.full_name, tracked);
    if ("error" in tracked && tracked.error instanceof AuthError) fatal = tracked.error.message;
    if ("error" in tracked && tracked.error instanceof OfflineError) [offline, fatal] = [tracked.error, tracked.error.message];
    if (result.outcome === "gone" || result.outcome === "blocked") setRepoStatus(db, repo.id, result.outcome, result.error ?? null, now);
    record(result);
    if (result.outcome === "failed") log.warn(`${repo.full_name}: ${result.error}`);
    else log.info(`${repo.full_name}: ${result.outcome}${result.error ? `: ${result.error}` : ""} (${result.requests} requests, ${result.points} points)`);
  });

  let registryRequests = 0;
  // Registries do not depend on the GitHub token: a rejected one stops only the repos. Offline,
  // no registry is asked either.
  const packageOptions = plan.packages;
  if (packageOptions && offline === null) {
    const packages = await github.stoppable(ctx.signal, () => collectPackages(packageDeps(ctx, now), { ...packageOptions, runId }));
    registryRequests = packages.requests;
    if (packages.offline) [offline, fatal] = [packages.offline, packages.offline.message];
    for (const p of packages.packages) {
      targets.push({ target: p.target, outcome: p.outcome, requests: p.requests, points: 0, ...(p.error ? { error: p.error } : {}) });
      plan.onPackage?.(p);
    }
  }

  const stoppedEarly = targets.some((t) => t.outcome === "skipped" && t.error === STOPPING);
  const status = runStatus(targets, { fatal: fatal !== null, stoppedEarly });
  saveRateBudgets(db, [...github.accounting.budgets.values()]);
  const requests = github.accounting.total.requests - before.requests + registryRequests;
  const points = github.accounting.total.points - before.points;
  finishRun(db, runId, { status, requests, points, ...(fatal !== null ? { error: fatal } : {}), now: ctx.clock() });
  if (offline !== null) throw offline;
  return { runId, status, targets, requests, points };
}

/** How one target's work ended, for run_targets: ok, gone/blocked (kept, not retried), or failed. */
function outcomeOf(target: string, tracked: { value: unknown; usage: Usage } | { error: unknown; usage: Usage }): TargetResult {
  const { requests, points } = tracked.usage;
  // Items left out of an answer (dates out of range) are named in the run's record even when the target succeeded.
  const notes = tracked.usage.notes?.length ? tracked.usage.notes.join("; ") : null;
  if (!("error" in tracked)) return { target, outcome: "ok", requests, points, ...(notes ? { error: notes } : {}) };
  const error = tracked.error;
  // Stopped halfway: not failed, only not done; what it committed stays, and the run is interrupted.
  if (error instanceof StoppedError) return { target, outcome: "skipped", error: STOPPING, requests, points };
  if (error instanceof UnavailableError && error.reason !== "empty") {
    return { target, outcome: error.reason, error: error.message, requests, points };
  }
  return { target, outcome: "failed", error: notes ? `${errorMessage(error)}; ${notes}` : errorMessage(error), requests, points };
}

/**
 * A run's status from its targets: failed on a fatal error; interrupted when it was stopped
 * before all its targets were done (so the next start catches up); otherwise failed when no
 * target succeeded, partial when some failed or were skipped.
 */
export function runStatus(targets: readonly TargetResult[], options: { fatal: boolean; stoppedEarly: boolean }): RunStatus {
  if (options.fatal) return "failed";
  if (options.stoppedEarly) return "interrupted";
  const failed = targets.filter((t) => t.outcome === "failed" || t.outcome === "skipped").length;
  if (failed === 0) return "ok";
  return failed === targets.length ? "failed" : "partial";
}
