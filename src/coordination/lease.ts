import { hostname } from "node:os";
import { FatalError } from "../errors.js";
import { type Lease, type LeaseHolder, type ProcessIdentity, acquireLease, releaseLease, renewLease } from "../store/leases.js";
import type { Db } from "../store/open.js";
import { pidAlive } from "../util/process.js";
import { type Clock, type Sleep, realSleep, systemClock } from "../util/time.js";

/** Leases coordinate processes; short enough that a SIGKILLed holder is forgotten quickly. */
export const LEASE_TTL_MS = 30_000;
export const LEASE_RENEW_MS = 10_000;
/** How long `oss-pulse collect` waits for a collection in progress elsewhere. */
export const WRITER_WAIT_MS = 10 * 60_000;

export type LeaseName = "daemon" | "writer";

export const thisProcess: ProcessIdentity = { host: hostname(), pid: process.pid, isAlive: pidAlive };

/** Another process writes to the database (a daemon, or a collect from the CLI). */
export class LeaseHeldError extends FatalError {
  override name = "LeaseHeldError";
  constructor(
    readonly heldBy: LeaseHolder,
    message: string,
  ) {
    super(message);
  }
}

export function describeHolder(h: LeaseHolder): string {
  return `${h.holder} (pid ${h.pid} on ${h.host}, since ${h.acquiredAt})`;
}

export interface WriterLeaseOptions {
  /** How long to wait for another writer to finish; 0 refuses at once. */
  waitMs?: number;
  pollMs?: number;
  ttlMs?: number;
  renewMs?: number;
  /** Leases compare instants across processes, so they want the host's real clock. */
  clock?: Clock;
  sleep?: Sleep;
  /** Stops the wait (the daemon is shutting down). */
  signal?: AbortSignal;
  /** Called once when the lease is busy and the wait begins. */
  onWait?: (heldBy: LeaseHolder, waitMs: number) => void;
  me?: ProcessIdentity;
}

/**
 * Runs `work` holding the "writer" lease, waiting (bounded) for another writer to finish first.
 * The lease is renewed while `work` runs and released after it, whatever the outcome. `work`
 * receives a signal that is aborted if the lease is lost, so it can stop starting new work.
 */
export async function withWriterLease<T>(db: Db, holder: string, work: (signal: AbortSignal) => Promise<T>, options: WriterLeaseOptions = {}): Promise<T> {
  const { waitMs = 0, pollMs = 1000, ttlMs = LEASE_TTL_MS, renewMs = LEASE_RENEW_MS, clock = systemClock, sleep = realSleep, me = thisProcess } = options;
  const lease = await waitForLease(db, "writer", holder, { waitMs, pollMs, ttlMs, clock, sleep, me, signal: options.signal, onWait: options.onWait });
  const lost = new AbortController();
  const timer = setInterval(() => {
    try {
      if (!renewLease(db, lease, ttlMs, clock())) lost.abort(new Error("the writer lease was taken over by another process"));
    } catch {
      // A busy database: the lease outlives a few missed renewals, try again on the next one.
    }
  }, renewMs);
  timer.unref();
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(timer);
    if (db.open) releaseLease(db, lease);
  }
}

async function waitForLease(
  db: Db,
  name: LeaseName,
  holder: string,
  o: { waitMs: number; pollMs: number; ttlMs: number; clock: Clock; sleep: Sleep; me: ProcessIdentity; signal: AbortSignal | undefined; onWait: WriterLeaseOptions["onWait"] },
): Promise<Lease> {
  const started = o.clock().getTime();
  let announced = false;
  for (;;) {
    const result = acquireLease(db, name, holder, o.ttlMs, o.clock(), o.me);
    if (result.acquired) return result.lease;
    const waited = o.clock().getTime() - started;
    if (o.signal?.aborted) {
      throw new LeaseHeldError(result.heldBy, `stopped while waiting for ${describeHolder(result.heldBy)} to finish writing`);
    }
    if (waited >= o.waitMs) {
      const after = o.waitMs > 0 ? `; gave up after ${Math.round(waited / 1000)} s` : "";
      throw new LeaseHeldError(
        result.heldBy,
        `the database is being written by ${describeHolder(result.heldBy)}${after}. Try again when it has finished.`,
      );
    }
    if (!announced) {
      o.onWait?.(result.heldBy, o.waitMs);
      announced = true;
    }
    await o.sleep(Math.min(o.pollMs, o.waitMs - waited));
  }
}

