import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema, type Config } from "../../src/config/schema.js";
import { HostError } from "../../src/errors.js";
import { collectPackages } from "../../src/jobs/packages.js";
import { createHttpClient } from "../../src/registries/http.js";
import type { ReleaseAsset, ReleaseAssetSource } from "../../src/registries/types.js";
import { openDb, type Db } from "../../src/store/open.js";
import { loadDownloads30 } from "../../src/jobs/score.js";
import { listProjectPackages } from "../../src/store/packages.js";
import { startRun } from "../../src/store/runs.js";
import { dayRange } from "../../src/util/time.js";
import { fakeTime, useNock } from "../registries/helpers.js";

const NPM = "https://api.npmjs.org";
const PYPI = "https://pypistats.org";
const DOCKER = "https://hub.docker.com";

const github: ReleaseAssetSource = {
  listReleaseAssets: async (fullName): Promise<ReleaseAsset[]> => {
    if (fullName === "octo/broken") throw new HostError("api.github.com answered 502", "api.github.com", 502);
    return [{ releaseId: 1, assetId: 10, name: "tool.tgz", downloadCount: 77 }];
  },
};

function config(projects: unknown[]): Config {
  return configSchema.parse({ projects });
}

const CONFIG = config([
  {
    name: "Alpha",
    packages: [
      { registry: "npm", name: "left-pad" },
      { registry: "docker", name: "nginx" },
      { registry: "pypi", name: "No_Such.Project" },
    ],
  },
  {
    name: "Beta",
    packages: [
      { registry: "npm", name: "left-pad" },
      { registry: "github-releases", name: "octo/tool" },
      { registry: "github-releases", name: "octo/broken" },
    ],
  },
]);

/** The answers one collect on 2026-11-20 needs. */
function mockCollect(): nock.Scope[] {
  const window = dayRange("2026-10-21", "2026-11-19");
  return [
    nock(NPM)
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 10, start: "2026-11-19", end: "2026-11-19", package: "left-pad" })
      .get("/downloads/range/2026-10-21:2026-11-19/left-pad")
      .reply(200, { start: "2026-10-21", end: "2026-11-19", package: "left-pad", downloads: window.map((day) => ({ day, downloads: 10 })) }),
    nock(DOCKER).get("/v2/namespaces/library/repositories/nginx").reply(200, { pull_count: 1000 }),
    nock(PYPI).get("/api/packages/no-such-project/overall").reply(404, "Not Found"),
  ];
}

function counts(db: Db): Record<string, number> {
  const tables = ["packages", "project_packages", "package_downloads", "package_pending_days", "package_snapshots", "projects"];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number]));
}

