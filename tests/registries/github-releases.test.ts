import { describe, expect, it } from "vitest";
import { HostError, ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { downloads30 } from "../../src/model/downloads.js";
import { githubReleases } from "../../src/registries/github-releases/index.js";
import type { ReleaseAsset, ReleaseAssetSource } from "../../src/registries/types.js";
import { contextFor, fakeTime } from "./helpers.js";

// This collector reads through the GitHub client (retries, rate limits and its own HTTP tests
// live there), so here it gets a fake of the client's listReleaseAssets.
function fakeGithub(answer: (fullName: string) => ReleaseAsset[] | Error): ReleaseAssetSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    listReleaseAssets: async (fullName) => {
      asked.push(fullName);
      const result = answer(fullName);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const ASSETS: ReleaseAsset[] = [
  { releaseId: 1, assetId: 1000, name: "tool-linux.tar.gz", downloadCount: 42 },
  { releaseId: 1, assetId: 1001, name: "tool-macos.tar.gz", downloadCount: 8 },
  { releaseId: 2, assetId: 1002, name: "tool-linux.tar.gz", downloadCount: 100 },
];

describe("GitHub release assets", () => {
  it("sums every asset's cumulative download count", async () => {
    const time = fakeTime();
    const github = fakeGithub(() => ASSETS);
    const snapshot = await githubReleases.snapshot!("octo/tool", contextFor(githubReleases, time, { github }));
    expect(github.asked).toEqual(["octo/tool"]);
    expect(snapshot).toEqual({ total: 150, last30: null, extra: { assets: 3, releases: 2 } });
  });

  it("has no history: its downloads are differences of snapshots of the total, never negative", async () => {
    expect(githubReleases.history).toBeUndefined();
    const days = [
      ["2026-11-20", ASSETS],
      ["2026-11-21", ASSETS.map((a) => ({ ...a, downloadCount: a.downloadCount + 5 }))],
      ["2026-11-22", ASSETS.slice(0, 1)], // two assets deleted: the total drops
    ] as const;
    const totals: { day: string; total: number | null }[] = [];
    for (const [day, assets] of days) {
      const time = fakeTime(`${day}T03:00:00Z`);
      const snapshot = await githubReleases.snapshot!("octo/tool", contextFor(githubReleases, time, { github: fakeGithub(() => [...assets]) }));
      totals.push({ day, total: snapshot.total });
    }
    expect(totals.map((t) => t.total)).toEqual([150, 165, 42]);
    // With totals 30 days before, the 30-day figure is their difference, and a drop is refused.
    const snapshots = [{ day: "2026-10-22", total: 100 }, { day: "2026-10-23", total: 100 }, ...totals].map((s) => ({ ...s, last30: null }));
    expect(downloads30({ daily: [], pending: [], snapshots }, ["2026-11-21", "2026-11-22"])).toEqual([
      { day: "2026-11-21", downloads: 65, method: "totals" },
      { day: "2026-11-22", downloads: null, missing: expect.stringContaining("the total went down on 2026-11-22 (165 to 42)") },
    ]);
  });

  it("an unknown repository stays the client's 'gone' error", async () => {
    const time = fakeTime();
    const github = fakeGithub((name) => new UnavailableError(name, "gone", "404 Not Found"));
    await expect(githubReleases.snapshot!("octo/nope", contextFor(githubReleases, time, { github }))).rejects.toBeInstanceOf(UnavailableError);
  });

  it("a rate limit the client could not wait out surfaces as a HostError for this package only", async () => {
    const time = fakeTime();
    const github = fakeGithub(() => new HostError("api.github.com answered 429", "api.github.com", 429));
    await expect(githubReleases.snapshot!("octo/tool", contextFor(githubReleases, time, { github }))).rejects.toMatchObject({ status: 429 });
  });

  it("a malformed asset list is a ResponseShapeError naming the field", async () => {
    const time = fakeTime();
    const github = fakeGithub(() => [{ releaseId: 1, assetId: 2, name: "x", downloadCount: -1 }]);
    const error = await githubReleases.snapshot!("octo/tool", contextFor(githubReleases, time, { github })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(String(error)).toMatch(/github-releases:octo\/tool: unexpected response: 0\.downloadCount: /);
  });

  it.each([
    ["octo/tool", null],
    ["Octo/Tool", null],
    ["octo", "must be \"owner/repo\""],
    ["octo/tool/x", "must be \"owner/repo\""],
  ])("name %s: %s", (name, problem) => {
    if (problem === null) expect(githubReleases.nameProblem(name)).toBeNull();
    else expect(githubReleases.nameProblem(name)).toContain(problem);
  });
});
