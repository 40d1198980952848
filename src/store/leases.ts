import { randomUUID } from "node:crypto";
import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

// Leases coordinate processes sharing one database: a daemon per database, one writer at a time.

/** Which process is asking, and how to tell whether another process on this host still lives. */
export interface ProcessIdentity {
  host: string;
  pid: number;
  isAlive(pid: number): boolean;
}

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

/**
 * Takes the lease `name` unless another live process holds it. The read and the write happen
 * in one immediate transaction, so two processes racing for it cannot both win.
 */
export function acquireLease(db: Db, name: string, holder: string, ttlMs: number, now: Date, me: ProcessIdentity): AcquireResult {
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
export function leaseHolder(db: Db, name: string, now: Date, me: ProcessIdentity): LeaseHolder | null {
  const row = db.prepare("SELECT * FROM leases WHERE name = ?").get(name) as LeaseRow | undefined;
  if (!row || reclaimReason(row, now, me)) return null;
  return holderOf(row);
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
