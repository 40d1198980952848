import { afterEach, describe, expect, it } from "vitest";
import { missedSlot } from "../../src/coordination/catch-up.js";
import { CronSchedule } from "../../src/coordination/schedule.js";
import type { Db } from "../../src/store/open.js";
import { lastSuccessfulCollect } from "../../src/store/runs.js";
import { insertRun, tempDb } from "../daemon/helpers.js";

const daily = new CronSchedule("0 3 * * *", "UTC");
const NOW = new Date("2026-01-10T04:00:00Z");
let db: Db;

afterEach(() => db?.close());

describe("missedSlot: the run due at the last slot, when none has started since", () => {
  it.each([
    ["an empty database (first start)", [], "2026-01-10T03:00:00.000Z"],
    ["the last success before the last slot", [{ status: "ok", startedAt: "2026-01-09T03:00:00Z" }], "2026-01-10T03:00:00.000Z"],
    ["a success exactly on the slot", [{ status: "ok", startedAt: "2026-01-10T03:00:00Z" }], null],
    ["a success after the slot (a catch-up already made)", [{ status: "ok", startedAt: "2026-01-10T03:40:00Z" }], null],
    ["a partial run after the slot counts (one repo failing)", [{ status: "partial", startedAt: "2026-01-10T03:00:01Z" }], null],
    ["a failed run after the slot does not count", [{ status: "failed", startedAt: "2026-01-10T03:00:01Z" }], "2026-01-10T03:00:00.000Z"],
    ["an interrupted run after the slot does not count", [{ status: "interrupted", startedAt: "2026-01-10T03:00:01Z" }], "2026-01-10T03:00:00.000Z"],
    ["a score run does not count as a collect", [{ kind: "score", status: "ok", startedAt: "2026-01-10T03:30:00Z" }], "2026-01-10T03:00:00.000Z"],
  ])("%s", (_name, runs, expected) => {
    db = tempDb().db;
    for (const run of runs) insertRun(db, run);
    expect(missedSlot(db, daily, NOW)?.toISOString() ?? null).toBe(expected);
  });

  it("asks for exactly one catch-up: once it has run, nothing more is missed", () => {
    db = tempDb().db;
    insertRun(db, { status: "ok", startedAt: "2026-01-08T03:00:00Z" });
    // Two slots (9th and 10th) passed while the daemon was down: one run covers both.
    expect(missedSlot(db, daily, NOW)?.toISOString()).toBe("2026-01-10T03:00:00.000Z");
    insertRun(db, { trigger: "catch-up", status: "ok", startedAt: "2026-01-10T04:00:00Z" });
    expect(missedSlot(db, daily, NOW)).toBeNull();
    expect(missedSlot(db, daily, new Date("2026-01-10T23:59:59Z"))).toBeNull();
    // The next day's slot is a new one.
    expect(missedSlot(db, daily, new Date("2026-01-11T03:00:05Z"))?.toISOString()).toBe("2026-01-11T03:00:00.000Z");
  });

  it("lastSuccessfulCollect returns the latest by start time", () => {
    db = tempDb().db;
    insertRun(db, { status: "ok", startedAt: "2026-01-09T03:00:00Z" });
    insertRun(db, { status: "failed", startedAt: "2026-01-10T03:00:00Z", error: "boom" });
    expect(lastSuccessfulCollect(db)).toMatchObject({ startedAt: "2026-01-09T03:00:00Z", status: "ok" });
  });
});
