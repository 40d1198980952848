import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { LeaseHeldError, withWriterLease } from "../../src/coordination/lease.js";
import { type ProcessIdentity, acquireLease, leaseHolder, releaseLease, renewLease } from "../../src/store/leases.js";
import type { Db } from "../../src/store/open.js";
import { tempDb } from "../daemon/helpers.js";

const T0 = new Date("2026-01-10T12:00:00Z");
const later = (ms: number) => new Date(T0.getTime() + ms);
const TTL = 30_000;

const alive = new Set<number>([100, 200]);
const isAlive = (pid: number) => alive.has(pid);
const daemon: ProcessIdentity = { host: "box", pid: 100, isAlive };
const cli: ProcessIdentity = { host: "box", pid: 200, isAlive };
const elsewhere: ProcessIdentity = { host: "other-box", pid: 300, isAlive };

let dbs: Db[] = [];
function open(): Db {
  const { db } = tempDb();
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs) db.close();
  dbs = [];
  alive.clear();
  alive.add(100).add(200);
});

describe("acquireLease", () => {
  it("takes a free lease", () => {
    const db = open();
    const result = acquireLease(db, "daemon", "oss-pulse daemon", TTL, T0, daemon);
    expect(result.acquired).toBe(true);
    expect(leaseHolder(db, "daemon", T0, cli)).toMatchObject({ holder: "oss-pulse daemon", pid: 100, host: "box", expiresAt: "2026-01-10T12:00:30Z" });
  });

  it("refuses while another live process holds it, naming the holder", () => {
    const db = open();
    acquireLease(db, "daemon", "oss-pulse daemon", TTL, T0, daemon);
    const second = acquireLease(db, "daemon", "oss-pulse daemon", TTL, later(10_000), cli);
    expect(second).toEqual({ acquired: false, heldBy: expect.objectContaining({ pid: 100, host: "box", acquiredAt: "2026-01-10T12:00:00Z" }) });
  });

  it("refuses the same process a second time (leases are not re-entrant)", () => {
    const db = open();
    acquireLease(db, "writer", "daemon collect", TTL, T0, daemon);
    expect(acquireLease(db, "writer", "daemon collect", TTL, later(1000), daemon).acquired).toBe(false);
  });

  it("keeps different names apart", () => {
    const db = open();
    acquireLease(db, "daemon", "oss-pulse daemon", TTL, T0, daemon);
    expect(acquireLease(db, "writer", "collect (CLI)", TTL, T0, cli).acquired).toBe(true);
  });

  it("reclaims a lease after it expired", () => {
    const db = open();
    acquireLease(db, "daemon", "oss-pulse daemon", TTL, T0, daemon);
    const result = acquireLease(db, "daemon", "oss-pulse daemon", TTL, later(TTL), elsewhere);
    expect(result).toMatchObject({ acquired: true, reclaimedFrom: { pid: 100, reason: "expired" } });
    expect(leaseHolder(db, "daemon", later(TTL), elsewhere)?.pid).toBe(300);
  });

  it("reclaims at once from a dead process on this host (SIGKILL)", () => {
    const db = open();
    acquireLease(db, "daemon", "oss-pulse daemon", TTL, T0, daemon);
    alive.delete(100);
    const result = acquireLease(db, "daemon", "oss-pulse daemon", TTL, later(1000), cli);
    expect(result).toMatchObject({ acquired: true, reclaimedFrom: { pid: 100, reason: "process gone" } });
  });

  it("does not judge a pid on another host: it waits for expiry", () => {
    const db = open();
    acquireLease(db, "daemon", "oss-pulse daemon", TTL, T0, elsewhere);
    alive.clear();
    expect(acquireLease(db, "daemon", "oss-pulse daemon", TTL, later(1000), cli).acquired).toBe(false);
  });

  it("lets only one of two connections racing for the same file win", () => {
    const { db, path } = tempDb();
    dbs.push(db);
    const other = new Database(path, { timeout: 2000 });
    dbs.push(other);
    const first = acquireLease(db, "daemon", "a", TTL, T0, daemon);
    const second = acquireLease(other, "daemon", "b", TTL, T0, cli);
    expect([first.acquired, second.acquired]).toEqual([true, false]);
  });
});

