import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { missedSlot } from "../../src/coordination/catch-up.js";
import { LeaseHeldError } from "../../src/coordination/lease.js";
import { CronSchedule } from "../../src/coordination/schedule.js";
import { runCycle } from "../../src/daemon/cycle.js";
import { backfill } from "../../src/jobs/backfill.js";
import { collect } from "../../src/jobs/collect.js";
import { startDaemon } from "../../src/daemon/daemon.js";
import type { GitHubClient } from "../../src/github/client.js";
import { type JobContext, createGitHubClient } from "../../src/jobs/context.js";
import { createHttpClient } from "../../src/registries/http.js";
import { acquireLease } from "../../src/store/leases.js";
import { type Db, openDb } from "../../src/store/open.js";
import { silentLogger } from "../../src/util/log.js";
import { clockFromEnv } from "../../src/util/time.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { tempDb } from "./helpers.js";

const TOKEN = "daemon-unit-token";
let fake: FakeGitHub;
const open: Db[] = [];

beforeAll(async () => {
  const repo = generateRepo({ owner: "acme", name: "widgets", id: 1, seed: 1, commits: 30, issues: 8, pulls: 6, releases: 2, startDay: "2025-11-01", endDay: "2026-01-09" });
  fake = await startFakeGitHub({ repos: [repo], tokens: [TOKEN] });
});
afterAll(async () => fake?.close());
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

/** A job context on a fresh database, its clock pinned at `now` (time then runs on). */
function context(now: string, path?: string): JobContext & { path: string } {
  const t = path ? { db: openDb(path), path } : tempDb();
  open.push(t.db);
  const config = parseConfig(`
database: ${t.path}
github: { apiUrl: ${fake.url}, retryBaseMs: 1 }
schedule: { collect: "0 3 * * *" }
projects:
  - name: widgets
    repos: [acme/widgets]
models:
  - name: seed
    window: 30
`);
  const clock = clockFromEnv({ OSS_PULSE_NOW: now });
  const github = createGitHubClient(config, [TOKEN], t.db, silentLogger, clock);
  return { db: t.db, config, github, http: createHttpClient({ clock }), clock, log: silentLogger, path: t.path };
}

function runs(db: Db): { kind: string; trigger: string; status: string; error: string | null }[] {
  return db.prepare("SELECT kind, trigger, status, error FROM runs ORDER BY id").all() as never;
}

