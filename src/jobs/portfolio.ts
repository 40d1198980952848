import { ownerSpecs } from "../config/portfolio.js";
import type { ProjectConfig } from "../config/schema.js";
import { AuthError, OfflineError, errorMessage } from "../errors.js";
import { listOwnerRepos } from "../github/discovery.js";
import { ownerState } from "../store/membership.js";
import { saveOwnerListing } from "../store/owners.js";
import type { TargetResult } from "../store/runs.js";
import type { JobContext } from "./context.js";

/**
 * Lists the public repositories of every owner the projects track as a whole: one paged
 * request per owner (100 a page), conditional on the stored first page, so an unchanged
 * one-page owner costs a 304 and no rate-limit point. A failed listing is reported as a
 * target (`owner:NAME`) and the stored one still holds: nothing joins or leaves on a failure.
 * `onlyNew`: list only the owners never listed (a backfill).
 */
export async function discoverOwners(ctx: JobContext, projects: readonly ProjectConfig[], now: Date, options: { onlyNew?: boolean } = {}): Promise<TargetResult[]> {
  const owners = new Map<string, string>();
  for (const project of projects) {
    for (const spec of ownerSpecs(project)) if (!options.onlyNew || !ownerState(ctx.db, spec.name)) owners.set(spec.name.toLowerCase(), spec.name);
  }
  const results: TargetResult[] = [];
  for (const owner of owners.values()) {
    const target = `owner:${owner}`;
    const tracked = await ctx.github.accounting.track(async () => {
      const listing = await listOwnerRepos(ctx.github, owner, { kind: ownerState(ctx.db, owner)?.kind ?? null });
      saveOwnerListing(ctx.db, listing, now);
      return listing;
    });
    const { requests, points } = tracked.usage;
    if ("error" in tracked) {
      ctx.log.warn(`${target}: listing failed, the stored one still holds: ${errorMessage(tracked.error)}`);
      results.push({ target, outcome: "failed", error: errorMessage(tracked.error), requests, points });
      // A rejected token or no network fails every other listing too: the repos' crawl says so once.
      if (tracked.error instanceof AuthError || tracked.error instanceof OfflineError) break;
      continue;
    }
    const listing = tracked.value;
    ctx.log.info(`${target}: ${listing.repos === null ? "unchanged (304)" : `${listing.repos.length} public repositories`} (${requests} requests, ${points} points)`);
    results.push({ target, outcome: "ok", requests, points });
  }
  return results;
}
