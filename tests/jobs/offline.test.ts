import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { runCycle } from "../../src/daemon/cycle.js";
import { CronSchedule } from "../../src/coordination/schedule.js";
import { OfflineError } from "../../src/errors.js";
import { backfill } from "../../src/jobs/backfill.js";
import { collect } from "../../src/jobs/collect.js";
import { createGitHubClient, type JobContext } from "../../src/jobs/context.js";
import { createHttpClient } from "../../src/registries/http.js";
import { openDb } from "../../src/store/open.js";
import { createLogger } from "../../src/util/log.js";

/** Offline: every host name fails to resolve (nock answers each request with ENOTFOUND). */

const NOW = new Date("2026-11-28T12:00:00Z");

function lookupFails(origin: string, host: string): nock.Scope {
  // .persist(): were anything retried, it would be counted below instead of failing on a missing mock.
  return nock(origin).persist().get(/.*/).replyWithError({ code: "ENOTFOUND", syscall: "getaddrinfo", hostname: host, message: `getaddrinfo ENOTFOUND ${host}` });
}

function context(projects: unknown[], warnings: string[]): JobContext {
  const config = configSchema.parse({ github: { graphql: "never", retryBaseMs: 1, concurrency: 1 }, projects });
  const db = openDb(":memory:");
  const log = createLogger({ format: "json", level: "silent" });
  const clock = () => NOW;
  const slept: number[] = [];
  const github = createGitHubClient(config, [], db, log, clock, async (ms) => void slept.push(ms));
  const http = createHttpClient({ clock, sleep: async (ms) => void slept.push(ms), baseDelayMs: 1, log: (line) => warnings.push(line) });
  return { db, config, github, http, clock, log };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("a host name that does not resolve", () => {
  it.each([
    ["collect", (ctx: JobContext) => collect(ctx)],
    ["backfill", (ctx: JobContext) => backfill(ctx)],
  ])("%s: fails the run at once, with one clear error, after one attempt and no retry", async (_name, job) => {
    const requests: string[] = [];
    const github = lookupFails("https://api.github.com", "api.github.com").on("request", (req: { path: string }) => requests.push(req.path));
    const npm = lookupFails("https://api.npmjs.org", "api.npmjs.org").on("request", (req: { path: string }) => requests.push(req.path));
    const warnings: string[] = [];
    const ctx = context([{ name: "p", repos: ["acme/one", "acme/two", "acme/three"], packages: [{ registry: "npm", name: "left-pad" }] }], warnings);
    const error = await job(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OfflineError);
    expect((error as Error).message).toBe("cannot resolve api.github.com: no network?");
    expect(requests).toEqual(["/repos/acme/one"]); // the first repo's first request; nothing retried, nothing else tried
    expect(warnings).toEqual([]);
    const run = ctx.db.prepare("SELECT status, error FROM runs").get();
    expect(run).toEqual({ status: "failed", error: "cannot resolve api.github.com: no network?" });
    github.persist(false);
    npm.persist(false);
  });

  it("a registry that does not resolve stops the packages at once, without retries", async () => {
    const requests: string[] = [];
    lookupFails("https://api.npmjs.org", "api.npmjs.org").on("request", (req: { path: string }) => requests.push(req.path));
    const warnings: string[] = [];
    const ctx = context([{ name: "p", packages: [{ registry: "npm", name: "left-pad" }, { registry: "npm", name: "express" }] }], warnings);
    await expect(collect(ctx)).rejects.toThrow("cannot resolve api.npmjs.org: no network?");
    expect(requests).toHaveLength(1); // the second package is not tried
    expect(warnings).toEqual([]); // no "retrying in" line
    // Every target is recorded: the one that met the failure, and the one never tried.
    expect(ctx.db.prepare("SELECT target, outcome, error FROM run_targets ORDER BY target DESC").all()).toEqual([
      { target: "npm:left-pad", outcome: "failed", error: "cannot resolve api.npmjs.org: no network?" },
      { target: "npm:express", outcome: "skipped", error: "cannot resolve api.npmjs.org: no network?" },
    ]);
  });

  it("in the daemon, the cycle fails with the same line and records one failed run, not two", async () => {
    lookupFails("https://api.github.com", "api.github.com");
    const ctx = context([{ name: "p", repos: ["acme/one"] }], []);
    const schedule = new CronSchedule("0 3 * * *", "UTC");
    try {
      const outcome = await runCycle({ ctx, schedule, writerWaitMs: 0 }, "schedule");
      expect(outcome).toEqual({ kind: "failed", error: "cannot resolve api.github.com: no network?" });
      expect(ctx.db.prepare("SELECT kind, status, error FROM runs").all()).toEqual([{ kind: "collect", status: "failed", error: "cannot resolve api.github.com: no network?" }]);
    } finally {
      schedule.dispose();
    }
  });

  it("GitHub: a connection reset is still retried, then reported as a network error", async () => {
    const scope = nock("https://api.github.com").get("/repos/acme/one").times(4).replyWithError({ code: "ECONNRESET", message: "socket hang up" });
    const ctx = context([{ name: "p", repos: ["acme/one"] }], []);
    await expect(ctx.github.getRepo("acme/one")).rejects.toThrow(/GET \/repos\/acme\/one: network error: ECONNRESET: socket hang up/);
    expect(scope.isDone()).toBe(true);
    expect(ctx.github.accounting.total.requests).toBe(4);
  });

  it("a connection reset is still retried", async () => {
    const scope = nock("https://api.npmjs.org").get("/downloads/point/last-day/left-pad").times(4).replyWithError({ code: "ECONNRESET", message: "socket hang up" });
    const warnings: string[] = [];
    const ctx = context([{ name: "p", packages: [{ registry: "npm", name: "left-pad" }] }], warnings);
    const summary = await collect(ctx);
    expect(summary.status).toBe("failed");
    expect(scope.isDone()).toBe(true);
    expect(warnings).toHaveLength(3);
  });
});
