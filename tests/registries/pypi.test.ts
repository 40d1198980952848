import nock from "nock";
import { describe, expect, it } from "vitest";
import { HostError, ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { pypi } from "../../src/registries/pypi/index.js";
import { addDays, dayRange } from "../../src/util/time.js";
import { HTML_429, contextFor, fakeTime, useNock } from "./helpers.js";

const API = "https://pypistats.org";

function overall(rows: [string, number, number][]) {
  return {
    package: "requests",
    type: "overall_downloads",
    data: rows.flatMap(([date, withMirrors, without]) => [
      { category: "with_mirrors", date, downloads: withMirrors },
      { category: "without_mirrors", date, downloads: without },
    ]),
  };
}

describe("pypi (pypistats.org)", () => {
  useNock();

  it("reads downloads without mirrors; a day pypistats omits is 0; later days are pending", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/packages/requests/overall")
      .reply(
        200,
        overall([
          ["2026-11-16", 120, 100],
          ["2026-11-18", 130, 110],
        ]),
      );
    const series = await pypi.history!("requests", { from: "2026-11-16", to: "2026-11-20" }, contextFor(pypi, time));
    scope.done();
    expect(series.days).toEqual([
      { day: "2026-11-16", downloads: 100 },
      { day: "2026-11-17", downloads: 0 },
      { day: "2026-11-18", downloads: 110 },
    ]);
    expect(series.pending).toEqual(["2026-11-19", "2026-11-20"]);
  });

  it("reaches back 180 days at most: older rows and older asked-for days are left out", async () => {
    const time = fakeTime();
    const oldest = addDays("2026-11-20", -179);
    const rows = dayRange(addDays(oldest, -5), "2026-11-19").map((d): [string, number, number] => [d, 2, 1]);
    const scope = nock(API).get("/api/packages/requests/overall").reply(200, overall(rows));
    const series = await pypi.history!("requests", { from: "2026-01-01", to: "2026-11-20" }, contextFor(pypi, time));
    scope.done();
    expect(series.from).toBe(oldest);
    expect(series.days[0]).toEqual({ day: oldest, downloads: 1 });
    expect(series.days).toHaveLength(179);
    expect(series.pending).toEqual(["2026-11-20"]);
  });

  it("an unknown package is a per-package 'gone' error", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/api/packages/no-such-project/overall").reply(404, "Not Found", { "content-type": "text/plain" });
    const error = await pypi.history!("no-such-project", { from: "2026-11-01", to: "2026-11-20" }, contextFor(pypi, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).target).toBe("pypi:no-such-project");
  });

  it("backs off on a 429 (HTML page, then Retry-After as an HTTP date), then goes on", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/packages/requests/overall")
      .reply(429, HTML_429, { "content-type": "text/html" })
      .get("/api/packages/requests/overall")
      .reply(429, "", { "retry-after": new Date(Date.parse("2026-11-20T03:00:01Z") + 30_000).toUTCString() })
      .get("/api/packages/requests/overall")
      .reply(200, overall([["2026-11-19", 2, 1]]));
    const series = await pypi.history!("requests", { from: "2026-11-19", to: "2026-11-20" }, contextFor(pypi, time));
    scope.done();
    expect(series.days).toEqual([{ day: "2026-11-19", downloads: 1 }]);
    expect(time.sleeps).toEqual([1000, 30_000]);
  });

  it("gives up on a persistent 503 with a HostError, after 4 attempts", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/api/packages/requests/overall").times(4).reply(503, "busy");
    await expect(pypi.history!("requests", { from: "2026-11-19", to: "2026-11-20" }, contextFor(pypi, time))).rejects.toBeInstanceOf(HostError);
    scope.done();
    expect(time.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("a malformed body is a ResponseShapeError naming the field", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/packages/requests/overall")
      .reply(200, { data: [{ category: "without_mirrors", date: "yesterday", downloads: 1 }] });
    const error = await pypi.history!("requests", { from: "2026-11-19", to: "2026-11-20" }, contextFor(pypi, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(String(error)).toMatch(/pypi:requests: unexpected response: data\.0\.date: not a YYYY-MM-DD day/);
  });

  it.each([
    ["requests", null, "requests"],
    ["Django", null, "django"],
    ["zope.interface", null, "zope-interface"],
    ["Foo__Bar..baz", null, "foo-bar-baz"],
    ["-leading", "not a valid PyPI project name", null],
    ["has space", "not a valid PyPI project name", null],
  ])("name %s: problem %s, canonical %s", (name, problem, canonical) => {
    if (problem === null) {
      expect(pypi.nameProblem(name)).toBeNull();
      expect(pypi.normalizeName(name)).toBe(canonical);
    } else expect(pypi.nameProblem(name)).toContain(problem);
  });
});
