import { z } from "zod";
import { ResponseShapeError, UnavailableError } from "../errors.js";
import type { GitHubClient } from "./client.js";
import { repoNameProblem } from "./names.js";

// Only the fields read of a "minimal-repository" item of GET /orgs/{org}/repos and
// GET /users/{username}/repos (https://docs.github.com/rest/repos/repos#list-organization-repositories,
// https://docs.github.com/rest/repos/repos#list-repositories-for-a-user).
export const OwnerRepoItem = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  fork: z.boolean(),
  archived: z.boolean().optional(),
  stargazers_count: z.number().int().min(0).optional(),
});
export type OwnerRepoItem = z.infer<typeof OwnerRepoItem>;

export interface DiscoveredRepo {
  githubId: number;
  fullName: string;
  name: string;
  fork: boolean;
  archived: boolean;
  stars: number;
}

export type OwnerKind = "org" | "user";

export interface OwnerListing {
  owner: string;
  kind: OwnerKind;
  /** Null when GitHub said the listing is unchanged (304): the stored one still holds. */
  repos: DiscoveredRepo[] | null;
  /** The first page as sent and its validator, to be stored with the listing. */
  firstPage: { url: string; scope: string; etag: string | null; next: string | null } | null;
}

export const LISTING_PAGE_SIZE = 100;

export function ownerListUrl(owner: string, kind: OwnerKind): string {
  const o = encodeURIComponent(owner);
  return kind === "org" ? `/orgs/${o}/repos?type=public&per_page=${LISTING_PAGE_SIZE}` : `/users/${o}/repos?type=owner&per_page=${LISTING_PAGE_SIZE}`;
}

/**
 * Every public repository of an owner, one request per page of 100. The owner is taken for an
 * organisation first; a 404 there means a user (or no such owner, which fails the listing).
 * The stored validator of the first page is sent; it is kept only when that page was the
 * whole listing (store/sync.ts saveFirstPage), so a 304 stands for all of it.
 */
export async function listOwnerRepos(
  github: GitHubClient,
  owner: string,
  options: { kind: OwnerKind | null },
): Promise<OwnerListing> {
  const kinds: OwnerKind[] = options.kind ? [options.kind] : ["org", "user"];
  for (const [i, kind] of kinds.entries()) {
    const repos: DiscoveredRepo[] = [];
    let firstPage: OwnerListing["firstPage"] = null;
    try {
      for await (const page of github.list(owner, ownerListUrl(owner, kind), () => OwnerRepoItem)) {
        firstPage ??= { url: page.url, scope: page.scope, etag: page.etag, next: page.next };
        if (page.notModified) return { owner, kind, repos: null, firstPage };
        for (const item of page.items) {
          const repo = checked(owner, item, page.url);
          if (repo) repos.push(repo);
        }
      }
    } catch (error) {
      if (error instanceof UnavailableError && error.reason === "gone" && i < kinds.length - 1) continue;
      throw error;
    }
    return { owner, kind, repos, firstPage };
  }
  throw new Error(`unreachable: no owner kind tried for ${owner}`);
}

/**
 * A listed repository, its name checked as a configured one would be: a name from the server
 * is not trusted to build URLs. A private repository is left out (only public ones are meant).
 */
function checked(owner: string, item: OwnerRepoItem, url: string): DiscoveredRepo | null {
  const problem = repoNameProblem(item.full_name);
  const [itemOwner, itemName] = item.full_name.split("/");
  if (problem || itemName !== item.name || itemOwner?.toLowerCase() !== owner.toLowerCase()) {
    throw new ResponseShapeError(`GET ${url.split("?")[0]}`, [`full_name: ${problem ?? `${JSON.stringify(item.full_name)} is not a repository of ${owner}`}`]);
  }
  if (item.private) return null;
  return {
    githubId: item.id,
    fullName: item.full_name,
    name: item.name,
    fork: item.fork,
    archived: item.archived ?? false,
    stars: item.stargazers_count ?? 0,
  };
}
