import type { Usage } from "../github/accounting.js";
import { UnavailableError, errorMessage } from "../errors.js";
import type { RunStatus, TargetResult } from "../store/runs.js";

/** How one target's work ended, for run_targets: ok, gone/blocked (kept, not retried), or failed. */
export function outcomeOf(target: string, tracked: { value: unknown; usage: Usage } | { error: unknown; usage: Usage }): TargetResult {
  const { requests, points } = tracked.usage;
  // Items left out of an answer (dates out of range) are named in the run's record even when the target succeeded.
  const notes = tracked.usage.notes?.length ? tracked.usage.notes.join("; ") : null;
  if (!("error" in tracked)) return { target, outcome: "ok", requests, points, ...(notes ? { error: notes } : {}) };
  const error = tracked.error;
  if (error instanceof UnavailableError && error.reason !== "empty") {
    return { target, outcome: error.reason, error: error.message, requests, points };
  }
  return { target, outcome: "failed", error: notes ? `${errorMessage(error)}; ${notes}` : errorMessage(error), requests, points };
}

/** A run's status from its targets: failed on a fatal error or when no target succeeded, partial when some failed or were skipped. */
export function runStatus(targets: readonly TargetResult[], options: { fatal: boolean; aborted: boolean }): RunStatus {
  if (options.fatal) return "failed";
  const failed = targets.filter((t) => t.outcome === "failed" || t.outcome === "skipped").length;
  if (failed === 0) return options.aborted ? "interrupted" : "ok";
  return failed === targets.length ? "failed" : "partial";
}
