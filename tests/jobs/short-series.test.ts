import nock from "nock";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { collectPackages } from "../../src/jobs/packages.js";
import { createHttpClient } from "../../src/registries/http.js";
import { openDb } from "../../src/store/open.js";
import { loadDownloads30 } from "../../src/jobs/score.js";
import { dayRange } from "../../src/util/time.js";
import { fakeTime, useNock } from "../registries/helpers.js";

/** An empty or short daily series from a registry is missing days, never zeros. */

const noGithub = { listReleaseAssets: () => Promise.reject(new Error("no GitHub here")) };

function setup(registry: string, name: string) {
  const db = openDb(":memory:");
  const config = configSchema.parse({ projects: [{ name: "p", packages: [{ registry, name }] }] });
  const deps = (now: string) => {
    const time = fakeTime(now);
    return { db, config, http: createHttpClient({ clock: time.clock, sleep: time.sleep }), github: noGithub, now: time.clock() };
  };
  const stored = () => ({
    rows: db.prepare("SELECT COUNT(*) FROM package_downloads").pluck().get() as number,
    zeros: db.prepare("SELECT COUNT(*) FROM package_downloads WHERE downloads = 0").pluck().get() as number,
    pending: db.prepare("SELECT day FROM package_pending_days ORDER BY day").pluck().all() as string[],
  });
  return { db, deps, stored };
}

describe("an empty or short daily series", () => {
  useNock();

  it("npm: the right start/end with downloads: [] stores no zeros; the days stay pending and the next collect fetches them again", async () => {
    const { db, deps, stored } = setup("npm", "left-pad");
    const npm = nock("https://api.npmjs.org")
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 0, start: "2026-11-19", end: "2026-11-19", package: "left-pad" })
      .get("/downloads/range/2026-09-01:2026-11-19/left-pad")
      .reply(200, { start: "2026-09-01", end: "2026-11-19", package: "left-pad", downloads: [] });
    await collectPackages(deps("2026-11-20T03:00:00Z"), { mode: "backfill", since: "2026-09-01" });
    npm.done();
    expect(stored()).toEqual({ rows: 0, zeros: 0, pending: dayRange("2026-09-01", "2026-11-20") });
    // U is unknown, not 0.
    const [u] = loadDownloads30(db, [1], ["2026-11-19"]).get(1)!;
    expect(u?.downloads).toBeNull();

    // A short series next time: the collect starts at the oldest pending day (not 30 days back),
    // keeps what is listed, and leaves what is still not listed pending.
    const listed = dayRange("2026-09-01", "2026-11-10");
    const again = nock("https://api.npmjs.org")
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 4, start: "2026-11-20", end: "2026-11-20", package: "left-pad" })
      .get("/downloads/range/2026-09-01:2026-11-20/left-pad")
      .reply(200, { start: "2026-09-01", end: "2026-11-20", package: "left-pad", downloads: listed.map((day) => ({ day, downloads: 4 })) });
    await collectPackages(deps("2026-11-21T03:00:00Z"), { mode: "collect" });
    again.done();
    expect(stored()).toEqual({ rows: listed.length, zeros: 0, pending: dayRange("2026-11-11", "2026-11-21") });
  });

  it.each([
    ["pypi", "requests", "https://pypistats.org", "/api/packages/requests/overall", { data: [] }],
    ["crates", "serde", "https://crates.io", "/api/v1/crates/serde/downloads", { version_downloads: [], meta: { extra_downloads: [] } }],
  ])("%s: an empty answer stores no zeros; every day stays pending", async (registry, name, origin, path, body) => {
    const { deps, stored } = setup(registry, name);
    const scope = nock(origin).get(path).reply(200, body);
    if (registry === "crates") scope.get("/api/v1/crates/serde").reply(200, { crate: { downloads: 10, recent_downloads: 1 } });
    await collectPackages(deps("2026-11-20T03:00:00Z"), { mode: "collect" });
    scope.done();
    const { rows, zeros, pending } = stored();
    expect({ rows, zeros }).toEqual({ rows: 0, zeros: 0 });
    expect(pending.at(-1)).toBe("2026-11-20");
    expect(pending.length).toBeGreaterThanOrEqual(30);
  });
});
