import { z } from "zod";
import { repoNameProblem } from "./names.js";

// Only the fields oss-pulse reads. A response that lacks one is drift, reported by name.

/** A count GitHub reports: never negative (a negative one is a broken answer, not data). */
const count = z.number().int().min(0);

/** An `owner/repo` the server reports (a rename): it passes the same check as a name in the config. */
const repoName = z.string().check((ctx) => {
  const problem = repoNameProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});

const actor = z.object({ login: z.string(), type: z.string().optional() }).nullable();

export const RepoResponse = z.object({
  id: z.number().int(),
  full_name: repoName,
  default_branch: z.string().nullable().optional(),
  created_at: z.string(),
  stargazers_count: count,
  forks_count: count,
  subscribers_count: count.optional(),
  open_issues_count: count,
});
export type RepoResponse = z.infer<typeof RepoResponse>;

export const CommitItem = z.object({
  sha: z.string(),
  commit: z.object({
    author: z.object({ name: z.string().nullable().optional(), email: z.string().nullable().optional(), date: z.string().optional() }).nullable(),
    committer: z.object({ date: z.string() }),
  }),
  author: actor,
  /** Empty for a root commit: a crawl that reaches one has read the branch's whole history. */
  parents: z.array(z.object({ sha: z.string() })),
});
export type CommitItem = z.infer<typeof CommitItem>;

export const IssueItem = z.object({
  number: z.number().int(),
  state: z.string(),
  user: actor,
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
  pull_request: z.object({ merged_at: z.string().nullable().optional() }).optional(),
});
export type IssueItem = z.infer<typeof IssueItem>;

export const ReleaseItem = z.object({
  id: z.number().int(),
  tag_name: z.string(),
  name: z.string().nullable(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  created_at: z.string().nullable().optional(),
  published_at: z.string().nullable(),
  assets: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      download_count: count,
      updated_at: z.string().nullable().optional(),
    }),
  ),
});
export type ReleaseItem = z.infer<typeof ReleaseItem>;

/** One week of GET /repos/{o}/{r}/stargazers/history: stars still present, by the day given. */
export const StarWeek = z.object({
  week: z.number().int(),
  total: z.number().int().min(0),
  days: z.array(z.number().int().min(0)).length(7),
});
export type StarWeek = z.infer<typeof StarWeek>;

export const PullItem = z.object({ number: z.number().int() });

/** The snapshot fragment of the batched GraphQL query (see queries.ts). */
export const RepoSnapshotNode = z.object({
  databaseId: z.number().int(),
  nameWithOwner: repoName,
  createdAt: z.string(),
  isEmpty: z.boolean(),
  defaultBranchRef: z.object({ name: z.string() }).nullable(),
  stargazerCount: count,
  forkCount: count,
  watchers: z.object({ totalCount: count }),
  openIssues: z.object({ totalCount: count }),
  openPullRequests: z.object({ totalCount: count }),
  releases: z.object({ totalCount: count }),
});
export type RepoSnapshotNode = z.infer<typeof RepoSnapshotNode>;

export const RateLimitNode = z.object({ cost: z.number().int(), remaining: z.number().int(), resetAt: z.string() });
