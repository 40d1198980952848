import cron, { type Logger as CronLogger, type ScheduledTask } from "node-cron";
import type { JobContext } from "../jobs/context.js";
import type { Logger } from "../util/log.js";
import { type Clock, type Sleep, realSleep, systemClock, toIso } from "../util/time.js";
import { missedSlot } from "../coordination/catch-up.js";
import { LEASE_RENEW_MS, LEASE_TTL_MS, LeaseHeldError, describeHolder, thisProcess } from "../coordination/lease.js";
import { type DbFileWatch, watchDbFile } from "../coordination/db-file.js";
import { describePause } from "../coordination/rate-pause.js";
import { CronSchedule } from "../coordination/schedule.js";
import { type Lease, type ProcessIdentity, acquireLease, releaseLease, renewLease } from "../store/leases.js";
import { type CycleDeps, type CycleOutcome, type Trigger, runCycle } from "./cycle.js";

export interface DaemonOptions {
  /** Everything but the signal, which the daemon owns. */
  ctx: Omit<JobContext, "signal">;
  /** The database's path: named in messages, and watched for being deleted or replaced. */
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
  /**
   * Settles with a reason when the daemon must stop on its own: its lease was taken over, or its
   * database file was deleted or replaced.
   */
  fatal: Promise<string>;
  /** True once the database file was found deleted or replaced: the open handle must not be checkpointed into it. */
  readonly databaseLost: boolean;
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
  const leaseClock = options.leaseClock ?? systemClock;
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const taken = acquireLease(ctx.db, "daemon", "oss-pulse daemon", ttlMs, leaseClock(), options.me ?? thisProcess);
  if (!taken.acquired) {
    throw new LeaseHeldError(taken.heldBy, `another daemon is running on ${dbPath}: ${describeHolder(taken.heldBy)}; stop it first`);
  }
  if (taken.reclaimedFrom) ctx.log.warn(`took over the daemon lease from ${describeHolder(taken.reclaimedFrom)}: ${taken.reclaimedFrom.reason}`);
  const loop = new DaemonLoop(options, taken.lease, leaseClock, ttlMs);
  loop.catchUp("start");
  return loop;
}

/** The daemon's state, all in one place: the run in flight, a pending re-check, a rate-limit pause, the timers. */
class DaemonLoop implements Daemon {
  readonly schedule: CronSchedule;
  readonly fatal: Promise<string>;
  private readonly abort = new AbortController();
  private readonly deps: CycleDeps;
  private readonly task: ScheduledTask;
  private readonly renewTimer: NodeJS.Timeout;
  private current: Promise<void> | null = null;
  /** Slots were missed while a run was in flight: look again when it ends. */
  private recheck = false;
  private pausedUntil: Date | null = null;
  private pauseTimer: NodeJS.Timeout | undefined;
  private failFatal: (reason: string) => void = () => undefined;
  private readonly file: DbFileWatch | null;
  databaseLost = false;

  constructor(
    options: DaemonOptions,
    private readonly lease: Lease,
    private readonly leaseClock: Clock,
    private readonly ttlMs: number,
  ) {
    const { ctx } = options;
    const { collect, timezone } = ctx.config.schedule;
    this.fatal = new Promise<string>((resolve) => (this.failFatal = resolve));
    this.schedule = new CronSchedule(collect, timezone);
    this.file = watchDbFile(options.dbPath);
    this.deps = {
      ctx: { ...ctx, signal: this.abort.signal },
      schedule: this.schedule,
      leaseClock,
      sleep: options.sleep ?? realSleep,
      writerWaitMs: options.writerWaitMs ?? 5 * 60_000,
    };
    this.task = cron.schedule(collect, () => this.onTick(), { name: "collect", timezone, noOverlap: true, logger: cronLogger(ctx.log) });
    this.task.on("execution:missed", (c) => this.catchUp(`missed the slot at ${toIso(c.date)}`));
    this.task.on("execution:overlap", (c) => ctx.log.info(`the run due at ${toIso(c.date)} was skipped: the previous one is still running`));
    this.renewTimer = setInterval(() => this.renew(), options.renewMs ?? LEASE_RENEW_MS);
  }