describe("the daemon's run loop (in process)", () => {
  it("catches up once at start, not again on a restart, and exactly once after a slot passed while it was down", async () => {
    const first = context("2026-01-10T02:00:00Z");
    let daemon = startDaemon({ ctx: first, dbPath: first.path });
    await daemon.idle();
    expect(await daemon.stop(5000)).toBe(true);
    // The database was empty: the slot of the 9th had passed, so one catch-up ran, then a score.
    expect(runs(first.db)).toEqual([
      { kind: "collect", trigger: "catch-up", status: "ok", error: null },
      { kind: "score", trigger: "catch-up", status: "ok", error: null },
    ]);
    expect(first.db.prepare("SELECT COUNT(*) FROM leases").pluck().get()).toBe(0);

    // Restarted before the next slot: nothing was missed.
    const again = { ...first, clock: clockFromEnv({ OSS_PULSE_NOW: "2026-01-10T02:30:00Z" }) };
    daemon = startDaemon({ ctx: again, dbPath: first.path });
    await daemon.idle();
    await daemon.stop(5000);
    expect(runs(first.db)).toHaveLength(2);

    // Restarted after the slot of the 10th (the machine was off at 03:00): exactly one catch-up.
    const later = { ...first, clock: clockFromEnv({ OSS_PULSE_NOW: "2026-01-10T05:00:00Z" }) };
    daemon = startDaemon({ ctx: later, dbPath: first.path });
    await daemon.idle();
    await daemon.stop(5000);
    expect(runs(first.db).filter((r) => r.kind === "collect")).toHaveLength(2);
    expect(first.db.prepare("SELECT COUNT(*) FROM repo_snapshots").pluck().get()).toBe(1);
  });

  it("while the rate limit is spent, waits for the reset, then catches up", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    const reset = new Date(ctx.clock().getTime() + 2000).toISOString();
    ctx.db.prepare("INSERT INTO rate_limits VALUES ('core', 'token-1', 5000, 0, ?, ?)").run(reset, ctx.clock().toISOString());
    const daemon = startDaemon({ ctx, dbPath: ctx.path });
    try {
      await daemon.idle();
      expect(runs(ctx.db)).toEqual([]);
      const deadline = Date.now() + 8000;
      while (runs(ctx.db).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await daemon.idle();
      expect(runs(ctx.db)).toEqual([
        { kind: "collect", trigger: "catch-up", status: "ok", error: null },
        { kind: "score", trigger: "catch-up", status: "ok", error: null },
      ]);
    } finally {
      await daemon.stop(5000);
    }
  });

  it("refuses to start while another daemon holds the database", () => {
    const ctx = context("2026-01-10T02:00:00Z");
    acquireLease(ctx.db, "daemon", "oss-pulse daemon", 30_000, new Date(), { host: "elsewhere", pid: 1, isAlive: () => true });
    expect(() => startDaemon({ ctx, dbPath: ctx.path })).toThrow(LeaseHeldError);
    expect(() => startDaemon({ ctx, dbPath: ctx.path })).toThrow(/another daemon is running on .*pulse\.db: oss-pulse daemon \(pid 1 on elsewhere/);
    expect(runs(ctx.db)).toEqual([]);
  });
});

describe("runCycle", () => {
  const schedule = new CronSchedule("0 3 * * *", "UTC");
  afterAll(() => schedule.dispose());

  it("records a job that throws as a failed run and returns normally", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    // A client whose batch snapshot throws, as a bug or an unexpected failure would.
    const broken = Object.create(ctx.github) as GitHubClient;
    broken.snapshots = async () => {
      throw new Error("unexpected failure inside the job");
    };
    const outcome = await runCycle({ ctx: { ...ctx, github: broken }, schedule, writerWaitMs: 0 }, "schedule");
    expect(outcome).toEqual({ kind: "failed", error: "unexpected failure inside the job" });
    expect(runs(ctx.db)).toEqual([{ kind: "collect", trigger: "schedule", status: "failed", error: "unexpected failure inside the job" }]);
    expect(ctx.db.prepare("SELECT COUNT(*) FROM leases").pluck().get()).toBe(0);

    // The next tick runs as if nothing happened.
    expect(await runCycle({ ctx, schedule, writerWaitMs: 0 }, "schedule")).toMatchObject({ kind: "ran", status: "ok" });
  });

  it("skips the run while the rate limit is spent, and runs again after the reset", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    ctx.db.prepare("INSERT INTO rate_limits VALUES ('core', 'token-1', 5000, 0, '2026-01-10T04:30:00Z', '2026-01-10T03:59:00Z')").run();
    const outcome = await runCycle({ ctx, schedule, writerWaitMs: 0 }, "schedule");
    expect(outcome).toEqual({ kind: "paused", pause: { resource: "core", until: new Date("2026-01-10T04:30:00Z") } });
    expect(runs(ctx.db)).toEqual([]);
    const afterReset = { ...ctx, clock: clockFromEnv({ OSS_PULSE_NOW: "2026-01-10T04:30:01Z" }) };
    expect(await runCycle({ ctx: afterReset, schedule, writerWaitMs: 0 }, "schedule")).toMatchObject({ kind: "ran" });
  });

  it("does not race a collect from the CLI: it skips when the writer lease stays busy", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    acquireLease(ctx.db, "writer", "collect (CLI)", 60_000, new Date(), { host: "elsewhere", pid: 7, isAlive: () => true });
    const outcome = await runCycle({ ctx, schedule, writerWaitMs: 0 }, "schedule");
    expect(outcome).toMatchObject({ kind: "busy", holder: expect.stringContaining("collect (CLI) (pid 7 on elsewhere") });
    expect(runs(ctx.db)).toEqual([]);
  });

  it("a catch-up that finds the slot already covered (by the CLI meanwhile) does nothing", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    ctx.db.prepare("INSERT INTO runs (kind, trigger, started_at, status) VALUES ('collect', 'cli', '2026-01-10T03:10:00Z', 'ok')").run();
    expect(await runCycle({ ctx, schedule, writerWaitMs: 0 }, "catch-up")).toEqual({ kind: "not-needed" });
    expect(runs(ctx.db)).toHaveLength(1);
  });

  it("marks a run stopped by shutdown as interrupted, so that it is caught up later", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    const stop = new AbortController();
    // SIGTERM arrives while the batch snapshot is in flight: no repo is started after it.
    const stopping = Object.create(ctx.github) as GitHubClient;
    stopping.snapshots = async (names) => {
      stop.abort();
      return ctx.github.snapshots(names);
    };
    const outcome = await runCycle({ ctx: { ...ctx, github: stopping, signal: stop.signal }, schedule, writerWaitMs: 0 }, "schedule");
    expect(outcome).toMatchObject({ kind: "ran", status: "interrupted" });
    expect(runs(ctx.db)).toEqual([{ kind: "collect", trigger: "schedule", status: "interrupted", error: null }]);
    expect(missedSlot(ctx.db, schedule, ctx.clock())?.toISOString()).toBe("2026-01-10T03:00:00.000Z");
  });

  it("starts nothing once stopping", async () => {
    const ctx = context("2026-01-10T04:00:00Z");
    const stop = new AbortController();
    stop.abort();
    expect(await runCycle({ ctx: { ...ctx, signal: stop.signal }, schedule, writerWaitMs: 0 }, "schedule")).toEqual({ kind: "stopped" });
    expect(runs(ctx.db)).toEqual([]);
  });
});

describe("the collect and backfill jobs", () => {
  it.each([
    ["collect", (ctx: JobContext) => collect(ctx, { projects: ["widgets", "typo"] })],
    ["backfill", (ctx: JobContext) => backfill(ctx, { projects: ["typo"] })],
  ])("%s refuses a project the config does not have before it records a run", async (_name, job) => {
    const ctx = context("2026-01-10T04:00:00Z");
    const asked = fake.requests.length;
    await expect(job(ctx)).rejects.toThrow(/no project named "typo"/);
    expect(runs(ctx.db)).toEqual([]);
    expect(fake.requests).toHaveLength(asked);
  });
});
