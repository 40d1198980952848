import nock from "nock";
import { describe, expect, it } from "vitest";
import { ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { registriesConfigSchema } from "../../src/registries/config.js";
import { crates } from "../../src/registries/crates/index.js";
import { addDays } from "../../src/util/time.js";
import { HTML_429, contextFor, fakeTime, useNock } from "./helpers.js";

const API = "https://crates.io";

function downloadsBody(days: string[]) {
  return {
    version_downloads: days.flatMap((date) => [
      { version: 1600000, downloads: 100, date },
      { version: 1599999, downloads: 10, date },
    ]),
    meta: { extra_downloads: days.map((date) => ({ date, downloads: 1 })) },
  };
}

describe("crates.io", () => {
  useNock();

  it("sends an identifying User-Agent and spaces requests at least 1 s apart", async () => {
    const time = fakeTime();
    const seen: { at: number; userAgent: string }[] = [];
    const record = function (this: nock.ReplyFnContext) {
      seen.push({ at: time.ms(), userAgent: String(this.req.headers["user-agent"]) });
    };
    const scope = nock(API)
      .get("/api/v1/crates/serde")
      .reply(function () {
        record.call(this);
        return [200, { crate: { id: "serde", downloads: 500_000_000, recent_downloads: 60_000_000 } }];
      })
      .get("/api/v1/crates/serde/downloads")
      .reply(function () {
        record.call(this);
        return [200, downloadsBody(["2026-11-18", "2026-11-19", "2026-11-20"])];
      });
    const ctx = contextFor(crates, time);
    const snapshot = await crates.snapshot!("serde", ctx);
    const series = await crates.history!("serde", { from: "2026-11-18", to: "2026-11-20" }, ctx);
    scope.done();
    expect(snapshot).toEqual({ total: 500_000_000, last30: null, extra: { recent90: 60_000_000 } });
    // version rows and the other versions' sums add up per day; today is still counting
    expect(series.days).toEqual([
      { day: "2026-11-18", downloads: 111 },
      { day: "2026-11-19", downloads: 111 },
    ]);
    expect(series.pending).toEqual(["2026-11-20"]);
    expect(seen.map((s) => s.userAgent)).toEqual([
      "oss-pulse (https://github.com/oss-pulse/oss-pulse)",
      "oss-pulse (https://github.com/oss-pulse/oss-pulse)",
    ]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("the config refuses a request interval under 1 s", () => {
    const result = registriesConfigSchema.safeParse({ crates: { minIntervalMs: 200 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/at least 1000 ms/);
  });

  it("reaches back 90 days at most, whatever is asked", async () => {
    const time = fakeTime();
    const oldest = addDays("2026-11-20", -89);
    const scope = nock(API)
      .get("/api/v1/crates/serde/downloads")
      .reply(200, downloadsBody([addDays(oldest, -1), oldest, "2026-11-19"]));
    const series = await crates.history!("serde", { from: "2026-01-01", to: "2026-11-20" }, contextFor(crates, time));
    scope.done();
    expect(series.from).toBe(oldest);
    expect(series.days).toHaveLength(89);
    expect(series.days[0]).toEqual({ day: oldest, downloads: 111 });
    expect(series.days[1]).toEqual({ day: addDays(oldest, 1), downloads: 0 });
  });

  it("an unknown crate is a per-package 'gone' error with crates.io's message", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/v1/crates/no-such-crate")
      .reply(404, { errors: [{ detail: "crate `no-such-crate` does not exist" }] });
    const error = await crates.snapshot!("no-such-crate", contextFor(crates, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(UnavailableError);
    expect(String(error)).toContain("crates:no-such-crate: gone: crates.io answered 404: crate `no-such-crate` does not exist");
  });

  it("backs off on a 429 HTML page, then goes on (still 1 s apart)", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/v1/crates/serde")
      .reply(429, HTML_429, { "content-type": "text/html" })
      .get("/api/v1/crates/serde")
      .reply(200, { crate: { downloads: 5, recent_downloads: null } });
    const snapshot = await crates.snapshot!("serde", contextFor(crates, time));
    scope.done();
    expect(snapshot).toEqual({ total: 5, last30: null, extra: {} });
    expect(time.sleeps).toEqual([1000]);
  });

  it("a malformed body is a ResponseShapeError naming the field", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/api/v1/crates/serde").reply(200, { crate: { downloads: null, recent_downloads: 1 } });
    const error = await crates.snapshot!("serde", contextFor(crates, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).issues[0]).toMatch(/^crate\.downloads: /);
  });

  it.each([
    ["serde", null],
    ["serde_json", null],
    ["tokio-util", null],
    ["1password", "not a valid crate name"],
    ["a".repeat(65), "not a valid crate name"],
    ["with.dot", "not a valid crate name"],
  ])("name %s: %s", (name, problem) => {
    if (problem === null) expect(crates.nameProblem(name)).toBeNull();
    else expect(crates.nameProblem(name)).toContain(problem);
  });
});
