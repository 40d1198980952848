import { z } from "zod";
import { instantAt, unixSecondsAt } from "../util/instant.js";
import { repoNameProblem } from "./names.js";

// Only the fields oss-pulse reads. A response that lacks one is drift, reported by name.
// Schemas with dates are made for a `now`: every instant is checked against it (src/util/instant.ts).

/** A count GitHub reports: never negative (a negative one is a broken answer, not data). */
const count = z.number().int().min(0);

/** An `owner/repo` the server reports (a rename): it passes the same check as a name in the config. */
const repoName = z.string().check((ctx) => {
  const problem = repoNameProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});

const actor = z.object({ login: z.string(), type: z.string().optional() }).nullable();

export const RepoResponse = (now: Date) =>
  z.object({
  id: z.number().int(),
  full_name: repoName,
  default_branch: z.string().nullable().optional(),
  created_at: instantAt(now),
  /** The last push: the change marker of the commit stream without a token. */
  pushed_at: instantAt(now).nullable().optional(),
  stargazers_count: count,
  forks_count: count,
  subscribers_count: count.optional(),
  open_issues_count: count,
});
export type RepoResponse = z.infer<ReturnType<typeof RepoResponse>>;

export const CommitItem = (now: Date) =>
  z.object({
  sha: z.string(),
  commit: z.object({
    author: z.object({ name: z.string().nullable().optional(), email: z.string().nullable().optional(), date: instantAt(now).optional() }).nullable(),
    committer: z.object({ date: instantAt(now) }),
  }),
  author: actor,
  /** Empty for a root commit: a crawl that reaches one has read the branch's whole history. */
  parents: z.array(z.object({ sha: z.string() })),
});
export type CommitItem = z.infer<ReturnType<typeof CommitItem>>;

export const IssueItem = (now: Date) =>
  z.object({
  number: z.number().int(),
  state: z.string(),
  user: actor,
  created_at: instantAt(now),
  updated_at: instantAt(now),
  closed_at: instantAt(now).nullable(),
  pull_request: z.object({ merged_at: instantAt(now).nullable().optional() }).optional(),
});
export type IssueItem = z.infer<ReturnType<typeof IssueItem>>;

export const ReleaseItem = (now: Date) =>
  z.object({
  id: z.number().int(),
  tag_name: z.string(),
  name: z.string().nullable(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  created_at: instantAt(now).nullable().optional(),
  published_at: instantAt(now).nullable(),
  assets: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      download_count: count,
      updated_at: instantAt(now).nullable().optional(),
    }),
  ),
});
export type ReleaseItem = z.infer<ReturnType<typeof ReleaseItem>>;

/** One week of GET /repos/{o}/{r}/stargazers/history: stars still present, by the day given. */
export const StarWeek = (now: Date) =>
  z.object({
  week: unixSecondsAt(now),
  total: z.number().int().min(0),
  days: z.array(z.number().int().min(0)).length(7),
});
export type StarWeek = z.infer<ReturnType<typeof StarWeek>>;

export const PullItem = z.object({ number: z.number().int() });

/** The snapshot fragment of the batched GraphQL query (see queries.ts). */
export const RepoSnapshotNode = (now: Date) =>
  z.object({
  databaseId: z.number().int(),
  nameWithOwner: repoName,
  createdAt: instantAt(now),
  isEmpty: z.boolean(),
  defaultBranchRef: z
    .object({ name: z.string(), target: z.object({ oid: z.string(), committedDate: instantAt(now).optional() }).nullable() })
    .nullable(),
  stargazerCount: count,
  forkCount: count,
  watchers: z.object({ totalCount: count }),
  openIssues: z.object({ totalCount: count }),
  openPullRequests: z.object({ totalCount: count }),
  releases: z.object({ totalCount: count, nodes: z.array(z.object({ databaseId: z.number().int().nullable(), updatedAt: instantAt(now) })) }),
  lastIssue: z.object({ nodes: z.array(z.object({ updatedAt: instantAt(now) })) }),
  lastPullRequest: z.object({ nodes: z.array(z.object({ updatedAt: instantAt(now) })) }),
});
export type RepoSnapshotNode = z.infer<ReturnType<typeof RepoSnapshotNode>>;

export const RateLimitNode = z.object({ cost: z.number().int(), remaining: z.number().int(), resetAt: z.string() });

/** One commit of a `history` page (see commitHistoryBatchQuery). */
export const HistoryCommit = (now: Date) =>
  z.object({
  oid: z.string(),
  committedDate: instantAt(now),
  authoredDate: instantAt(now),
  author: z.object({ name: z.string().nullable(), email: z.string().nullable(), user: z.object({ login: z.string() }).nullable() }).nullable(),
  parents: z.object({ nodes: z.array(z.object({ oid: z.string() })) }),
});
export type HistoryCommit = z.infer<ReturnType<typeof HistoryCommit>>;

/** An alias of the history query: the default branch's page of commits (null target: no branch). */
export const HistoryRepoNode = (now: Date) =>
  z.object({
  defaultBranchRef: z
    .object({
      target: z
        .object({
          history: z.object({
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
            nodes: z.array(HistoryCommit(now)),
          }),
        })
        .nullable(),
    })
    .nullable(),
});
export type HistoryRepoNode = z.infer<ReturnType<typeof HistoryRepoNode>>;
