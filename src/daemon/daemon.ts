import cron, { type Logger as CronLogger, type ScheduledTask } from "node-cron";
import type { JobContext } from "../jobs/context.js";
import type { Logger } from "../util/log.js";
import { type Clock, type Sleep, realSleep, systemClock, toIso } from "../util/time.js";
import { missedSlot } from "../coordination/catch-up.js";
import { LEASE_RENEW_MS, LEASE_TTL_MS, LeaseHeldError, describeHolder, thisProcess } from "../coordination/lease.js";
import { describePause } from "../coordination/rate-pause.js";
import { CronSchedule } from "../coordination/schedule.js";
import { type Lease, type ProcessIdentity, acquireLease, releaseLease, renewLease } from "../store/leases.js";
import { type CycleOutcome, type Trigger, runCycle } from "./cycle.js";

export interface DaemonOptions {
  /** Everything but the signal, which the daemon owns. */
  ctx: Omit<JobContext, "signal">;
  /** A label for the database in messages. */
  dbPath: string;
  leaseClock?: Clock;
  sleep?: Sleep;
  ttlMs?: number;
  renewMs?: number;
  /** How long a run waits for a collection from the CLI to finish. */
  writerWaitMs?: number;
  me?: ProcessIdentity;
}

export interface Daemon {
  schedule: CronSchedule;
  /** Settles with a reason when the daemon must stop on its own (its lease was taken over). */
  fatal: Promise<string>;
  /** The run in flight, if any: resolves when it has finished. */
  idle(): Promise<void>;
  /**
   * Starts no new work: aborts the jobs' signal, stops the schedule, then waits up to
   * `deadlineMs` for the run in flight. True when it finished in time; the daemon lease is
   * released in that case only (a job still running may still write).
   */
  stop(deadlineMs: number): Promise<boolean>;
}

/**
 * Starts the schedule. Refuses (LeaseHeldError) when another daemon holds this database.
 * Catches up once at start when the last slot passed without a successful collect, and again
 * when node-cron reports missed executions (the machine slept, or the loop was blocked).
 */
export function startDaemon(options: DaemonOptions): Daemon {
  const { ctx, dbPath } = options;
  const { db, log } = ctx;
  const leaseClock = options.leaseClock ?? systemClock;
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const me = options.me ?? thisProcess;

  const taken = acquireLease(db, "daemon", "oss-pulse daemon", ttlMs, leaseClock(), me);
  if (!taken.acquired) {
    throw new LeaseHeldError(taken.heldBy, `another daemon is running on ${dbPath}: ${describeHolder(taken.heldBy)}; stop it first`);
  }
  if (taken.reclaimedFrom) log.warn(`took over the daemon lease from ${describeHolder(taken.reclaimedFrom)}: ${taken.reclaimedFrom.reason}`);
  const lease: Lease = taken.lease;

  const abort = new AbortController();
  const jobCtx: JobContext = { ...ctx, signal: abort.signal };
  const schedule = new CronSchedule(ctx.config.schedule.collect, ctx.config.schedule.timezone);
  const deps = { ctx: jobCtx, schedule, leaseClock, sleep: options.sleep ?? realSleep, writerWaitMs: options.writerWaitMs ?? 5 * 60_000 };

  let current: Promise<void> | null = null;
  let recheck = false;
  let pauseTimer: NodeJS.Timeout | undefined;
  let pausedUntil: Date | null = null;
  let failFatal: (reason: string) => void = () => undefined;
  const fatal = new Promise<string>((resolve) => (failFatal = resolve));

  const runExclusive = (trigger: Trigger): Promise<void> => {
    if (current) return current;
    current = runCycle(deps, trigger)
      .then(afterCycle)
      .finally(() => {
        current = null;
        if (recheck && !abort.signal.aborted) {
          recheck = false;
          catchUp("slots were missed while a run was in flight");
        }
      });
    return current;
  };

  const afterCycle = (outcome: CycleOutcome): void => {
    if (outcome.kind !== "paused") {
      if (pausedUntil && outcome.kind === "ran") log.info("rate limit reset: collecting again");
      pausedUntil = null;
      return;
    }
    // Log a pause once, and come back at the reset rather than at the next slot (a day away).
    if (pausedUntil?.getTime() === outcome.pause.until.getTime()) return;
    pausedUntil = outcome.pause.until;
    log.warn(`${describePause(outcome.pause)}: skipping runs until then`);
    clearTimeout(pauseTimer);
    // Clamped: a timer beyond 2^31 ms fires at once. GitHub resets within the hour anyway.
    const wait = Math.min(Math.max(0, outcome.pause.until.getTime() - ctx.clock().getTime()) + 1000, 2 ** 31 - 1);
    pauseTimer = setTimeout(() => catchUp("the rate limit has reset"), wait);
  };

  const catchUp = (reason: string): void => {
    if (abort.signal.aborted) return;
    if (current) {
      recheck = true;
      return;
    }
    let slot: Date | null;
    try {
      slot = missedSlot(db, schedule, ctx.clock());
    } catch (error) {
      log.error(`catch-up check failed: ${String(error)}`);
      return;
    }
    if (!slot) return;
    log.info(`catch-up: the run due at ${toIso(slot)} has not happened (${reason})`);
    void runExclusive("catch-up");
  };

  const onTick = (): Promise<void> => {
    // A catch-up in flight is invisible to node-cron's own overlap check.
    if (current) log.info("scheduled run skipped: a catch-up run is still in flight");
    return runExclusive("schedule");
  };
  const task: ScheduledTask = cron.schedule(ctx.config.schedule.collect, onTick, {
    name: "collect",
    timezone: ctx.config.schedule.timezone,
    noOverlap: true,
    logger: cronLogger(log),
  });
  task.on("execution:missed", (c) => catchUp(`missed the slot at ${toIso(c.date)}`));
  task.on("execution:overlap", (c) => log.info(`the run due at ${toIso(c.date)} was skipped: the previous one is still running`));

  const renewTimer = setInterval(() => {
    try {
      if (renewLease(db, lease, ttlMs, leaseClock())) return;
      log.error("another process took over the daemon lease: stopping");
      failFatal("lost the daemon lease");
    } catch (error) {
      // The database is busy: the lease outlives a few missed renewals.
      log.warn(`could not renew the daemon lease: ${String(error)}`);
    }
  }, options.renewMs ?? LEASE_RENEW_MS);

  catchUp("start");

  return {
    schedule,
    fatal,
    idle: () => current ?? Promise.resolve(),
    async stop(deadlineMs) {
      abort.abort();
      await task.destroy();
      clearTimeout(pauseTimer);
      clearInterval(renewTimer);
      schedule.dispose();
      const drained = await finishesWithin(current, deadlineMs);
      if (drained && db.open) releaseLease(db, lease);
      return drained;
    },
  };
}

async function finishesWithin(work: Promise<void> | null, ms: number): Promise<boolean> {
  if (!work) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** node-cron logs to the console by default; route it through the daemon's logger. */
function cronLogger(log: Logger): CronLogger {
  return {
    info: (m) => log.debug(`node-cron: ${m}`),
    warn: (m) => log.warn(`node-cron: ${m}`),
    error: (m, e) => log.error(`node-cron: ${m instanceof Error ? m.message : m}${e ? `: ${e.message}` : ""}`),
    debug: (m) => log.debug(`node-cron: ${m instanceof Error ? m.message : m}`),
  };
}
