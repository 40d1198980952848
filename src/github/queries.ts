/**
 * GraphQL documents. Every one is validated against GitHub's published schema in the tests.
 * Repos are passed as variables, never spliced into the text.
 */
export const REPO_SNAPSHOT_FRAGMENT = `fragment RepoSnapshot on Repository {
  databaseId
  nameWithOwner
  createdAt
  isEmpty
  defaultBranchRef { name }
  stargazerCount
  forkCount
  watchers(first: 1) { totalCount }
  openIssues: issues(states: OPEN, first: 1) { totalCount }
  openPullRequests: pullRequests(states: OPEN, first: 1) { totalCount }
  releases(first: 1) { totalCount }
}`;

/** One query for many repos (aliases r0, r1, ...): about one rate-limit point per batch. */
export function snapshotBatchQuery(count: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    vars.push(`$o${i}: String!, $n${i}: String!`);
    fields.push(`  r${i}: repository(owner: $o${i}, name: $n${i}) { ...RepoSnapshot }`);
  }
  return `query Snapshots(${vars.join(", ")}) {\n${fields.join("\n")}\n  rateLimit { cost remaining resetAt }\n}\n${REPO_SNAPSHOT_FRAGMENT}`;
}

export const SNAPSHOT_BATCH_SIZE = 40;