describe("collectPackages", () => {
  useNock();
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "oss-pulse-packages-"));
    db = openDb(join(dir, "test.db"));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function deps(now: string, cfg: Config = CONFIG) {
    const time = fakeTime(now);
    return { db, config: cfg, http: createHttpClient({ clock: time.clock, sleep: time.sleep }), github, now: time.clock() };
  }

  it("collects every package; a failing one is recorded and the others go on", async () => {
    const scopes = mockCollect();
    const runId = startRun(db, "collect", "test", new Date("2026-11-20T03:00:00Z"));
    const summary = await collectPackages(deps("2026-11-20T03:00:00Z"), { mode: "collect", runId });
    for (const scope of scopes) scope.done();

    expect(summary.packages.map((p) => [p.target, p.outcome, p.rowsWritten, p.requests])).toEqual([
      ["npm:left-pad", "ok", 30, 2],
      ["docker:library/nginx", "ok", 1, 1],
      ["pypi:no-such-project", "gone", 0, 1],
      ["github-releases:octo/tool", "ok", 1, 0],
      ["github-releases:octo/broken", "failed", 0, 0],
    ]);
    expect(summary.failed).toBe(2);
    expect(summary.requests).toBe(4);
    expect(db.prepare("SELECT target, outcome, error FROM run_targets WHERE run_id = ? ORDER BY target").all(runId)).toEqual([
      { target: "docker:library/nginx", outcome: "ok", error: null },
      { target: "github-releases:octo/broken", outcome: "failed", error: "api.github.com answered 502" },
      { target: "github-releases:octo/tool", outcome: "ok", error: null },
      { target: "npm:left-pad", outcome: "ok", error: null },
      { target: "pypi:no-such-project", outcome: "gone", error: expect.stringContaining("pypistats.org answered 404") },
    ]);
    expect(db.prepare("SELECT status FROM packages WHERE registry = 'pypi'").pluck().get()).toBe("gone");
    expect(listProjectPackages(db, "Beta").map((p) => `${p.registry}:${p.name}`)).toEqual([
      "github-releases:octo/broken",
      "github-releases:octo/tool",
      "npm:left-pad",
    ]);

    // The day npm has not published is pending, and so is the 30-day figure that needs it.
    const leftPad = listProjectPackages(db, "Alpha").find((p) => p.registry === "npm")!.id;
    expect(loadDownloads30(db, [leftPad], ["2026-11-19", "2026-11-20"]).get(leftPad)).toEqual([
      { day: "2026-11-19", downloads: 300, method: "daily" },
      { day: "2026-11-20", downloads: null, missing: "daily downloads pending (not published yet) for 2026-11-20" },
    ]);
  });

  it("running twice writes no duplicate rows", async () => {
    for (const run of [1, 2]) {
      const scopes = mockCollect();
      const summary = await collectPackages(deps(`2026-11-20T0${run + 2}:00:00Z`), { mode: "collect" });
      for (const scope of scopes) scope.done();
      if (run === 2) expect(summary.packages.find((p) => p.target === "npm:left-pad")?.rowsWritten).toBe(0);
    }
    expect(counts(db)).toEqual({
      packages: 5,
      project_packages: 6,
      package_downloads: 30,
      package_pending_days: 1,
      package_snapshots: 2,
      projects: 2,
    });
  });

  it("the next day fetches what was pending and clears it", async () => {
    const first = mockCollect();
    await collectPackages(deps("2026-11-20T03:00:00Z"), { mode: "collect", projects: ["alpha"] });
    for (const scope of first) scope.done();
    const scope = nock(NPM)
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 4, start: "2026-11-20", end: "2026-11-20", package: "left-pad" })
      .get("/downloads/range/2026-10-22:2026-11-20/left-pad")
      .reply(200, {
        start: "2026-10-22",
        end: "2026-11-20",
        package: "left-pad",
        downloads: dayRange("2026-10-22", "2026-11-20").map((day) => ({ day, downloads: day === "2026-11-20" ? 4 : 10 })),
      });
    const cfg = config([{ name: "Alpha", packages: [{ registry: "npm", name: "left-pad" }] }]);
    const summary = await collectPackages(deps("2026-11-21T03:00:00Z", cfg), { mode: "collect" });
    scope.done();
    expect(summary.packages.map((p) => [p.target, p.outcome, p.rowsWritten])).toEqual([["npm:left-pad", "ok", 1]]);
    expect(db.prepare("SELECT day FROM package_pending_days").pluck().all()).toEqual(["2026-11-21"]);
    // the config no longer lists nginx and the PyPI project for Alpha: their links are gone, their rows stay
    expect(listProjectPackages(db, "Alpha").map((p) => p.name)).toEqual(["left-pad"]);
    expect(counts(db).packages).toBe(3);
  });

  it("backfill reaches back to `since`, or as far as the registry keeps", async () => {
    const cfg = config([{ name: "Alpha", packages: [{ registry: "npm", name: "left-pad" }, { registry: "pypi", name: "requests" }] }]);
    const scope = nock(NPM)
      .get("/downloads/point/last-day/left-pad")
      .reply(200, { downloads: 1, start: "2026-11-19", end: "2026-11-19", package: "left-pad" })
      .get("/downloads/range/2026-11-10:2026-11-19/left-pad")
      .reply(200, { start: "2026-11-10", end: "2026-11-19", package: "left-pad", downloads: [] });
    const pypiScope = nock(PYPI)
      .get("/api/packages/requests/overall")
      .reply(200, { data: [{ category: "without_mirrors", date: "2026-11-19", downloads: 5 }] });
    const summary = await collectPackages(deps("2026-11-20T03:00:00Z", cfg), { mode: "backfill", since: "2026-11-10" });
    scope.done();
    pypiScope.done();
    // npm answered the right start/end with no days: those ten days are missing (pending), never
    // zeros. pypistats omits days without downloads, so its days up to the one it lists are 0.
    expect(summary.packages.map((p) => [p.target, p.rowsWritten])).toEqual([
      ["npm:left-pad", 0],
      ["pypi:requests", 10],
    ]);
    const npmId = db.prepare("SELECT id FROM packages WHERE registry = 'npm'").pluck().get();
    expect(db.prepare("SELECT COUNT(*) FROM package_pending_days WHERE package_id = ? AND day BETWEEN '2026-11-10' AND '2026-11-19'").pluck().get(npmId)).toBe(10);
  });

  it("an unknown project name is a ConfigError before anything is written", async () => {
    await expect(collectPackages(deps("2026-11-20T03:00:00Z"), { mode: "collect", projects: ["Nope"] })).rejects.toThrow(/no project named "Nope"/);
    expect(counts(db).packages).toBe(0);
  });
});
