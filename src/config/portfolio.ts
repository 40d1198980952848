import { z } from "zod";

/**
 * A GitHub owner tracked as a whole: every public repository of an organisation or user,
 * filtered by the options below. `repos: [meta-llama/*]` is the same as
 * `owners: [meta-llama]` with every option at its default.
 */
export const ownerSchema = z.union([
  z.string(),
  z.strictObject({
    name: z.string().describe("the organisation or user login"),
    forks: z.boolean().default(false).describe("include forks"),
    archived: z.boolean().default(true).describe("include archived repositories (their history still counts)"),
    include: z.array(z.string().min(1)).default([]).describe("repository name patterns to keep ('*' and '?'); all when empty"),
    exclude: z.array(z.string().min(1)).default([]).describe("repository name patterns to leave out ('*' and '?')"),
    minStars: z.number().int().min(0).default(0).describe("leave out repositories with fewer stars"),
  }),
]);
export type OwnerEntry = z.infer<typeof ownerSchema>;

export interface OwnerSpec {
  name: string;
  forks: boolean;
  archived: boolean;
  include: string[];
  exclude: string[];
  minStars: number;
}

/** What an owner listing says of one repository, as far as the options look at it. */
export interface ListedRepo {
  name: string;
  fork: boolean;
  archived: boolean;
  stars: number;
}

const WILDCARD = /^([^/]+)\/\*$/;

/**
 * The owner of a `owner/*` entry in `repos` (or the author of a `author/*` package), or null
 * for a plain name.
 */
export function wildcardOwner(entry: string): string | null {
  return entry.match(WILDCARD)?.[1] ?? null;
}

/** Every owner a project tracks as a whole, from `owners` and from `owner/*` entries in `repos`. */
export function ownerSpecs(project: { repos: readonly string[]; owners: readonly OwnerEntry[] }): OwnerSpec[] {
  const specs: OwnerSpec[] = [];
  for (const entry of project.owners) specs.push(typeof entry === "string" ? defaults(entry) : { ...entry });
  for (const repo of project.repos) {
    const owner = wildcardOwner(repo);
    if (owner) specs.push(defaults(owner));
  }
  return specs;
}

/** The plain `owner/repo` entries of a project. */
export function explicitRepos(project: { repos: readonly string[] }): string[] {
  return project.repos.filter((r) => wildcardOwner(r) === null);
}

function defaults(name: string): OwnerSpec {
  return { name, forks: false, archived: true, include: [], exclude: [], minStars: 0 };
}

/** Whether a listed repository belongs to the project under the owner's options. */
export function ownerWants(spec: OwnerSpec, repo: ListedRepo): boolean {
  if (repo.fork && !spec.forks) return false;
  if (repo.archived && !spec.archived) return false;
  if (repo.stars < spec.minStars) return false;
  if (spec.include.length > 0 && !spec.include.some((p) => globMatch(p, repo.name))) return false;
  return !spec.exclude.some((p) => globMatch(p, repo.name));
}

/** `*` any run of characters, `?` one character, case-insensitive (GitHub names are). */
export function globMatch(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(name);
}
