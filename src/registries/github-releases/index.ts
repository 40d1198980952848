import { repoNameProblem } from "../../github/names.js";
import { parseWith } from "../../util/validate.js";
import type { RegistryCollector } from "../types.js";
import { ReleaseAssets } from "./schema.js";

/**
 * Downloads of the files attached to a repository's releases. GitHub gives each asset's
 * cumulative download_count only (no history, and source archives are not counted), so the
 * sum over assets is a snapshot and daily figures come from successive snapshots.
 */
export const githubReleases: RegistryCollector<"github-releases"> = {
  id: "github-releases",
  title: "GitHub release assets",
  historyDays: 0,
  defaults: null,
  nameProblem: repoNameProblem,
  // GitHub names are case-insensitive: one spelling per repository.
  normalizeName: (name) => name.toLowerCase(),
  async snapshot(name, ctx) {
    const source = `github-releases:${name}`;
    const assets = parseWith(ReleaseAssets, await ctx.github.listReleaseAssets(name), source);
    const total = assets.reduce((sum, asset) => sum + asset.downloadCount, 0);
    return {
      total,
      last30: null,
      extra: { assets: assets.length, releases: new Set(assets.map((asset) => asset.releaseId)).size },
    };
  },
};
