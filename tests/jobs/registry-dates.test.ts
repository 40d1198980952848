import nock from "nock";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { collectPackages } from "../../src/jobs/packages.js";
import { createHttpClient } from "../../src/registries/http.js";
import { openDb } from "../../src/store/open.js";
import { startRun } from "../../src/store/runs.js";
import { dayRange } from "../../src/util/time.js";
import { fakeTime, useNock } from "../registries/helpers.js";

/** Registry rows dated outside 1970-01-01 .. now + 1 day are left out at the schema boundary and named in the run's record. */

describe("registry days out of range", () => {
  useNock();

  it("npm: a row dated +275760 or next decade is left out, the rest kept, and the run's record names it", async () => {
    const db = openDb(":memory:");
    const config = configSchema.parse({ projects: [{ name: "p", packages: [{ registry: "npm", name: "left-pad" }] }] });
    const time = fakeTime("2026-11-20T03:00:00Z");
    const runId = startRun(db, "collect", "test", time.clock());
    const days = dayRange("2026-10-21", "2026-11-19");
    const scope = nock("https://api.npmjs.org")
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "left-pad" })
      .get("/downloads/range/2026-10-21:2026-11-19/left-pad")
      .reply(200, {
        start: "2026-10-21",
        end: "2026-11-19",
        package: "left-pad",
        downloads: [...days.map((day) => ({ day, downloads: 2 })), { day: "+275760-09-13", downloads: 9 }, { day: "2036-01-01", downloads: 9 }],
      });
    const summary = await collectPackages({ db, config, http: createHttpClient({ clock: time.clock, sleep: time.sleep }), github: { listReleaseAssets: async () => [] }, now: time.clock() }, { mode: "collect", runId });
    scope.done();
    expect(summary.packages[0]).toMatchObject({ outcome: "ok", rowsWritten: days.length });
    expect(db.prepare("SELECT MIN(day) AS first, MAX(day) AS last, SUM(downloads) AS sum FROM package_downloads").get()).toEqual({ first: "2026-10-21", last: "2026-11-19", sum: 2 * days.length });
    const record = db.prepare("SELECT outcome, error FROM run_targets").get() as { outcome: string; error: string };
    expect(record.outcome).toBe("ok");
    expect(record.error).toMatch(/npm:left-pad: left out downloads\.30 \(day \+275760-09-13\): day: not a YYYY-MM-DD day/);
    expect(record.error).toMatch(/npm:left-pad: left out downloads\.31 \(day 2036-01-01\): day: 2036-01-01 is outside 1970-01-01 \.\. 2026-11-21/);
  });

  it("a `start` out of range is not a row: the whole answer is refused", async () => {
    const db = openDb(":memory:");
    const config = configSchema.parse({ projects: [{ name: "p", packages: [{ registry: "npm", name: "left-pad" }] }] });
    const time = fakeTime("2026-11-20T03:00:00Z");
    nock("https://api.npmjs.org")
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 1, start: "2099-11-19", end: "2099-11-19", package: "left-pad" });
    const summary = await collectPackages({ db, config, http: createHttpClient({ clock: time.clock, sleep: time.sleep }), github: { listReleaseAssets: async () => [] }, now: time.clock() }, { mode: "collect" });
    expect(summary.packages[0]).toMatchObject({ outcome: "failed", error: expect.stringMatching(/end: 2099-11-19 is outside 1970-01-01 \.\. 2026-11-21/) });
    expect(db.prepare("SELECT COUNT(*) FROM package_downloads").pluck().get()).toBe(0);
  });
});
