import nock from "nock";
import { describe, expect, it } from "vitest";
import { ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { docker } from "../../src/registries/docker/index.js";
import { downloads30 } from "../../src/model/downloads.js";
import { HTML_429, contextFor, fakeTime, useNock } from "./helpers.js";

const API = "https://hub.docker.com";

describe("Docker Hub", () => {
  useNock();

  it("reads the all-time pull count of an official image under library/", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/v2/namespaces/library/repositories/nginx")
      .reply(200, { name: "nginx", namespace: "library", pull_count: 1_000_000, star_count: 20_000, status: 1 });
    const name = docker.normalizeName("nginx");
    expect(name).toBe("library/nginx");
    const snapshot = await docker.snapshot!(name, contextFor(docker, time));
    scope.done();
    expect(snapshot).toEqual({ total: 1_000_000, last30: null, extra: { stars: 20_000 } });
  });

  it("has no history: its downloads come from snapshots of the total pull count, 30 days apart", async () => {
    expect(docker.history).toBeUndefined();
    expect(docker.historyDays).toBe(0);
    const totals: { day: string; total: number | null; last30: null }[] = [];
    for (const [day, pulls] of [["2026-11-20", 1000], ["2026-11-21", 1250]] as const) {
      const time = fakeTime(`${day}T03:00:00Z`);
      const scope = nock(API).get("/v2/namespaces/grafana/repositories/grafana").reply(200, { pull_count: pulls });
      const snapshot = await docker.snapshot!("grafana/grafana", contextFor(docker, time));
      scope.done();
      totals.push({ day, total: snapshot.total, last30: null });
    }
    expect(totals.map((t) => t.total)).toEqual([1000, 1250]);
    const [window] = downloads30({ daily: [], pending: [], snapshots: totals }, ["2026-11-21"]);
    expect(window).toEqual({ day: "2026-11-21", downloads: null, missing: "no snapshot of the total on 2026-10-22 (tracking began on 2026-11-20)" });
  });

  it("an unknown repository is a per-package 'gone' error", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/v2/namespaces/nobody/repositories/nothing").reply(404, { message: "object not found", errinfo: {} });
    const error = await docker.snapshot!("nobody/nothing", contextFor(docker, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(UnavailableError);
    expect(String(error)).toContain("docker:nobody/nothing: gone: hub.docker.com answered 404: object not found");
  });

  it("on a 429 waits until the unix timestamp in X-Retry-After", async () => {
    const time = fakeTime();
    const retryAt = Date.parse("2026-11-20T03:00:42Z") / 1000;
    const scope = nock(API)
      .get("/v2/namespaces/library/repositories/redis")
      .reply(429, { message: "Too Many Requests" }, { "x-retry-after": String(retryAt), "x-ratelimit-remaining": "0" })
      .get("/v2/namespaces/library/repositories/redis")
      .reply(200, { pull_count: 9 });
    const snapshot = await docker.snapshot!("library/redis", contextFor(docker, time));
    scope.done();
    expect(snapshot.total).toBe(9);
    expect(time.sleeps).toEqual([42_000]);
  });

  it("a 429 HTML page is a rate limit too", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/v2/namespaces/library/repositories/redis")
      .reply(429, HTML_429, { "content-type": "text/html" })
      .get("/v2/namespaces/library/repositories/redis")
      .reply(200, { pull_count: 9 });
    expect((await docker.snapshot!("library/redis", contextFor(docker, time))).total).toBe(9);
    scope.done();
  });

  it("a malformed body is a ResponseShapeError naming the field", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/v2/namespaces/library/repositories/redis").reply(200, { pull_count: "1.2B" });
    const error = await docker.snapshot!("library/redis", contextFor(docker, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(String(error)).toMatch(/docker:library\/redis: unexpected response: pull_count: /);
  });

  it.each([
    ["nginx", null],
    ["grafana/grafana", null],
    ["bitnami/postgresql-repmgr", null],
    ["Nginx", "not a valid Docker Hub name"],
    ["a/b/c", "not a Docker Hub repository"],
    ["foo/-bar", "not a valid Docker Hub name"],
  ])("name %s: %s", (name, problem) => {
    if (problem === null) expect(docker.nameProblem(name)).toBeNull();
    else expect(docker.nameProblem(name)).toContain(problem);
  });
});
