import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ResponseShapeError } from "../../src/errors.js";
import { GitHubClient } from "../../src/github/client.js";
import { IssueItem } from "../../src/github/schemas.js";
import { crawlIssues } from "../../src/jobs/streams.js";
import { openDb } from "../../src/store/open.js";
import { ensureRepo, updateIdentity } from "../../src/store/repos.js";

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
    defaultBranchRef: { name: "main", target: { oid: "a1b2c3", committedDate: "2026-11-01T00:00:00Z" } },
    stargazerCount: 3,
    forkCount: 1,
    watchers: { totalCount: 1 },
    openIssues: { totalCount: 0 },
    openPullRequests: { totalCount: 0 },
    releases: { totalCount: 0, nodes: [] },
    lastIssue: { nodes: [] },
    lastPullRequest: { nodes: [] },
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

const issue = (n: number) => ({ number: n, state: "open", user: { login: "u" }, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", closed_at: null });

describe("Link rel=\"next\" is followed only to the next page of the same list on the configured API", () => {
  const start = "/repos/o/r/issues?state=all&per_page=2";

  it.each([
    ["another host", "http://other.host/steal?x=1", /points outside the configured API/],
    ["another scheme and port", "http://api.github.com:8443/repos/o/r/issues?page=2", /points outside the configured API/],
    ["another path on the API host", "https://api.github.com/steal?x=1", /points to another path \(\/steal\)/],
    ["another repository's list", "https://api.github.com/repos/evil/r/issues?page=2", /points to another path/],
    ["a dot-dot escape", "https://api.github.com/repos/o/r/issues/../../../../user?page=2", /points to another path \(\/user\)/],
    ["credentials in the URL", "https://me:pw@api.github.com/repos/o/r/issues?page=2", /points outside the configured API/],
  ])("%s: the page fails clearly, and nothing is requested there", async (_name, next, expected) => {
    const scope = nock(API).get("/repos/o/r/issues").query(true).reply(200, [issue(1), issue(2)], { link: `<${next}>; rel="next"` });
    const elsewhere = nock("http://other.host").get(/.*/).reply(200, []);
    const pages: number[][] = [];
    const error = await (async () => {
      for await (const page of client().list("o/r", start, IssueItem)) pages.push(page.items.map((i) => i.number));
    })().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toMatch(expected);
    expect((error as Error).message).not.toMatch(/gone/);
    expect(pages).toEqual([]); // the page with the bad link is not handed on, so not stored
    expect(scope.isDone()).toBe(true);
    expect(elsewhere.isDone()).toBe(false);
  });

  it("a path prefix of GitHub Enterprise must be kept", async () => {
    const ghes = "https://ghe.example/api/v3";
    nock("https://ghe.example").get("/api/v3/repos/o/r/issues").query(true).reply(200, [issue(1)], { link: '<https://ghe.example/other/repos/o/r/issues?page=2>; rel="next"' });
    await expect(client({ apiUrl: ghes }).page("o/r", start, IssueItem)).rejects.toThrow(/points outside the configured API/);
  });

  it("GitHub's own /repositories/{id} form of the same list is followed", async () => {
    nock(API).get("/repos/o/r/issues").query(true).reply(200, [issue(1)], { link: `<${API}/repositories/42/issues?state=all&per_page=2&page=2>; rel="next"` });
    nock(API).get("/repositories/42/issues").query(true).reply(200, [issue(2)]);
    const seen: number[] = [];
    for await (const page of client().list("o/r", start, IssueItem)) seen.push(...page.items.map((i) => i.number));
    expect(seen).toEqual([1, 2]);
  });
});

describe("a Link that never ends", () => {
  it("star history without rel=\"last\" is capped by the repo's age (one row a week since its creation)", async () => {
    let served = 0;
    nock(API)
      .get("/repos/o/r/stargazers/history")
      .query(true)
      .times(100)
      .reply((uri) => {
        served++;
        const page = Number(new URL(uri, API).searchParams.get("page") ?? 1);
        return [200, [{ week: 1_763_942_400 - page * 604_800, total: 1, days: [0, 0, 0, 1, 0, 0, 0] }], { link: `<${API}/repos/o/r/stargazers/history?per_page=30&page=${page + 1}>; rel="next"` }];
      });
    // Created ten weeks before NOW: eleven weeks of rows fit on one page of 30; ten pages of margin.
    const error = await (async () => {
      for await (const _page of client().starHistory("o/r", undefined, "2026-09-19T12:00:00Z")) void _page;
    })().catch((e: unknown) => e as Error);
    expect(error?.message).toMatch(/still a rel="next" after 11 pages/);
    expect(served).toBe(11);
  });

  it("is capped by what rel=\"last\" says the list needs, with progress logged, and fails clearly past the cap", async () => {
    let served = 0;
    nock(API)
      .get("/repos/o/r/issues")
      .query(true)
      .times(1000)
      .reply((uri) => {
        served++;
        const page = Number(new URL(uri, API).searchParams.get("page") ?? 1);
        // Page after page, forever, each claiming the list has 150 pages.
        return [200, [issue(page)], { link: `<${API}/repos/o/r/issues?per_page=1&page=${page + 1}>; rel="next", <${API}/repos/o/r/issues?per_page=1&page=150>; rel="last"` }];
      });
    const progress: string[] = [];
    const gh = client({ info: (m) => progress.push(m) });
    let pages = 0;
    const error = await (async () => {
      for await (const _page of gh.list("o/r", "/repos/o/r/issues?per_page=1", IssueItem)) pages++;
    })().catch((e: unknown) => e as Error);
    expect(error?.message).toMatch(/GET \/repos\/o\/r\/issues: .*still a rel="next" after 165 pages, more than the list's size can need/);
    expect(pages).toBe(165);
    expect(served).toBe(165);
    expect(progress).toEqual(["GET /repos/o/r/issues: 100 pages read of about 150"]);
  });
});

describe("a rename reported by the server passes the same owner/repo check as the config", () => {
  const repoBody = (fullName: string) => ({ id: 7, full_name: fullName, created_at: "2020-01-01T00:00:00Z", stargazers_count: 1, forks_count: 0, open_issues_count: 0 });

  it.each([
    ["a path escape", "x/../../../secret/admin?y=1#"],
    ["an absolute URL to another host", "http://other.host/repos/o/r"],
    ["an encoded escape in the owner", "/repos/..%2F..%2Fsecret/admin"],
    ["another resource of the repository", "/repos/o/r2/collaborators"],
  ])("a 301 to %s is not followed and fails the repo with the reason", async (_name, location) => {
    const scope = nock(API).get("/repos/o/r").reply(301, { message: "Moved Permanently" }, { location });
    const elsewhere = [nock(API).get(/\/(secret|repos\/o\/r2)/).reply(200, repoBody("o/r2")), nock("http://other.host").get(/.*/).reply(200, repoBody("o/r2"))];
    const error = (await client().getRepo("o/r").catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toMatch(/GET \/repos\/o\/r: .*301 redirect.*refused: not the same resource on the configured API, or not a valid owner\/repo/);
    expect(scope.isDone()).toBe(true);
    for (const s of elsewhere) expect(s.isDone()).toBe(false);
  });

  it("a 301 to the renamed repository is followed", async () => {
    nock(API).get("/repos/o/r").reply(301, { message: "Moved Permanently" }, { location: `${API}/repositories/7` });
    nock(API).get("/repositories/7").reply(200, repoBody("o/renamed"));
    expect((await client().getRepo("o/r")).full_name).toBe("o/renamed");
  });

  it("a full_name that is not a valid owner/repo is refused, naming the field", async () => {
    nock(API).get("/repos/o/r").reply(200, repoBody("x/../../../secret/admin?y=1#"));
    await expect(client().getRepo("o/r")).rejects.toThrow(/GET \/repos\/o\/r: unexpected response: full_name: must be "owner\/repo"/);
  });

  it("a GraphQL nameWithOwner that is not a valid owner/repo fails that repo", async () => {
    graphqlAnswer(node({ nameWithOwner: "../../secret" }));
    const [result] = await client().snapshots(["o/r"]);
    expect(result?.node).toBeUndefined();
    expect(result?.error?.message).toMatch(/nameWithOwner: /);
  });
});

describe("dates of a single object are checked too", () => {
  const repoBody = (createdAt: string) => ({ id: 7, full_name: "o/r", created_at: createdAt, stargazers_count: 1, forks_count: 0, open_issues_count: 0 });

  it.each([
    ["+275760-09-13T00:00:00Z", /created_at: not an ISO-8601 instant with a four-digit year/],
    ["1969-12-31T00:00:00Z", /created_at: 1969-12-31T00:00:00Z is outside 1970-01-01 \.\. 2026-11-29/],
    ["2026-12-01T00:00:00Z", /created_at: 2026-12-01T00:00:00Z is outside/],
  ])("a repository created at %s is refused", async (createdAt, expected) => {
    nock(API).get("/repos/o/r").reply(200, repoBody(createdAt));
    await expect(client().getRepo("o/r")).rejects.toThrow(expected);
  });

  it("a repository imported with history from 1985 is kept, and so is one created a few hours ahead of the clock", async () => {
    nock(API).get("/repos/o/r").reply(200, repoBody("1985-06-01T00:00:00Z"));
    expect((await client().getRepo("o/r")).created_at).toBe("1985-06-01T00:00:00Z");
    nock(API).get("/repos/o/r").reply(200, repoBody("2026-11-28T20:00:00Z"));
    expect((await client().getRepo("o/r")).created_at).toBe("2026-11-28T20:00:00Z");
  });

  it("a GraphQL createdAt out of range fails that repo", async () => {
    graphqlAnswer(node({ createdAt: "+275760-09-13T00:00:00Z" }));
    const [result] = await client().snapshots(["o/r"]);
    expect(result?.error?.message).toMatch(/createdAt: not an ISO-8601 instant/);
  });
});

describe("the log claims no retry that is not made", () => {
  it("a secondary rate limit on every attempt: 'retry in' once per retry made, then 'giving up'", async () => {
    const scope = nock(API)
      .get("/repos/o/r/issues")
      .query(true)
      .times(4)
      .reply(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "1" });
    const warnings: string[] = [];
    const gh = client({ warn: (m) => warnings.push(m) });
    await expect(gh.page("o/r", "/repos/o/r/issues?per_page=100", IssueItem)).rejects.toThrow(/403/);
    expect(scope.isDone()).toBe(true);
    expect(gh.accounting.total.requests).toBe(4);
    expect(warnings.filter((w) => /retry in 1s/.test(w))).toHaveLength(3);
    expect(warnings.at(-1)).toMatch(/secondary rate limit .*giving up after 3 retries/);
  });
});

describe("the issue crawl, which builds its own page URLs, is capped too", () => {
  it("fails past what rel=\"last\" of its first page says, keeping what it committed", async () => {
    const db = openDb(":memory:");
    const row = ensureRepo(db, "o/r", NOW);
    updateIdentity(db, row, { githubId: 1, fullName: "o/r", defaultBranch: "main", createdAt: "2026-01-01T00:00:00Z" }, NOW);
    let served = 0;
    nock(API)
      .get("/repos/o/r/issues")
      .query(true)
      .times(100)
      .reply((uri) => {
        served++;
        const page = Number(new URL(uri, API).searchParams.get("page") ?? 1);
        // Every page the same instant, so the crawl moves by page number; and always a next.
        return [200, [{ ...issue(page), updated_at: "2026-05-01T00:00:00Z" }], { link: `<${API}/repos/o/r/issues?page=${page + 1}>; rel="next", <${API}/repos/o/r/issues?page=3>; rel="last"` }];
      });
    const fresh = db.prepare("SELECT * FROM repos WHERE id = ?").get(row.id) as typeof row;
    await expect(crawlIssues({ db, github: client(), now: NOW }, fresh, { mode: "collect", since: "2026-01-01T00:00:00Z", coversFrom: "2026-01-01" })).rejects.toThrow(
      /GET \/repos\/o\/r\/issues: unexpected response: still a rel="next" after 13 pages/,
    );
    expect(served).toBe(13);
    expect(db.prepare("SELECT COUNT(*) FROM issues").pluck().get()).toBeGreaterThan(0); // the pages read stay committed
  });
});
