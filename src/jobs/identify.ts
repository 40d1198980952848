import type { RepoResponse } from "../github/schemas.js";
import { type RepoIdentity, type RepoRow, repoById, updateIdentity } from "../store/repos.js";
import type { JobContext } from "./context.js";

/** What REST says a repository is. */
export function restIdentity(info: RepoResponse): RepoIdentity {
  return { githubId: info.id, fullName: info.full_name, defaultBranch: info.default_branch ?? null, createdAt: info.created_at };
}

/**
 * Records what GitHub says the repo is and returns the updated row. A rename is followed with a
 * warning; an old name now naming another repository fails the repo (histories never merge).
 */
export function identify(ctx: Pick<JobContext, "db" | "log">, repo: RepoRow, identity: RepoIdentity, now: Date): RepoRow {
  const change = updateIdentity(ctx.db, repo, identity, now);
  if (change.conflict) throw new Error(change.conflict);
  if (change.renamedFrom) {
    ctx.log.warn(`${change.renamedFrom} was renamed to ${identity.fullName}: history kept; update the config`);
  }
  return repoById(ctx.db, repo.id);
}
