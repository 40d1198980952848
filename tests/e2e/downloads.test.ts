import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import {
  type DailyFigures,
  type Day,
  type FakeHfRepo,
  type FakeRegistries,
  type FakeRegistryData,
  addDays,
  daysFrom,
  startFakeRegistries,
} from "../support/fake-registries.js";

/**
 * Users U(x) from stars and package downloads, end to end: the built CLI collects one project
 * (one GitHub repository and one package on every registry) from loopback fakes over several
 * days, and the scores it prints are checked against U worked out here from the fakes' data,
 * with "downloads in the 30 days ending on d" as docs/registries.md defines it.
 *
 * The release-file total is read after the repository's own release crawl stored an ETag for
 * the same URL: it must not be read as a 304 (an empty page); these checks guard that.
 */

const TOKEN = "test-token-downloads";
const D1 = "2026-09-01";
/** Day n of the test: day(1) is D1. */
const day = (n: number): Day => addDays(D1, n - 1);
const [D2, D3, D4, D31, D32, D33] = [day(2), day(3), day(4), day(31), day(32), day(33)];

const MODELS = {
  seed: { stars: 1, downloads: 1 },
  weighted: { stars: 3, downloads: 0.25 },
} as const;

/** How each package shows in the score's `missing` list. */
const LABEL = {
  npm: "downloads:npm:@acme/engine",
  pypi: "downloads:pypi:acme-engine", // configured as "Acme.Engine": PEP 503 names it so
  crates: "downloads:crates:acme_engine",
  docker: "downloads:docker:acme/engine",
  hfModel: "downloads:huggingface-model:acme/engine-7b",
  hfDataset: "downloads:huggingface-dataset:acme/engine-eval",
  releases: "downloads:github-releases:acme/engine",
} as const;
const STARS = "stars:acme/engine";

// ---- The daily series the registries publish ----

/** A deterministic figure per day of [from, to]: `base` plus a wobble, so no two windows sum alike by accident. */
function series(from: Day, to: Day, base: number, wobble: number, step: number): DailyFigures {
  return Object.fromEntries(daysFrom(from, to).map((d, i) => [d, base + ((i * step) % wobble)]));
}

const NPM_DAILY = series(addDays(D1, -600), D33, 2_000, 500, 37);
const PYPI_DAILY = series(addDays(D1, -200), D33, 300, 70, 13);
// Days without a single download: pypistats leaves them out, and they must count as 0. One in
// D1's window, two in the windows of D31 and D32.
for (const d of [addDays(D1, -5), day(12), day(20)]) PYPI_DAILY[d] = 0;
const CRATE_DAILY = series(addDays(D1, -120), D33, 500, 90, 7);

// ---- What the totals-only registries say on each run ----

interface Run {
  day: Day;
  command: "backfill" | "collect";
  stars: number;
  dockerPulls: number;
  /** Downloads of release files since the previous run. */
  newAssetDownloads: number;
  hfModel: FakeHfRepo;
  hfDataset: FakeHfRepo;
  /** npm is late: yesterday is not published yet. */
  npmLate?: true;
  /** Late download logs reach crates.io: an earlier day's figure grows. */
  lateCrateLogs?: { day: Day; more: number };
  /** A release file is deleted: the all-time total of release downloads goes down. */
  deleteAsset?: true;
}

const hf = (downloads: number, downloadsAllTime: number, likes: number): FakeHfRepo => ({ downloads, downloadsAllTime, likes });