  private get ctx(): JobContext {
    return this.deps.ctx;
  }

  idle(): Promise<void> {
    return this.current ?? Promise.resolve();
  }

  async stop(deadlineMs: number): Promise<boolean> {
    this.abort.abort();
    await this.task.destroy();
    clearTimeout(this.pauseTimer);
    clearInterval(this.renewTimer);
    this.schedule.dispose();
    const drained = await finishesWithin(this.current, deadlineMs);
    if (drained && this.ctx.db.open) releaseLease(this.ctx.db, this.lease);
    return drained;
  }

  catchUp(reason: string): void {
    if (this.abort.signal.aborted) return;
    if (this.current) {
      this.recheck = true;
      return;
    }
    let slot: Date | null;
    try {
      slot = missedSlot(this.ctx.db, this.schedule, this.ctx.clock());
    } catch (error) {
      this.ctx.log.error(`catch-up check failed: ${String(error)}`);
      return;
    }
    if (!slot) return;
    this.ctx.log.info(`catch-up: the run due at ${toIso(slot)} has not happened (${reason})`);
    void this.runExclusive("catch-up");
  }

  private onTick(): Promise<void> {
    // A catch-up in flight is invisible to node-cron's own overlap check.
    if (this.current) this.ctx.log.info("scheduled run skipped: a catch-up run is still in flight");
    return this.runExclusive("schedule");
  }

  private runExclusive(trigger: Trigger): Promise<void> {
    if (this.current) return this.current;
    if (this.abort.signal.aborted || this.lostFile()) return Promise.resolve();
    this.current = runCycle(this.deps, trigger)
      .then((outcome) => this.afterCycle(outcome))
      .finally(() => {
        this.current = null;
        if (this.recheck && !this.abort.signal.aborted) {
          this.recheck = false;
          this.catchUp("slots were missed while a run was in flight");
        }
      });
    return this.current;
  }

  private afterCycle(outcome: CycleOutcome): void {
    const { log } = this.ctx;
    if (outcome.kind !== "paused") {
      if (this.pausedUntil && outcome.kind === "ran") log.info("rate limit reset: collecting again");
      this.pausedUntil = null;
      return;
    }
    // Log a pause once, and come back at the reset rather than at the next slot (a day away).
    if (this.pausedUntil?.getTime() === outcome.pause.until.getTime()) return;
    this.pausedUntil = outcome.pause.until;
    log.warn(`${describePause(outcome.pause)}: skipping runs until then`);
    clearTimeout(this.pauseTimer);
    // Clamped: a timer beyond 2^31 ms fires at once. GitHub resets within the hour anyway.
    const wait = Math.min(Math.max(0, outcome.pause.until.getTime() - this.ctx.clock().getTime()) + 1000, 2 ** 31 - 1);
    this.pauseTimer = setTimeout(() => this.catchUp("the rate limit has reset"), wait);
  }

  /**
   * Whether the database file was deleted or replaced; the first time, the daemon stops with an
   * error: what it would write from now on nobody could read.
   */
  private lostFile(): boolean {
    if (this.databaseLost) return true;
    const problem = this.file?.check() ?? null;
    if (problem === null) return false;
    this.databaseLost = true;
    this.abort.abort();
    this.ctx.log.error(`${problem} while the daemon was running: stopping`);
    this.failFatal(problem);
    return true;
  }

  private renew(): void {
    if (this.lostFile()) return;
    try {
      if (renewLease(this.ctx.db, this.lease, this.ttlMs, this.leaseClock())) return;
      this.ctx.log.error("another process took over the daemon lease: stopping");
      this.failFatal("lost the daemon lease");
    } catch (error) {
      // The database is busy: the lease outlives a few missed renewals.
      this.ctx.log.warn(`could not renew the daemon lease: ${String(error)}`);
    }
  }
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
