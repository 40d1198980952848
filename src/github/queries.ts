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