// The Hub's all-time figures grow much faster than its 30-day ones here, so a score that took
// total(d) - total(d-30) instead of the stated 30-day figure would be visibly wrong.
const RUNS: Run[] = [
  { day: D1, command: "backfill", stars: 150, dockerPulls: 50_000, newAssetDownloads: 0, hfModel: hf(4_000, 90_000, 12), hfDataset: hf(700, 9_000, 3) },
  // Same day again: each snapshot replaces the backfill's.
  { day: D1, command: "collect", stars: 150, dockerPulls: 50_140, newAssetDownloads: 25, hfModel: hf(4_010, 90_100, 12), hfDataset: hf(702, 9_010, 3) },
  { day: D2, command: "collect", stars: 153, dockerPulls: 51_020, newAssetDownloads: 60, hfModel: hf(4_120, 92_000, 13), hfDataset: hf(720, 9_400, 3) },
  { day: D3, command: "collect", stars: 155, dockerPulls: 51_900, newAssetDownloads: 75, hfModel: hf(4_230, 94_000, 13), hfDataset: hf(741, 9_800, 4), npmLate: true },
  { day: D4, command: "collect", stars: 160, dockerPulls: 52_650, newAssetDownloads: 40, hfModel: hf(4_300, 96_000, 14), hfDataset: hf(760, 10_300, 4) },
  // Nothing is collected on days 5-30: the totals rule needs only the snapshots of d and d-30.
  { day: D31, command: "collect", stars: 230, dockerPulls: 79_300, newAssetDownloads: 900, hfModel: hf(5_100, 150_000, 20), hfDataset: hf(910, 21_000, 6) },
  { day: D32, command: "collect", stars: 232, dockerPulls: 80_150, newAssetDownloads: 45, hfModel: hf(5_180, 152_000, 20), hfDataset: hf(915, 21_500, 6) },
  {
    day: D33,
    command: "collect",
    stars: 240,
    dockerPulls: 81_010,
    newAssetDownloads: 30,
    hfModel: hf(5_260, 154_000, 21),
    hfDataset: hf(930, 22_000, 6),
    lateCrateLogs: { day: D31, more: 40 },
    deleteAsset: true,
  },
];

/** What was served on each day (the last run of a day wins, as its snapshot replaces earlier ones). */
interface Served {
  stars: number;
  dockerPulls: number;
  assetDownloads: number;
  hfModel: number;
  hfDataset: number;
}
const served: Record<Day, Served> = {};

// ---- U worked out from the fakes' data, without any oss-pulse code ----

/** The sum of the published daily figures of d-29 … d. */
function sum30(daily: DailyFigures, d: Day): number {
  let sum = 0;
  for (const x of daysFrom(addDays(d, -29), d)) sum += daily[x] ?? 0;
  return sum;
}

function expectedUsers(d: Day, weights: { stars: number; downloads: number }): number {
  const today = served[d]!;
  const monthAgo = served[addDays(d, -30)]!;
  const stars = today.stars; // the repository's stars snapshot of the day
  const npm = sum30(NPM_DAILY, d);
  const pypi = sum30(PYPI_DAILY, d); // without mirrors; left-out days are 0
  const crates = sum30(CRATE_DAILY, d); // all versions, with the late logs that arrived since
  const docker = today.dockerPulls - monthAgo.dockerPulls; // total(d) - total(d-30)
  const releases = today.assetDownloads - monthAgo.assetDownloads; // total(d) - total(d-30)
  const hfModel = today.hfModel; // the 30-day figure the Hub stated on d
  const hfDataset = today.hfDataset;
  return weights.stars * stars + weights.downloads * (npm + pypi + crates + docker + releases + hfModel + hfDataset);
}

// ---- Plumbing ----

interface ScoreRow {
  project: string;
  model: string;
  day: Day;
  a: number | null;
  n: number | null;
  u: number | null;
  f: number | null;
  complete: boolean;
  missing: string[];
}

interface Summary {
  runId: number;
  status: string;
  targets: { target: string; outcome: string; error?: string }[];
}

const ACME_TARGETS = [
  "acme/engine",
  "npm:@acme/engine",
  "pypi:acme-engine",
  "crates:acme_engine",
  "docker:acme/engine",
  "huggingface-model:acme/engine-7b",
  "huggingface-dataset:acme/engine-eval",
  "github-releases:acme/engine",
];

/** The downloads entries of a score's missing list, sorted. */
const missingDownloads = (row: ScoreRow) => row.missing.filter((m) => m.startsWith("downloads:")).sort();

