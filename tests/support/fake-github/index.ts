/**
 * A loopback server that behaves like GitHub's REST and GraphQL APIs, for end-to-end tests and
 * benchmarks. See server.ts for the request pipeline, rest.ts / graphql.ts for the routes,
 * generate.ts for synthetic repositories and faults.ts for failure injection.
 */
export { startFakeGitHub } from "./server.js";
export type { FakeGitHub, FakeGitHubOptions, LoggedRequest, SecondaryLimits } from "./server.js";
export { FakeGitHubState, isoFromMs, nodeId, repoKey, userId } from "./data.js";
export type { FakeCommit, FakeIssue, FakeRelease, FakeReleaseAsset, FakeRepo, IsoTime, StarWeek } from "./data.js";
export { generateRepo, SHARED_CONTRIBUTORS } from "./generate.js";
export type { RepoSpec } from "./generate.js";
export { faultResponses } from "./faults.js";
export type { Fault, FaultAction, FaultHandle, FaultResponse } from "./faults.js";
export type { RateLimitOptions, Resource } from "./ratelimit.js";
export { githubSchema, queryCost } from "./graphql.js";
