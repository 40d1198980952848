import type { Config } from "../config/schema.js";
import { type MembershipChange, memberCounts, membershipChanges } from "../store/membership.js";
import { type Db, hasTable } from "../store/open.js";
import { lastRun } from "../store/runs.js";

/** What a project covers now, and what joined or left it in the last collect. */
export interface ProjectCoverage {
  project: string;
  repos: number;
  packages: number;
  /** The start of the last collect: changes at or after it are listed. Null: none yet. */
  since: string | null;
  changes: MembershipChange[];
}

/** Coverage of the named projects (all when absent); empty on a database from before portfolios. */
export function projectCoverage(db: Db, config: Config, names?: readonly string[]): ProjectCoverage[] {
  if (!hasTable(db, "repo_membership")) return [];
  const since = lastRun(db, "collect")?.startedAt ?? null;
  const projects = names ?? config.projects.map((p) => p.name);
  return projects.map((project) => ({
    project,
    ...memberCounts(db, project),
    since,
    changes: since === null ? [] : membershipChanges(db, project, since),
  }));
}