describe("downloads from every registry in U(x), end to end", () => {
  let gh: FakeGitHub;
  let registries: FakeRegistries;
  let repo: FakeRepo;
  let dbPath: string;
  let config: string;

  beforeAll(async () => {
    repo = generateRepo({ owner: "acme", name: "engine", id: 42, seed: 42, commits: 80, issues: 20, pulls: 15, releases: 5, startDay: addDays(D1, -60), endDay: D1 });
    // Known release files: two per published release (the newest release is a draft, without files).
    repo.releases.forEach((release, i) => {
      release.assets = release.draft
        ? []
        : [
            { id: release.id * 10 + 1, name: `engine-${release.tagName}-linux.tar.gz`, downloadCount: 1_000 * (i + 1) },
            { id: release.id * 10 + 2, name: `engine-${release.tagName}-darwin.tar.gz`, downloadCount: 300 * (i + 1) },
          ];
    });
    gh = await startFakeGitHub({ repos: [repo], tokens: [TOKEN] });

    const data: FakeRegistryData = {
      today: D1,
      npm: { "@acme/engine": { daily: NPM_DAILY } },
      pypi: { "acme-engine": { daily: PYPI_DAILY, mirrorsPerDay: 25 } },
      crates: { acme_engine: { daily: CRATE_DAILY, downloadsBefore: 1_000_000 } },
      docker: { "acme/engine": { pulls: 0, stars: 9 } },
      huggingfaceModels: { "acme/engine-7b": hf(0, 0, 0) },
      huggingfaceDatasets: { "acme/engine-eval": hf(0, 0, 0) },
    };
    registries = await startFakeRegistries(data);

    const dir = tempDir();
    dbPath = join(dir, "pulse.db");
    const u = registries.urls;
    config = writeConfig(
      dir,
      `database: ${dbPath}
github: { apiUrl: ${gh.url}, retryBaseMs: 1 }
registries:
  npm: { baseUrl: "${u.npm}" }
  pypi: { baseUrl: "${u.pypi}" }
  crates: { baseUrl: "${u.crates}" }
  docker: { baseUrl: "${u.docker}" }
  huggingface-model: { baseUrl: "${u["huggingface-model"]}" }
  huggingface-dataset: { baseUrl: "${u["huggingface-dataset"]}" }
projects:
  - name: acme
    repos: [acme/engine]
    packages:
      - { registry: npm, name: "@acme/engine" }
      - { registry: pypi, name: Acme.Engine }
      - { registry: crates, name: acme_engine }
      - { registry: docker, name: acme/engine }
      - { registry: huggingface-model, name: acme/engine-7b }
      - { registry: huggingface-dataset, name: acme/engine-eval }
      - { registry: github-releases, name: acme/engine }
  # Packages the registries do not know: kept apart, so they cannot make acme's U incomplete.
  - name: strays
    packages:
      - { registry: npm, name: ghost-pkg }
      - { registry: huggingface-model, name: acme/ghost-7b }
models:
  - name: seed
    window: 30
    users: { stars: ${MODELS.seed.stars}, downloads: ${MODELS.seed.downloads} }
  - name: weighted
    window: 30
    users: { stars: ${MODELS.weighted.stars}, downloads: ${MODELS.weighted.downloads} }
`,
    );
  });

  afterAll(async () => {
    await gh?.close();
    await registries?.close();
  });

  const env = (d: Day) => ({ GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: `${d}T12:00:00Z` });

  /** Sets what GitHub and the registries say for one run, and notes it for the expected values. */
  function setScene(run: Run): void {
    registries.setToday(run.day);
    repo.stars = run.stars;
    registries.data.docker["acme/engine"]!.pulls = run.dockerPulls;
    Object.assign(registries.data.huggingfaceModels["acme/engine-7b"]!, run.hfModel);
    Object.assign(registries.data.huggingfaceDatasets["acme/engine-eval"]!, run.hfDataset);
    const published = repo.releases.filter((r) => !r.draft);
    published.at(-1)!.assets[0]!.downloadCount += run.newAssetDownloads;
    if (run.deleteAsset) published[0]!.assets.shift();
    const npm = registries.data.npm["@acme/engine"]!;
    if (run.npmLate) npm.newestDay = addDays(run.day, -2);
    else delete npm.newestDay;
    if (run.lateCrateLogs) CRATE_DAILY[run.lateCrateLogs.day] = (CRATE_DAILY[run.lateCrateLogs.day] ?? 0) + run.lateCrateLogs.more;
    gh.state.touch("acme/engine");
    served[run.day] = {
      stars: run.stars,
      dockerPulls: run.dockerPulls,
      assetDownloads: repo.releases.reduce((sum, r) => sum + r.assets.reduce((s, a) => s + a.downloadCount, 0), 0),
      hfModel: run.hfModel.downloads,
      hfDataset: run.hfDataset.downloads,
    };
  }

  /** Runs one backfill or collect of the table and checks that every acme target was collected. */
  async function perform(run: Run): Promise<Summary> {
    setScene(run);
    const result = await runCli(["--config", config, "--json", run.command], { env: env(run.day) });
    expect(result.stderr).not.toMatch(/unexpected error/);
    const summary = JSON.parse(result.stdout) as Summary;
    const outcome = Object.fromEntries(summary.targets.map((t) => [t.target, t.outcome]));
    for (const target of ACME_TARGETS) expect(outcome[target], `${run.day} ${run.command} ${target}: ${JSON.stringify(summary.targets)}`).toBe("ok");
    return summary;
  }

  async function scores(today: Day, from: Day, to: Day): Promise<ScoreRow[]> {
    const result = await runCli(["--config", config, "score", "--json", "--all-models", "--from", from, "--to", to], { env: env(today) });
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as ScoreRow[]).filter((r) => r.project === "acme");
  }

  function query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(dbPath, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** Stored daily figures of a package, by day. */
  const storedDaily = (registry: string) =>
    new Map(
      query<{ day: Day; downloads: number }>(
        "SELECT d.day, d.downloads FROM package_downloads d JOIN packages p ON p.id = d.package_id WHERE p.registry = ? ORDER BY d.day",
        registry,
      ).map((r) => [r.day, r.downloads]),
    );
  const pendingDays = (registry: string) =>
    query<{ day: Day }>(
      "SELECT q.day FROM package_pending_days q JOIN packages p ON p.id = q.package_id WHERE p.registry = ? ORDER BY q.day",
      registry,
    ).map((r) => r.day);

  it("backfills on D1: each daily series as far back as its registry keeps it", async () => {
    await perform(RUNS[0]!);
    const npm = storedDaily("npm");
    const pypi = storedDaily("pypi");
    const crates = storedDaily("crates");
    // pypistats keeps 180 days and crates.io 90 (today pending in both). npm serves 18 months,
    // from 2025-03-01; oss-pulse may keep a day or two of margin. No npm answer came back
    // clipped (a clipped one would have been refused, not stored).
    expect([...pypi.keys()][0]).toBe(addDays(D1, -179));
    expect([...crates.keys()][0]).toBe(addDays(D1, -89));
    expect([...npm.keys()][0]! >= "2025-03-01").toBe(true);
    expect([...npm.keys()][0]! <= "2025-03-03").toBe(true);
    expect(registries.requests.filter((r) => r.registry === "npm" && r.path.startsWith("/downloads/range/")).every((r) => r.status === 200)).toBe(true);
    for (const [d, n] of npm) expect(n, `npm ${d}`).toBe(NPM_DAILY[d]);
    // A day pypistats leaves out before its newest day is a published 0, not a gap.
    expect(pypi.get(addDays(D1, -5))).toBe(0);
    for (const [d, n] of pypi) expect(n, `pypi ${d}`).toBe(PYPI_DAILY[d]);
    for (const [d, n] of crates) expect(n, `crates ${d}`).toBe(CRATE_DAILY[d]);
    // Today is not published anywhere yet: pending, never a 0.
    for (const registry of ["npm", "pypi", "crates"]) {
      expect(storedDaily(registry).has(D1), registry).toBe(false);
      expect(pendingDays(registry), registry).toEqual([D1]);
    }
  }, 60_000);

  it("records unknown packages as per-package failures and collects the others", async () => {
    const summary = await perform(RUNS[1]!);
    const target = (name: string) => summary.targets.find((t) => t.target === name);
    expect(target("npm:ghost-pkg")).toMatchObject({ outcome: "gone" });
    expect(target("npm:ghost-pkg")?.error).toMatch(/404/);
    // The Hub answers 401 for a repository that does not exist.
    expect(target("huggingface-model:acme/ghost-7b")).toMatchObject({ outcome: "gone" });
    expect(target("huggingface-model:acme/ghost-7b")?.error).toMatch(/401/);
    expect(registries.requests.some((r) => r.path === "/downloads/point/last-day/ghost-pkg" && r.status === 404)).toBe(true);

    const rows = query<{ target: string; outcome: string; error: string | null }>(
      "SELECT target, outcome, error FROM run_targets WHERE run_id = ? ORDER BY target",
      summary.runId,
    );
    const byTarget = new Map(rows.map((r) => [r.target, r]));
    expect(byTarget.get("npm:ghost-pkg")).toMatchObject({ outcome: "gone" });
    expect(byTarget.get("npm:ghost-pkg")?.error).toMatch(/404/);
    expect(byTarget.get("huggingface-model:acme/ghost-7b")).toMatchObject({ outcome: "gone" });
    for (const t of ACME_TARGETS.filter((t) => t.includes(":"))) expect(byTarget.get(t)?.outcome, t).toBe("ok");
    expect(query("SELECT registry, name, status FROM packages WHERE status = 'gone' ORDER BY registry")).toEqual([
      { registry: "huggingface-model", name: "acme/ghost-7b", status: "gone" },
      { registry: "npm", name: "ghost-pkg", status: "gone" },
    ]);
    // The release-file total is the sum of every asset's download count.
    expect(
        query<{ total: number }>(
          "SELECT s.total FROM package_snapshots s JOIN packages p ON p.id = s.package_id WHERE p.registry = 'github-releases' AND s.day = ?",
          D1,
        ),
        "github-releases total",
      )
      .toEqual([{ total: served[D1]!.assetDownloads }]);
    // The same-day collect replaced the backfill's snapshots: one row per package for D1.
    expect(
      query<{ total: number }>(
        "SELECT s.total FROM package_snapshots s JOIN packages p ON p.id = s.package_id WHERE p.registry = 'docker' AND s.day = ?",
        D1,
      ),
    ).toEqual([{ total: 50_140 }]);
  }, 60_000);

  it("keeps a day npm has not published yet pending for npm alone, then fills it in", async () => {
    await perform(RUNS[2]!); // D2
    await perform(RUNS[3]!); // D3: npm is late, D2 is not out yet
    expect(storedDaily("npm").has(D2)).toBe(false);
    expect(pendingDays("npm")).toEqual([D2, D3]);
    expect(storedDaily("pypi").get(D2)).toBe(PYPI_DAILY[D2]);
    expect(storedDaily("crates").get(D2)).toBe(CRATE_DAILY[D2]);

    // Scored on D3, D2's users are unknown: npm is named (with the totals-only registries, still in
    // their first 30 days); pypi and crates, published, are not.
    const early = await scores(D3, D2, D2);
    expect(early).toHaveLength(2);
    for (const row of early) {
      expect(row.u, row.model).toBeNull();
      expect(row.complete).toBe(false);
      expect(missingDownloads(row)).toEqual([LABEL.docker, LABEL.npm, LABEL.releases].sort());
    }

    await perform(RUNS[4]!); // D4: npm has caught up
    expect(storedDaily("npm").get(D2)).toBe(NPM_DAILY[D2]);
    expect(pendingDays("npm")).toEqual([D4]);
  }, 60_000);

  it("collects again after four weeks without a run", async () => {
    await perform(RUNS[5]!); // D31
    await perform(RUNS[6]!); // D32
    await perform(RUNS[7]!); // D33: late crate logs for D31, a release file deleted
    // Every collect fetches the last 30 days again: the late logs replaced D31's figure.
    expect(storedDaily("crates").get(D31)).toBe(CRATE_DAILY[D31]);
    // crates.io's count of today, still running, is never stored.
    expect(storedDaily("crates").has(D33)).toBe(false);
    expect(pendingDays("crates")).toEqual([D33]);
    // The deleted release file took the release total down on D33: recorded as a drop.
    expect(
        query("SELECT d.day FROM package_total_drops d JOIN packages p ON p.id = d.package_id WHERE p.registry = 'github-releases'"),
        "github-releases total",
      )
      .toEqual([{ day: D33 }]);
  }, 60_000);

  it("scores U as worked out from the registries' data, and names every part it cannot know", async () => {
    const rows = await scores(D33, D1, D33);
    expect(rows).toHaveLength(2 * 33);
    for (const row of rows) {
      const what = `${row.model} ${row.day}`;
      const weights = MODELS[row.model as keyof typeof MODELS];
      if (row.day === D31 || row.day === D32) {
        // Everything known: 30 days of daily figures, the Hub's stated figures, and totals on d and d-30.
        expect(row, what).toMatchObject({ complete: true, missing: [] });
        expect(row.u, what).toBeCloseTo(expectedUsers(row.day, weights), 6);
        continue;
      }
      // Any other day lacks a part: U is unknown (null), never 0 or a partial sum.
      expect(row.u, what).toBeNull();
      expect(row.complete, what).toBe(false);
      if (row.day <= D4) {
        // Collected days in the first 30 days of tracking: Docker and release files give totals
        // only, and no total of d-30 exists. Everything else is known.
        expect(missingDownloads(row), what).toEqual([LABEL.docker, LABEL.releases].sort());
        expect(row.missing, what).not.toContain(STARS);
      } else if (row.day < D31) {
        // Days without a run: no stars snapshot, no snapshot for the totals or the Hub's
        // 30-day figure; the daily series were filled in by the D31 collect.
        expect(missingDownloads(row), what).toEqual([LABEL.docker, LABEL.releases, LABEL.hfDataset, LABEL.hfModel].sort());
        expect(row.missing, what).toContain(STARS);
      } else {
        // Today: npm and pypistats have not published it, so their 30 days are pending.
        expect(row.day).toBe(D33);
        expect(row.missing, what).toEqual(expect.arrayContaining([LABEL.npm, LABEL.pypi]));
        expect(row.missing, what).not.toContain(STARS);
        // crates.io's today is pending too, but the third rule (total(d) - total(d-30), crates.io
        // among its sources) applies: snapshots of D3 and D33 exist. docs/registries.md says both
        // that and, under "consequences", that crates.io's 30 days ending today stay pending.
        // This follows the rules (and the code); see the report.
        expect(row.missing, what).not.toContain(LABEL.crates);
        // A release file was deleted, so the release total went down within the window: unknown
        // (a reset, never negative downloads).
        expect(missingDownloads(row), what).toEqual([LABEL.releases, LABEL.npm, LABEL.pypi].sort());
      }
    }
    // The seed model's U on D31, written out once so the arithmetic can be read.
    const seedD31 = rows.find((r) => r.model === "seed" && r.day === D31)!;
    const docker = served[D31]!.dockerPulls - served[D1]!.dockerPulls;
    const releases = served[D31]!.assetDownloads - served[D1]!.assetDownloads;
    expect(docker).toBe(79_300 - 50_140); // D1's later snapshot, not the backfill's
    expect(seedD31.u, "seed U on D31").toBe(
      230 + sum30(NPM_DAILY, D31) + sum30(PYPI_DAILY, D31) + sum30(CRATE_DAILY, D31) + docker + releases + 5_100 + 910,
    );
  }, 60_000);
});

