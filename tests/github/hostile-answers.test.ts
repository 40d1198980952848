import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ResponseShapeError } from "../../src/errors.js";
import { GitHubClient } from "../../src/github/client.js";

/** Hostile answers at the HTTP boundary (nock 14): what the client must refuse, and how. */

const API = "https://api.github.com";
const NOW = new Date("2026-11-28T12:00:00Z");

function client(options: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}): GitHubClient {
  return new GitHubClient({
    apiUrl: API,
    tokens: ["0000000000000000000000000000000000000002"],
    userAgent: "oss-pulse-test",
    timeoutMs: 2000,
    graphql: "auto",
    retryBaseMs: 1,
    sleep: async () => {},
    now: () => NOW,
    ...options,
  });
}

/** A GraphQL snapshot node as GitHub returns it; `change` overrides fields. */
function node(change: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    databaseId: 7,
    nameWithOwner: "o/r",
    createdAt: "2020-01-01T00:00:00Z",
    isEmpty: false,
    defaultBranchRef: { name: "main" },
    stargazerCount: 3,
    forkCount: 1,
    watchers: { totalCount: 1 },
    openIssues: { totalCount: 0 },
    openPullRequests: { totalCount: 0 },
    releases: { totalCount: 0 },
    ...change,
  };
}

function graphqlAnswer(r0: Record<string, unknown>): nock.Scope {
  return nock(API)
    .post("/graphql")
    .reply(200, { data: { r0, rateLimit: { cost: 1, remaining: 4999, resetAt: "2026-11-28T13:00:00Z" } } });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("counts from GitHub are never negative", () => {
  it.each([
    ["stargazerCount", { stargazerCount: -5 }, /stargazerCount/],
    ["a totalCount", { watchers: { totalCount: -1 } }, /watchers\.totalCount/],
  ])("a GraphQL snapshot with a negative %s fails that repo, naming the field", async (_name, change, field) => {
    const scope = graphqlAnswer(node(change));
    const [result] = await client().snapshots(["o/r"]);
    expect(result?.node).toBeUndefined();
    expect(result?.error).toBeInstanceOf(ResponseShapeError);
    expect(result?.error?.message).toMatch(field);
    expect(scope.isDone()).toBe(true);
  });

  it("a REST repository with stargazers_count -5 is refused", async () => {
    const scope = nock(API)
      .get("/repos/o/r")
      .reply(200, { id: 7, full_name: "o/r", created_at: "2020-01-01T00:00:00Z", stargazers_count: -5, forks_count: 0, open_issues_count: 0 });
    await expect(client().getRepo("o/r")).rejects.toThrow(/stargazers_count/);
    expect(scope.isDone()).toBe(true);
  });
});