describe("renewLease and releaseLease", () => {
  it("renewing pushes the expiry forward", () => {
    const db = open();
    const r = acquireLease(db, "daemon", "d", TTL, T0, daemon);
    if (!r.acquired) throw new Error("not acquired");
    expect(renewLease(db, r.lease, TTL, later(20_000))).toBe(true);
    // Without the renewal this would have expired at T0 + 30 s.
    expect(acquireLease(db, "daemon", "d", TTL, later(40_000), elsewhere).acquired).toBe(false);
  });

  it("a lease taken over cannot be renewed or released by its old owner", () => {
    const db = open();
    const old = acquireLease(db, "daemon", "d", TTL, T0, daemon);
    if (!old.acquired) throw new Error("not acquired");
    const taken = acquireLease(db, "daemon", "d", TTL, later(TTL + 1000), cli);
    expect(taken.acquired).toBe(true);
    expect(renewLease(db, old.lease, TTL, later(TTL + 2000))).toBe(false);
    releaseLease(db, old.lease);
    expect(leaseHolder(db, "daemon", later(TTL + 2000), daemon)?.pid).toBe(200);
  });

  it("a released lease is free at once", () => {
    const db = open();
    const r = acquireLease(db, "daemon", "d", TTL, T0, daemon);
    if (!r.acquired) throw new Error("not acquired");
    releaseLease(db, r.lease);
    expect(leaseHolder(db, "daemon", T0, cli)).toBeNull();
    expect(acquireLease(db, "daemon", "d", TTL, T0, cli).acquired).toBe(true);
  });
});

describe("withWriterLease", () => {
  /** A fake clock that `sleep` advances, so waits take no real time. */
  function fakeTime() {
    let now = T0.getTime();
    const sleeps: number[] = [];
    return {
      clock: () => new Date(now),
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      sleeps,
    };
  }

  it("runs the work holding the writer lease, then releases it", async () => {
    const db = open();
    const time = fakeTime();
    const seen = await withWriterLease(db, "collect (CLI)", async () => leaseHolder(db, "writer", time.clock(), daemon), { ...time, me: cli });
    expect(seen?.holder).toBe("collect (CLI)");
    expect(leaseHolder(db, "writer", time.clock(), daemon)).toBeNull();
  });

  it("releases the lease when the work throws", async () => {
    const db = open();
    const time = fakeTime();
    await expect(withWriterLease(db, "x", async () => Promise.reject(new Error("boom")), { ...time, me: cli })).rejects.toThrow("boom");
    expect(leaseHolder(db, "writer", time.clock(), daemon)).toBeNull();
  });

  it("waits for a daemon's collection to finish, announcing it once, then runs", async () => {
    const db = open();
    const time = fakeTime();
    const held = acquireLease(db, "writer", "daemon collect", TTL, time.clock(), daemon);
    if (!held.acquired) throw new Error("not acquired");
    const waits: string[] = [];
    let polls = 0;
    const sleep = async (ms: number) => {
      await time.sleep(ms);
      // The daemon renews while it works, and finishes after the third poll.
      renewLease(db, held.lease, TTL, time.clock());
      if (++polls === 3) releaseLease(db, held.lease);
    };
    const result = await withWriterLease(db, "collect (CLI)", async () => "ran", {
      clock: time.clock,
      sleep,
      waitMs: 60_000,
      pollMs: 1000,
      me: cli,
      onWait: (h) => waits.push(h.holder),
    });
    expect(result).toBe("ran");
    expect(polls).toBe(3);
    expect(waits).toEqual(["daemon collect"]);
  });

  it("gives up after the bounded wait with a message naming the holder", async () => {
    const db = open();
    const time = fakeTime();
    const held = acquireLease(db, "writer", "daemon collect", 10 * 60_000, time.clock(), daemon);
    expect(held.acquired).toBe(true);
    let ran = false;
    const attempt = withWriterLease(db, "collect (CLI)", async () => (ran = true), { ...time, waitMs: 5000, pollMs: 1000, me: cli });
    await expect(attempt).rejects.toThrow(LeaseHeldError);
    await expect(attempt).rejects.toThrow(/being written by daemon collect \(pid 100 on box, since 2026-01-10T12:00:00Z\); gave up after 5 s/);
    expect(ran).toBe(false);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it("stops waiting when its signal is aborted (the daemon is shutting down)", async () => {
    const db = open();
    const time = fakeTime();
    acquireLease(db, "writer", "collect (CLI)", 10 * 60_000, time.clock(), cli);
    const stop = new AbortController();
    const sleep = async (ms: number) => {
      await time.sleep(ms);
      stop.abort();
    };
    await expect(
      withWriterLease(db, "daemon collect", async () => "ran", { clock: time.clock, sleep, waitMs: 60_000, signal: stop.signal, me: daemon }),
    ).rejects.toThrow(/stopped while waiting/);
  });
});
