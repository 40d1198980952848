import { wildcardOwner } from "../config/portfolio.js";
import type { ProjectConfig } from "../config/schema.js";
import { OfflineError, UnavailableError, errorMessage } from "../errors.js";
import { collectorContext } from "../registries/config.js";
import { listAuthor } from "../registries/huggingface/author.js";
import { getCollector } from "../registries/index.js";
import type { RegistryCollector } from "../registries/types.js";
import { inTransaction } from "../store/open.js";
import { saveAuthorListing } from "../store/owners.js";
import { recordTarget } from "../store/runs.js";
import type { PackageResult, PackagesDeps } from "./packages.js";

export interface AuthorRef {
  registry: string;
  author: string;
}

/** The authors a project tracks as a whole (`{ registry: huggingface-model, name: "author/*" }`). */
export function authorsOf(project: ProjectConfig): AuthorRef[] {
  return project.packages.flatMap((pkg) => {
    const author = wildcardOwner(pkg.name);
    return author === null ? [] : [{ registry: pkg.registry, author }];
  });
}

/**
 * Lists every author the projects track: one request a page (1000 repositories), whose answer
 * already carries each one's downloads and likes, so the day's snapshot of every package comes
 * from the listing and no package is asked about on its own. A failed listing is a failed
 * target (`registry:author/*`); the last listing stays in force.
 */
export async function discoverAuthors(deps: PackagesDeps, projects: readonly ProjectConfig[], runId: number | undefined): Promise<PackageResult[]> {
  const authors = new Map<string, AuthorRef>();
  for (const project of projects) for (const ref of authorsOf(project)) authors.set(`${ref.registry}:${ref.author.toLowerCase()}`, ref);
  const results: PackageResult[] = [];
  for (const { registry, author } of authors.values()) {
    const target = `${registry}:${author}/*`;
    const before = deps.http.requests;
    const collector = getCollector(registry) as RegistryCollector;
    try {
      const packages = await listAuthor(registry, author, collectorContext(collector, deps.config.registries, deps));
      const { drops } = saveAuthorListing(deps.db, { registry, author, packages }, deps.now);
      for (const d of drops) deps.log?.(`${registry}:${d.name}: total went down from ${d.previousTotal} (${d.previousDay}) to ${d.total}`);
      const requests = deps.http.requests - before;
      if (runId !== undefined) recordTarget(deps.db, runId, { target, outcome: "ok", requests });
      deps.log?.(`${target}: ${packages.length} packages listed, ${requests} requests`);
      results.push({ target, outcome: "ok", rowsWritten: packages.length, requests });
    } catch (error) {
      const requests = deps.http.requests - before;
      const outcome = error instanceof UnavailableError ? "gone" : "failed";
      const message = errorMessage(error);
      inTransaction(deps.db, () => {
        if (runId !== undefined) recordTarget(deps.db, runId, { target, outcome, error: message, requests });
      });
      deps.log?.(`${target}: ${outcome}: ${message}`);
      results.push({ target, outcome, error: message, rowsWritten: 0, requests, ...(error instanceof OfflineError ? { offline: error } : {}) });
      // Offline: nothing else can be listed either; the run stops with one line.
      if (error instanceof OfflineError) break;
    }
  }
  return results;
}
