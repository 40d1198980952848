/**
 * What GitHub allows in names, checked before any URL is built. Owners: letters, digits and
 * hyphens (GitHub Enterprise also allows underscores), at most 39 characters, not starting
 * with a hyphen. Repositories: letters, digits, '.', '-', '_', at most 100, never '.' or '..'.
 */
const OWNER_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
const REPO_RE = /^[A-Za-z0-9._-]{1,100}$/;

export interface RepoName {
  owner: string;
  repo: string;
}

/** Returns the problem with a `owner/repo` string, or null when GitHub would accept it. */
export function repoNameProblem(fullName: string): string | null {
  const parts = fullName.split("/");
  if (parts.length !== 2) return `must be "owner/repo", got ${JSON.stringify(fullName)}`;
  const [owner = "", repo = ""] = parts;
  if (!OWNER_RE.test(owner)) return `owner ${JSON.stringify(owner)} is not a valid GitHub owner name`;
  if (!REPO_RE.test(repo) || repo === "." || repo === "..") {
    return `repository ${JSON.stringify(repo)} is not a valid GitHub repository name`;
  }
  return null;
}

/** Returns the problem with an owner (organisation or user) name, or null when GitHub would accept it. */
export function ownerNameProblem(owner: string): string | null {
  return OWNER_RE.test(owner) ? null : `owner ${JSON.stringify(owner)} is not a valid GitHub owner name`;
}
