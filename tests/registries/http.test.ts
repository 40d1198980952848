import nock from "nock";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HostError, ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { DEFAULT_USER_AGENT, createHttpClient, retryAfterMs, withDefaults } from "../../src/registries/http.js";
import { parseWith } from "../../src/util/validate.js";
import { fakeTime, useNock } from "./helpers.js";

const HOST = "https://registry.test";
const NOW_MS = Date.parse("2026-11-20T03:00:00Z");

describe("retryAfterMs", () => {
  it.each([
    ["Retry-After in seconds", { "retry-after": "120" }, 120_000],
    ["Retry-After as an HTTP date", { "retry-after": "Fri, 20 Nov 2026 03:01:00 GMT" }, 60_000],
    ["Retry-After in the past", { "retry-after": "Fri, 20 Nov 2026 02:00:00 GMT" }, -3_600_000],
    ["Docker's X-Retry-After as a unix timestamp", { "x-retry-after": String(NOW_MS / 1000 + 42) }, 42_000],
    ["X-Retry-After too small to be a timestamp: seconds", { "x-retry-after": "5" }, 5000],
    ["no header", {}, null],
    ["garbage", { "retry-after": "soon" }, null],
  ])("%s", (_name, headers, expected) => {
    expect(retryAfterMs(new Headers(headers), NOW_MS)).toBe(expected);
  });
});

describe("createHttpClient", () => {
  useNock();

  it("sends the User-Agent, counts requests, and returns the JSON", async () => {
    const time = fakeTime();
    const scope = nock(HOST).get("/a").matchHeader("user-agent", DEFAULT_USER_AGENT).matchHeader("accept", "application/json").reply(200, { ok: 1 });
    const http = createHttpClient({ clock: time.clock, sleep: time.sleep });
    expect(await http.getJson(`${HOST}/a`, { source: "test:a" })).toEqual({ ok: 1 });
    scope.done();
    expect(http.requests).toBe(1);
  });

  it("retries 5xx and network errors with capped exponential back-off, counting every attempt", async () => {
    const time = fakeTime();
    const scope = nock(HOST)
      .get("/a").reply(502, "bad gateway")
      .get("/a").replyWithError({ code: "ECONNRESET", message: "socket hang up" })
      .get("/a").reply(500)
      .get("/a").reply(200, { ok: 1 });
    const http = createHttpClient({ clock: time.clock, sleep: time.sleep, maxWaitMs: 3000 });
    expect(await http.getJson(`${HOST}/a`, { source: "test:a" })).toEqual({ ok: 1 });
    scope.done();
    expect(time.sleeps).toEqual([1000, 2000, 3000]);
    expect(http.requests).toBe(4);
  });

  it("clamps a Retry-After longer than the maximum wait, and a past one to zero", async () => {
    const time = fakeTime();
    const scope = nock(HOST)
      .get("/a").reply(429, "", { "retry-after": "86400" })
      .get("/a").reply(429, "", { "x-retry-after": String(NOW_MS / 1000 - 100) })
      .get("/a").reply(200, {});
    const http = createHttpClient({ clock: time.clock, sleep: time.sleep, maxWaitMs: 60_000 });
    await http.getJson(`${HOST}/a`, { source: "test:a" });
    scope.done();
    expect(time.sleeps).toEqual([60_000, 0]);
  });

  it("does not retry other 4xx, and says the registry's message", async () => {
    const time = fakeTime();
    const scope = nock(HOST).get("/a").reply(400, { error: "end date > start date" });
    const http = createHttpClient({ clock: time.clock, sleep: time.sleep });
    const error = await http.getJson(`${HOST}/a`, { source: "npm:x" }).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(HostError);
    expect(String(error)).toContain("npm:x: registry.test answered 400: end date > start date");
    expect(time.sleeps).toEqual([]);
  });

  it("404, or a status the registry names, means gone", async () => {
    const time = fakeTime();
    const scope = nock(HOST).get("/a").reply(404).get("/b").reply(401);
    const http = createHttpClient({ clock: time.clock, sleep: time.sleep });
    await expect(http.getJson(`${HOST}/a`, { source: "t:a" })).rejects.toBeInstanceOf(UnavailableError);
    await expect(http.getJson(`${HOST}/b`, { source: "t:b", goneStatuses: [401, 404] })).rejects.toBeInstanceOf(UnavailableError);
    scope.done();
  });

  it("times out each attempt separately and retries with a fresh timeout", async () => {
    const time = fakeTime();
    let calls = 0;
    // A server that never answers: the fetch ends only when its signal aborts.
    const hanging: typeof fetch = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) => {
        const signal = init?.signal as AbortSignal;
        expect(signal.aborted).toBe(false); // a new signal per attempt, not an already-aborted one
        signal.addEventListener("abort", () => reject(signal.reason));
      });
    };
    const http = createHttpClient({ fetch: hanging, clock: time.clock, sleep: time.sleep, attempts: 2, timeoutMs: 20 });
    const error = await http.getJson(`${HOST}/a`, { source: "t:a" }).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(error).toBeInstanceOf(HostError);
    expect(String(error)).toContain("timed out after 20 ms");
  });

  it("spaces requests to one host by the minimum interval; other hosts do not wait", async () => {
    const time = fakeTime();
    const starts: number[] = [];
    const fake: typeof fetch = async () => {
      starts.push(time.ms());
      return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
    };
    const http = withDefaults(createHttpClient({ fetch: fake, clock: time.clock, sleep: time.sleep }), { minIntervalMs: 1000 });
    for (const path of ["/1", "/2", "/3"]) await http.getJson(`${HOST}${path}`, { source: "t" });
    await http.getJson("https://other.test/x", { source: "t" });
    expect(starts.map((t) => t - NOW_MS)).toEqual([0, 1000, 2000, 2000]);
    expect(http.requests).toBe(4);
  });
});

describe("parseWith", () => {
  it("lists every issue as path: message", () => {
    const schema = z.object({ a: z.number(), b: z.array(z.object({ c: z.string() })) });
    const error = (() => {
      try {
        parseWith(schema, { a: "x", b: [{ c: 1 }] }, "npm:x");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).issues).toEqual([expect.stringMatching(/^a: /), expect.stringMatching(/^b\.0\.c: /)]);
    expect(String(error)).toMatch(/^ResponseShapeError: npm:x: unexpected response: a: /);
  });
});
