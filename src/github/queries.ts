/**
 * GraphQL documents. Every one is validated against GitHub's published schema in the tests.
 * Repos are passed as variables, never spliced into the text.
 */
export const REPO_SNAPSHOT_FRAGMENT = `fragment RepoSnapshot on Repository {
  databaseId
  nameWithOwner
  createdAt
  isEmpty
  defaultBranchRef { name target { oid ... on Commit { committedDate } } }
  stargazerCount
  forkCount
  watchers(first: 1) { totalCount }
  openIssues: issues(states: OPEN, first: 1) { totalCount }
  openPullRequests: pullRequests(states: OPEN, first: 1) { totalCount }
  releases(first: 1, orderBy: { field: CREATED_AT, direction: DESC }) { totalCount nodes { databaseId updatedAt } }
  lastIssue: issues(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { updatedAt } }
  lastPullRequest: pullRequests(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { updatedAt } }
}`;

/**
 * One query for many repos (aliases r0, r1, ...). Its cost by GitHub's formula: six `first: 1`
 * connections a repo, so 40 repos are 240 requests, 2.4 rounded to 2 points (0.05 a repo); a
 * batch of 100 would be 6 points (0.06 a repo). The head oid and the newest `updatedAt` of issues,
 * pull requests and releases say whether a stream moved since the last sync, at no extra point.
 */
export function snapshotBatchQuery(count: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    vars.push(`$o${i}: String!, $n${i}: String!`);
    fields.push(`  r${i}: repository(owner: $o${i}, name: $n${i}) { ...RepoSnapshot }`);
  }
  return `query Snapshots(${vars.join(", ")}) {\n${fields.join("\n")}\n  rateLimit { cost remaining resetAt }\n}\n${REPO_SNAPSHOT_FRAGMENT}`;
}

/** Repos a snapshot query asks for: the most for which 6 connections a repo still round to 2 points. */
export const SNAPSHOT_BATCH_SIZE = 40;

/**
 * The new commits of several repos' default branches in one query (aliases r0, r1, ...), each
 * with its own `since` (null: the whole history), page size and cursor. The fields are those a
 * REST commit list gives oss-pulse: dates, the author's name, e-mail and linked account, and the
 * parents (empty for the root commit). `history(since:)` filters on the committer date, as the
 * REST list's `since` does (docs: graphql/reference/objects#commit, "history").
 *
 * Cost by GitHub's formula: one request for each history page plus one for each commit's
 * parents, so `first: n` costs n + 1 requests a repo. Small first pages are what make batching
 * pay: 49 repos at `first: 10` are 539 requests, 5 points, where REST takes a point a repo.
 */
export function commitHistoryBatchQuery(count: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    vars.push(`$o${i}: String!, $n${i}: String!, $s${i}: GitTimestamp, $f${i}: Int!, $a${i}: String`);
    fields.push(
      `  r${i}: repository(owner: $o${i}, name: $n${i}) { defaultBranchRef { target { ... on Commit { history(since: $s${i}, first: $f${i}, after: $a${i}) { ...NewCommits } } } } }`,
    );
  }
  return `query CommitHistories(${vars.join(", ")}) {\n${fields.join("\n")}\n  rateLimit { cost remaining resetAt }\n}\n${NEW_COMMITS_FRAGMENT}`;
}

const NEW_COMMITS_FRAGMENT = `fragment NewCommits on CommitHistoryConnection {
  pageInfo { hasNextPage endCursor }
  nodes {
    oid
    committedDate
    authoredDate
    author { name email user { login } }
    parents(first: 100) { nodes { oid } }
  }
}`;

/** The first page a history query asks for when the caller expects nothing: a day's new commits of most repos fit in it. */
export const HISTORY_FIRST_PAGE = 10;
/** Later pages, as large as GitHub allows. */
export const HISTORY_PAGE = 100;
/** Requests (by the cost formula) one history query may add up to: 5 points at most. */
export const HISTORY_BATCH_REQUESTS = 549;
