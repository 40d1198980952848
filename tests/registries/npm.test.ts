import nock from "nock";
import { describe, expect, it } from "vitest";
import { HostError, ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { npm } from "../../src/registries/npm/index.js";
import { dayRange } from "../../src/util/time.js";
import { HTML_429, contextFor, fakeTime, useNock } from "./helpers.js";

const API = "https://api.npmjs.org";

function rangeBody(start: string, end: string, perDay = 10) {
  return { start, end, package: "x", downloads: dayRange(start, end).map((day) => ({ day, downloads: perDay })) };
}

describe("npm", () => {
  useNock();

  it("reads the daily series of a scoped package, and the day npm has not published yet is pending", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/downloads/point/last-day/@scope/pkg")
      .reply(200, { downloads: 7, start: "2026-11-19", end: "2026-11-19", package: "@scope/pkg" })
      .get("/downloads/range/2026-11-15:2026-11-19/@scope/pkg")
      .reply(200, {
        start: "2026-11-15",
        end: "2026-11-19",
        package: "@scope/pkg",
        // 2026-11-17 absent: npm lists every day, zeros included, so a day left out is missing, not 0
        downloads: [
          { day: "2026-11-15", downloads: 3 },
          { day: "2026-11-16", downloads: 0 },
          { day: "2026-11-18", downloads: 5 },
          { day: "2026-11-19", downloads: 7 },
        ],
      });
    const series = await npm.history!("@scope/pkg", { from: "2026-11-15", to: "2026-11-20" }, contextFor(npm, time));
    scope.done();
    expect(series.days).toEqual([
      { day: "2026-11-15", downloads: 3 },
      { day: "2026-11-16", downloads: 0 },
      { day: "2026-11-18", downloads: 5 },
      { day: "2026-11-19", downloads: 7 },
    ]);
    expect(series.pending).toEqual(["2026-11-17", "2026-11-20"]);
  });

  it("just after midnight, yesterday not landed yet is pending, not zero", async () => {
    const time = fakeTime("2026-11-20T00:05:00Z");
    const scope = nock(API)
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 7, start: "2026-11-18", end: "2026-11-18", package: "left-pad" })
      .get("/downloads/range/2026-11-17:2026-11-18/left-pad")
      .reply(200, rangeBody("2026-11-17", "2026-11-18"));
    const series = await npm.history!("left-pad", { from: "2026-11-17", to: "2026-11-20" }, contextFor(npm, time));
    scope.done();
    expect(series.days.map((d) => d.day)).toEqual(["2026-11-17", "2026-11-18"]);
    expect(series.pending).toEqual(["2026-11-19", "2026-11-20"]);
  });

  it("clips a backfill to 18 months and splits it into requests of at most 365 days", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/downloads/point/last-day/express")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "express" })
      .get("/downloads/range/2025-05-21:2026-05-20/express")
      .reply(200, rangeBody("2025-05-21", "2026-05-20"))
      .get("/downloads/range/2026-05-21:2026-11-19/express")
      .reply(200, rangeBody("2026-05-21", "2026-11-19"));
    const series = await npm.history!("express", { from: "2024-11-20", to: "2026-11-20" }, contextFor(npm, time));
    scope.done();
    expect(series.from).toBe("2025-05-21");
    expect(series.days).toHaveLength(dayRange("2025-05-21", "2026-11-19").length);
    expect(series.days.every((d) => d.downloads === 10)).toBe(true);
    expect(series.pending).toEqual(["2026-11-20"]);
  });

  it("refuses a range npm clipped silently (returned start later than asked)", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/downloads/point/last-day/express")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "express" })
      .get("/downloads/range/2025-05-21:2026-05-20/express")
      .reply(200, rangeBody("2025-06-01", "2026-05-20"));
    const error = await npm.history!("express", { from: "2025-01-01", to: "2026-11-20" }, contextFor(npm, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(String(error)).toMatch(/npm:express.*start\/end: asked for 2025-05-21:2026-05-20, npm answered 2025-06-01:2026-05-20/);
  });

  it("refuses a clipped end too", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/downloads/point/last-day/express")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "express" })
      .get("/downloads/range/2026-11-01:2026-11-19/express")
      .reply(200, rangeBody("2026-11-01", "2026-11-10"));
    await expect(npm.history!("express", { from: "2026-11-01", to: "2026-11-20" }, contextFor(npm, time))).rejects.toThrow(/clipped/);
    scope.done();
  });

  it("an unknown package is a per-package 'gone' error", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/downloads/point/last-day/no-such-pkg-zz").reply(404, { error: "package no-such-pkg-zz not found" });
    const error = await npm.history!("no-such-pkg-zz", { from: "2026-11-01", to: "2026-11-20" }, contextFor(npm, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).target).toBe("npm:no-such-pkg-zz");
    expect((error as UnavailableError).message).toMatch(/not found/);
  });

  it("backs off on a 429 served as a Cloudflare HTML page, then goes on", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/downloads/point/last-day/express")
      .reply(429, HTML_429, { "content-type": "text/html; charset=UTF-8" })
      .get("/downloads/point/last-day/express")
      .reply(429, { error: "slow down" }, { "retry-after": "7" })
      .get("/downloads/point/last-day/express")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "express" })
      .get("/downloads/range/2026-11-19:2026-11-19/express")
      .reply(200, rangeBody("2026-11-19", "2026-11-19"));
    const series = await npm.history!("express", { from: "2026-11-19", to: "2026-11-20" }, contextFor(npm, time));
    scope.done();
    expect(series.days).toEqual([{ day: "2026-11-19", downloads: 10 }]);
    expect(time.sleeps).toEqual([1000, 7000]); // back-off, then the stated Retry-After
  });

  it("a 429 that does not stop becomes a HostError without the HTML in its message", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/downloads/point/last-day/express").times(4).reply(429, HTML_429, { "content-type": "text/html" });
    const error = await npm.history!("express", { from: "2026-11-19", to: "2026-11-20" }, contextFor(npm, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).status).toBe(429);
    expect((error as HostError).message).toContain(`text/html, ${HTML_429.length} bytes`);
    expect((error as HostError).message).not.toContain("<html>");
  });

  it("a malformed body is a ResponseShapeError naming the registry and the field", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/downloads/point/last-day/express")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "express" })
      .get("/downloads/range/2026-11-18:2026-11-19/express")
      .reply(200, { start: "2026-11-18", end: "2026-11-19", downloads: [{ day: "2026-11-18", downloads: "many" }] });
    const error = await npm.history!("express", { from: "2026-11-18", to: "2026-11-20" }, contextFor(npm, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).source).toBe("npm:express");
    expect((error as ResponseShapeError).issues[0]).toMatch(/^downloads\.0\.downloads: /);
  });

  it("a 200 that is not JSON says its content type and length, not its body", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/downloads/point/last-day/express").reply(200, "<html>maintenance</html>", { "content-type": "text/html" });
    const error = await npm.history!("express", { from: "2026-11-18", to: "2026-11-20" }, contextFor(npm, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(String(error)).toContain("not JSON (text/html, 24 bytes)");
    expect(String(error)).not.toContain("maintenance");
  });

  it.each([
    ["express", null],
    ["@babel/core", null],
    ["JSONStream", null],
    ["@Scope/pkg", "not a valid npm package name"],
    [".hidden", "not a valid npm package name"],
    ["a/b", "not a valid npm package name"],
    ["has space", "not a valid npm package name"],
    ["x".repeat(215), "at most 214"],
  ])("name %s: %s", (name, problem) => {
    const found = npm.nameProblem(name);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});
