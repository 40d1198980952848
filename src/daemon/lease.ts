import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { FatalError } from "../errors.js";
import { pidAlive } from "../util/process.js";
import type { Db } from "../store/open.js";
import { type Clock, type Sleep, realSleep, systemClock, toIso } from "../util/time.js";

/** Leases coordinate processes; short enough that a SIGKILLed holder is forgotten quickly. */
export const LEASE_TTL_MS = 30_000;
export const LEASE_RENEW_MS = 10_000;
/** How long `oss-pulse collect` waits for a collection in progress elsewhere. */
export const WRITER_WAIT_MS = 10 * 60_000;

export type LeaseName = "daemon" | "writer";

/** Which process is asking, and how to tell whether another process on this host still lives. */
export interface ProcessIdentity {
  host: string;
  pid: number;
  isAlive(pid: number): boolean;
}

export const thisProcess: ProcessIdentity = { host: hostname(), pid: process.pid, isAlive: pidAlive };

/** A lease this process holds; `owner` identifies this one acquisition. */
export interface Lease {
  name: string;
  holder: string;
  owner: string;
  host: string;
  pid: number;
}

/** Who holds a lease, as stored. */
export interface LeaseHolder {
  name: string;
  holder: string;
  host: string;
  pid: number;
  acquiredAt: string;
  expiresAt: string;
}

export type AcquireResult =
  | { acquired: true; lease: Lease; reclaimedFrom?: LeaseHolder & { reason: "expired" | "process gone" } }
  | { acquired: false; heldBy: LeaseHolder };

interface LeaseRow {
  name: string;
  holder: string;
  owner: string;
  host: string;
  pid: number;
  acquired_at: string;
  renewed_at: string;
  expires_at: string;
}

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

/**
 * Takes the lease `name` unless another live process holds it. The read and the write happen
 * in one immediate transaction, so two processes racing for it cannot both win.
 */
export function acquireLease(db: Db, name: string, holder: string, ttlMs: number, now: Date, me: ProcessIdentity = thisProcess): AcquireResult {
  return db
    .transaction((): AcquireResult => {
      const row = db.prepare("SELECT * FROM leases WHERE name = ?").get(name) as LeaseRow | undefined;
      let reclaimedFrom: (LeaseHolder & { reason: "expired" | "process gone" }) | undefined;
      if (row) {
        const reason = reclaimReason(row, now, me);
        if (!reason) return { acquired: false, heldBy: holderOf(row) };
        reclaimedFrom = { ...holderOf(row), reason };
      }
      const lease: Lease = { name, holder, owner: randomUUID(), host: me.host, pid: me.pid };
      db.prepare(
        `INSERT INTO leases (name, holder, owner, host, pid, acquired_at, renewed_at, expires_at)
         VALUES (@name, @holder, @owner, @host, @pid, @now, @now, @expires)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, owner = excluded.owner, host = excluded.host,
           pid = excluded.pid, acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
           expires_at = excluded.expires_at`,
      ).run({ ...lease, now: toIso(now), expires: toIso(new Date(now.getTime() + ttlMs)) });
      return reclaimedFrom ? { acquired: true, lease, reclaimedFrom } : { acquired: true, lease };
    })
    .immediate();
}

/** Extends a held lease; false when it was lost (another process took it over after expiry). */
export function renewLease(db: Db, lease: Lease, ttlMs: number, now: Date): boolean {
  const info = db
    .prepare("UPDATE leases SET renewed_at = ?, expires_at = ? WHERE name = ? AND owner = ?")
    .run(toIso(now), toIso(new Date(now.getTime() + ttlMs)), lease.name, lease.owner);
  return info.changes === 1;
}

export function releaseLease(db: Db, lease: Lease): void {
  db.prepare("DELETE FROM leases WHERE name = ? AND owner = ?").run(lease.name, lease.owner);
}

/** The current holder of `name`, or null when it is free or could be reclaimed. */
export function leaseHolder(db: Db, name: string, now: Date, me: ProcessIdentity = thisProcess): LeaseHolder | null {
  const row = db.prepare("SELECT * FROM leases WHERE name = ?").get(name) as LeaseRow | undefined;
  if (!row || reclaimReason(row, now, me)) return null;
  return holderOf(row);
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

function reclaimReason(row: LeaseRow, now: Date, me: ProcessIdentity): "expired" | "process gone" | null {
  if (Date.parse(row.expires_at) <= now.getTime()) return "expired";
  // Only a pid on this host can be checked; one elsewhere (a shared disk) waits for expiry.
  if (row.host === me.host && row.pid !== me.pid && !me.isAlive(row.pid)) return "process gone";
  return null;
}

function holderOf(row: LeaseRow): LeaseHolder {
  return { name: row.name, holder: row.holder, host: row.host, pid: row.pid, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}