describe("fake registries", () => {
  let fake: FakeRegistries;
  beforeAll(async () => {
    fake = await startFakeRegistries({
      today: "2026-11-20",
      npm: { "left-pad": { daily: { "2026-11-18": 5, "2026-11-19": 7 } } },
      pypi: { "zope-interface": { daily: { "2026-11-17": 4, "2026-11-19": 6, "2026-11-20": 99 } } },
      crates: { serde: { daily: { "2026-11-19": 10, "2026-11-20": 8 }, downloadsBefore: 100 } },
      docker: {},
      huggingfaceModels: { "acme/m": hf(30, 1_000, 2) },
      huggingfaceDatasets: {},
    });
  });
  afterAll(async () => {
    await fake?.close();
  });
  const get = async (id: keyof FakeRegistries["urls"], path: string) => {
    const response = await fetch(`${fake.urls[id]}${path}`, { headers: { "user-agent": "oss-pulse tests" } });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  };

  it("answers with the quirks the collectors rely on", async () => {
    // npm: yesterday is the newest day; a start older than 18 months is clipped, and says so.
    expect((await get("npm", "/downloads/point/last-day/left-pad")).body).toMatchObject({ start: "2026-11-19", end: "2026-11-19", downloads: 7 });
    expect((await get("npm", "/downloads/range/2025-01-01:2025-06-01/left-pad")).body).toMatchObject({ start: "2025-05-20", end: "2025-06-01" });
    // pypistats: no rows for days without downloads, none for today.
    const pypi = (await get("pypi", "/api/packages/zope-interface/overall")).body as { data: { date: string }[] };
    expect([...new Set(pypi.data.map((r) => r.date))]).toEqual(["2026-11-17", "2026-11-19"]);
    // crates.io: today so far (half of 8) in the daily rows and the all-time total.
    const daily = (await get("crates", "/api/v1/crates/serde/downloads")).body as { version_downloads: { date: string; downloads: number }[]; meta: { extra_downloads: { date: string; downloads: number }[] } };
    const today = [...daily.version_downloads, ...daily.meta.extra_downloads].filter((r) => r.date === "2026-11-20").reduce((s, r) => s + r.downloads, 0);
    expect(today).toBe(4);
    expect((await get("crates", "/api/v1/crates/serde")).body).toMatchObject({ crate: { downloads: 114 } });
    // Hugging Face: expand[] is a whitelist; an unknown repository is 401.
    expect((await get("huggingface-model", "/api/models/acme/m?expand[]=likes")).body).toEqual({ _id: "fake-models-acme/m", id: "acme/m", likes: 2 });
    expect((await get("huggingface-model", "/api/models/acme/m")).body).not.toHaveProperty("downloadsAllTime");
    expect((await get("huggingface-model", "/api/models/acme/nope")).status).toBe(401);
    expect((await get("docker", "/v2/namespaces/library/repositories/nope")).status).toBe(404);
  });
});
