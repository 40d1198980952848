import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { type DailyFigures, type Day, type FakeRegistries, addDays, daysFrom, startFakeRegistries } from "../support/fake-registries.js";

/**
 * A project with packages and no repository is scored from its packages' first day, through the
 * built CLI against the loopback registries: backfill, then score. Before, its first day came
 * from repositories only, so it had "no data yet" however many days of downloads were stored.
 */

const TODAY = "2026-09-01";
const NPM_FROM = addDays(TODAY, -400);
const PYPI_FROM = addDays(TODAY, -100);

function series(from: Day, to: Day, base: number, step: number): DailyFigures {
  return Object.fromEntries(daysFrom(from, to).map((d, i) => [d, base + ((i * step) % 97)]));
}
const LATER = addDays(TODAY, 2);
const NPM = series(NPM_FROM, LATER, 1_000, 13);
const PYPI = series(PYPI_FROM, LATER, 200, 7);

/** Downloads in the 30 days ending on `day` (a day not listed had none). */
function last30(daily: DailyFigures, day: Day): number {
  return daysFrom(addDays(day, -29), day).reduce((sum, d) => sum + (daily[d] ?? 0), 0);
}

interface ScoreRow {
  project: string;
  day: string;
  u: number | null;
  a: number | null;
  missing: string[];
}

describe("a project with packages only", () => {
  let registries: FakeRegistries;
  let config: string;

  beforeAll(async () => {
    registries = await startFakeRegistries({
      today: TODAY,
      npm: { "solo-pkg": { daily: NPM } },
      pypi: { "solo-pkg": { daily: PYPI } },
      crates: {},
      docker: {},
      huggingfaceModels: {},
      huggingfaceDatasets: {},
    });
    const dir = tempDir();
    config = writeConfig(
      dir,
      `database: ${join(dir, "pulse.db")}
registries:
  npm: { baseUrl: "${registries.urls.npm}" }
  pypi: { baseUrl: "${registries.urls.pypi}" }
projects:
  - name: solo
    packages:
      - { registry: npm, name: solo-pkg }
      - { registry: pypi, name: solo-pkg }
models:
  - name: seed
    window: 30
    users: { stars: 1, downloads: 1 }
`,
    );
  });
  afterAll(async () => registries?.close());

  it("is scored from its packages' first day, with U from their downloads", { timeout: 60_000 }, async () => {
    const env = { OSS_PULSE_NOW: `${TODAY}T12:00:00Z` };
    const backfill = await runCli(["--config", config, "--json", "backfill"], { env });
    expect(backfill.code, backfill.stderr).toBe(0);

    const scored = await runCli(["--config", config, "score"], { env });
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stderr).not.toMatch(/has no data yet/);

    const result = await runCli(["--config", config, "score", "--json", "--from", NPM_FROM, "--to", addDays(TODAY, -1)], { env });
    expect(result.code, result.stderr).toBe(0);
    const rows = (JSON.parse(result.stdout) as ScoreRow[]).filter((r) => r.project === "solo");
    // Every day from the first download on has a row.
    expect(rows[0]?.day).toBe(NPM_FROM);
    expect(rows).toHaveLength(daysFrom(NPM_FROM, addDays(TODAY, -1)).length);
    // Once both packages' 30-day windows are covered, U is their downloads; no repo is missing.
    for (const day of [addDays(PYPI_FROM, 29), addDays(TODAY, -10), addDays(TODAY, -1)]) {
      const row = rows.find((r) => r.day === day)!;
      expect(row.missing, day).toEqual([]);
      expect(row.u, day).toBe(last30(NPM, day) + last30(PYPI, day));
    }
    // Before pypistats' first day the pypi part is unknown, never 0.
    const early = rows.find((r) => r.day === addDays(PYPI_FROM, -60))!;
    expect(early.u).toBeNull();
    expect(early.missing).toContain("downloads:pypi:solo-pkg");

    // Two days on, a collect and a score: the new days are scored from the new downloads.
    registries.setToday(LATER);
    const later = { OSS_PULSE_NOW: `${LATER}T12:00:00Z` };
    const collect = await runCli(["--config", config, "--json", "collect"], { env: later });
    expect(collect.code, collect.stderr).toBe(0);
    const rescored = await runCli(["--config", config, "score", "--json", "--from", addDays(LATER, -1), "--to", addDays(LATER, -1)], { env: later });
    expect(rescored.code, rescored.stderr).toBe(0);
    const [next] = (JSON.parse(rescored.stdout) as ScoreRow[]).filter((r) => r.project === "solo");
    expect(next?.day).toBe(addDays(LATER, -1));
    expect(next?.u).toBe(last30(NPM, addDays(LATER, -1)) + last30(PYPI, addDays(LATER, -1)));
  });
});
