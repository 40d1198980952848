import { OfflineError, errorMessage } from "../errors.js";
import { collect } from "../jobs/collect.js";
import type { JobContext } from "../jobs/context.js";
import { score } from "../jobs/score.js";
import { failOpenRun, finishRun, startRun } from "../store/runs.js";
import { type Clock, type Sleep, realSleep, systemClock } from "../util/time.js";
import { missedSlot } from "../coordination/catch-up.js";
import { LeaseHeldError, describeHolder, withWriterLease } from "../coordination/lease.js";
import { type RatePause, rateLimitPause } from "../coordination/rate-pause.js";
import type { CronSchedule } from "../coordination/schedule.js";

export type Trigger = "schedule" | "catch-up";

export interface CycleDeps {
  ctx: JobContext;
  schedule: CronSchedule;
  /** Clock and sleep for the writer lease: real time, shared with other processes. */
  leaseClock?: Clock;
  sleep?: Sleep;
  /** How long to wait for a collection from the CLI to finish before giving up this run. */
  writerWaitMs: number;
}

export type CycleOutcome =
  | { kind: "ran"; runId: number; status: string }
  | { kind: "failed"; error: string }
  | { kind: "paused"; pause: RatePause }
  | { kind: "busy"; holder: string }
  | { kind: "not-needed" }
  | { kind: "stopped" };

/**
 * One scheduled unit of work: collect, then score, holding the writer lease. Never throws: a
 * job that throws is logged and recorded as a failed run, so the daemon goes on to the next
 * tick.
 */
export async function runCycle(deps: CycleDeps, trigger: Trigger): Promise<CycleOutcome> {
  const { ctx } = deps;
  if (ctx.signal?.aborted) return { kind: "stopped" };
  const pause = rateLimitPause(ctx.db, ctx.clock());
  if (pause) return { kind: "paused", pause };
  try {
    return await withWriterLease(ctx.db, "daemon collect", (lost) => collectAndScore(deps, trigger, lost), {
      waitMs: deps.writerWaitMs,
      clock: deps.leaseClock ?? systemClock,
      sleep: deps.sleep ?? realSleep,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onWait: (holder, waitMs) =>
        ctx.log.info(`${describeHolder(holder)} is writing; waiting up to ${Math.round(waitMs / 1000)} s before the ${trigger} run`),
    });
  } catch (error) {
    if (ctx.signal?.aborted) return { kind: "stopped" };
    if (error instanceof LeaseHeldError) {
      ctx.log.warn(`${trigger} run skipped: ${error.message}`);
      return { kind: "busy", holder: describeHolder(error.heldBy) };
    }
    const message = errorMessage(error);
    ctx.log.error(`${trigger} collect failed: ${message}`);
    // Offline, collect has already recorded its run as failed: a second row would count it twice.
    if (!(error instanceof OfflineError)) failOpenRun(ctx.db, "collect", trigger, message, ctx.clock());
    return { kind: "failed", error: message };
  }
}

async function collectAndScore(deps: CycleDeps, trigger: Trigger, lost: AbortSignal): Promise<CycleOutcome> {
  const { ctx } = deps;
  // Another process may have collected while this one waited for the lease.
  if (trigger === "catch-up" && !missedSlot(ctx.db, deps.schedule, ctx.clock())) return { kind: "not-needed" };
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, lost]) : lost;
  const summary = await collect({ ...ctx, signal }, { trigger });
  if (summary.status === "interrupted") {
    // Stopped halfway: not a success, so the next start catches up on this slot.
    ctx.log.info(`run ${summary.runId} interrupted by shutdown; it will be caught up on the next start`);
    return { kind: "ran", runId: summary.runId, status: summary.status };
  }
  ctx.log.info(`run ${summary.runId} (${trigger}): ${summary.status}, ${summary.requests} requests, ${summary.points} rate-limit points`);
  if (!signal.aborted) scoreAfterCollect(ctx, trigger);
  return { kind: "ran", runId: summary.runId, status: summary.status };
}

function scoreAfterCollect(ctx: JobContext, trigger: Trigger): void {
  const runId = startRun(ctx.db, "score", trigger, ctx.clock());
  try {
    const result = score(ctx);
    finishRun(ctx.db, runId, { status: "ok", requests: 0, points: 0, now: ctx.clock() });
    ctx.log.info(`scored ${result.rows} project-days (${result.changed} changed)`);
  } catch (error) {
    const message = errorMessage(error);
    finishRun(ctx.db, runId, { status: "failed", requests: 0, points: 0, error: message, now: ctx.clock() });
    ctx.log.error(`score failed: ${message}`);
  }
}
