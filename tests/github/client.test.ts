import { readFileSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AuthError, HostError, UnavailableError } from "../../src/errors.js";
import { GitHubClient, shrinkPage } from "../../src/github/client.js";
import { commitHistoryBatchQuery, snapshotBatchQuery } from "../../src/github/queries.js";
import { IssueItem } from "../../src/github/schemas.js";
import { registerSecret } from "../../src/util/secrets.js";

const API = "https://api.github.com";
const FIXTURE_TOKEN = "0000000000000000000000000000000000000001";

function client(options: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}): GitHubClient {
  return new GitHubClient({
    apiUrl: API,
    tokens: [FIXTURE_TOKEN],
    userAgent: "oss-pulse-test",
    timeoutMs: 2000,
    graphql: "auto",
    retryBaseMs: 1,
    sleep: async () => {},
    ...options,
  });
}

/** Recorded api.github.com exchanges from @octokit/fixtures, replayed through our own nock 14. */
function replay(scenario: string, keep: (def: { method: string; path: string }) => boolean): nock.Scope[] {
  const file = new URL(`../../node_modules/@octokit/fixtures/scenarios/api.github.com/${scenario}/raw-fixture.json`, import.meta.url);
  const defs = (JSON.parse(readFileSync(file, "utf8")) as (nock.Definition & { reqheaders?: Record<string, string> })[])
    .filter((d) => keep({ method: d.method ?? "", path: String(d.path) }))
    .map(({ reqheaders: _ignored, ...d }) => d);
  return nock.define(defs);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("GitHub client against recorded api.github.com responses", () => {
  it("reads a repository", async () => {
    const scopes = replay("get-repository", (d) => d.method === "get");
    const repo = await client().getRepo("octokit-fixture-org/hello-world");
    expect(repo).toMatchObject({ full_name: "octokit-fixture-org/hello-world", default_branch: "master" });
    expect(repo.id).toBeGreaterThan(0);
    for (const s of scopes) expect(s.isDone()).toBe(true);
  });

  it("follows Link pagination, including GitHub's /repositories/{id} next links", async () => {
    const scopes = replay("paginate-issues", (d) => d.method === "get");
    const gh = client();
    const items: number[] = [];
    for await (const page of gh.list("o/r", "/repos/octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe/issues?per_page=3", IssueItem)) {
      items.push(...page.items.map((i) => i.number));
    }
    expect(items).toHaveLength(13);
    expect(new Set(items).size).toBe(13);
    expect(gh.accounting.total.requests).toBe(5);
    for (const s of scopes) expect(s.isDone()).toBe(true);
  });

  it("follows a 301 for a renamed repository and reports the new name", async () => {
    const scopes = replay("rename-repository", (d) => d.method === "get");
    const repo = await client().getRepo("octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod");
    expect(repo.full_name).not.toBe("octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod");
    for (const s of scopes) expect(s.isDone()).toBe(true);
  });
});

describe("GitHub client faults", () => {
  const list = "/repos/o/r/issues?state=all&per_page=100";

  it("answers a 409 empty repository once, without retrying", async () => {
    const scope = nock(API).get("/repos/o/r/commits").query(true).once().reply(409, { message: "Git Repository is empty." });
    await expect(client().page("o/r", "/repos/o/r/commits?per_page=100", IssueItem)).rejects.toBeInstanceOf(UnavailableError);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a 502 twice then succeeds", async () => {
    nock(API).get("/repos/o/r/issues").query(true).times(2).reply(502, "bad gateway");
    nock(API).get("/repos/o/r/issues").query(true).reply(200, []);
    const gh = client();
    const page = await gh.page("o/r", list, IssueItem);
    expect(page.items).toEqual([]);
    expect(gh.accounting.total.requests).toBe(3);
  });

  it("shrinks the page on persistent 502s, then fails naming the endpoint and page", async () => {
    nock(API).get("/repos/o/r/issues").query((q) => q.per_page === "100").times(4).reply(502, "bad gateway");
    nock(API).get("/repos/o/r/issues").query((q) => q.per_page === "50").reply(200, [], {});
    const page = await client().page("o/r", list, IssueItem);
    expect(page.url).toContain("per_page=50");

    nock(API).get("/repos/o/r/issues").query(true).times(12).reply(502, "bad gateway");
    await expect(client().page("o/r", "/repos/o/r/issues?per_page=100&page=3", IssueItem)).rejects.toThrow(/GET \/repos\/o\/r\/issues \(page 9, per_page 25\): 502/);
  });

  it("does not retry a 429 twice over (throttling and retry plugins), and honours retry-after", async () => {
    const scope = nock(API).get("/repos/o/r/issues").query(true).times(3).reply(429, { message: "slow down" }, { "retry-after": "1" });
    const gh = client();
    await expect(gh.page("o/r", list, IssueItem)).rejects.toBeInstanceOf(HostError);
    expect(scope.isDone()).toBe(true);
    expect(gh.accounting.total.requests).toBe(3);
  });

  it("waits out a secondary rate limit and retries", async () => {
    nock(API).get("/repos/o/r/issues").query(true).reply(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "1" });
    nock(API).get("/repos/o/r/issues").query(true).reply(200, []);
    expect((await client().page("o/r", list, IssueItem)).items).toEqual([]);
  });

  it("treats the legacy abuse-detection 403 with retry-after as a rate limit", async () => {
    nock(API).get("/repos/o/r/issues").query(true).reply(403, { message: "You have triggered an abuse detection mechanism." }, { "retry-after": "2" });
    nock(API).get("/repos/o/r/issues").query(true).reply(200, []);
    expect((await client().page("o/r", list, IssueItem)).items).toEqual([]);
  });

  it("sends the stored ETag and reads a 304 as unchanged, free when authorized", async () => {
    nock(API, { reqheaders: { "if-none-match": 'W/"abc"' } })
      .get("/repos/o/r/issues")
      .query(true)
      .reply(304, "", { etag: 'W/"abc"', "x-ratelimit-resource": "core" });
    const gh = client({ cache: { get: () => 'W/"abc"' } });
    const page = await gh.page("o/r", list, IssueItem);
    expect(page.notModified).toBe(true);
    expect(gh.accounting.total).toEqual({ requests: 1, points: 0 });
  });

  it("rejects a response of the wrong shape, naming the field", async () => {
    nock(API).get("/repos/o/r/issues").query(true).reply(200, [{ number: "seven" }]);
    await expect(client().page("o/r", list, IssueItem)).rejects.toThrow(/GET \/repos\/o\/r\/issues: unexpected response: 0\.number/);
  });

  it("retries a 200 whose body is not JSON, then fails without echoing it", async () => {
    nock(API).get("/repos/o/r/issues").query(true).times(3).reply(200, "<html>oops</html>", { "content-type": "text/html" });
    const error = await client().page("o/r", list, IssueItem).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(String(error)).toMatch(/not JSON \(text\/html, 17 bytes\)/);
  });

  it("fails fast on 401 and never puts the token in the error", async () => {
    const token = "fake-canary-token-client-000111";
    registerSecret(token);
    nock(API).get("/repos/o/r").reply(401, { message: "Bad credentials" });
    const error = await client({ tokens: [token] }).getRepo("o/r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(JSON.stringify(error)).not.toContain(token);
    expect(String((error as Error).stack)).not.toContain(token);
  });
});

describe("accounting", () => {
  it("attributes retried requests to the work that made them, even when run side by side", async () => {
    for (const repo of ["a", "b"]) {
      nock(API, { badheaders: ["x-oss-pulse-usage"] }).get(`/repos/o/${repo}/issues`).query(true).times(2).reply(502, "bad gateway");
      nock(API, { badheaders: ["x-oss-pulse-usage"] }).get(`/repos/o/${repo}/issues`).query(true).reply(200, []);
    }
    nock(API).get("/repos/o/c/issues").query(true).reply(200, []);
    const gh = client();
    const [a, b, c] = await Promise.all(
      ["a", "b", "c"].map((repo) => gh.accounting.track(() => gh.page(`o/${repo}`, `/repos/o/${repo}/issues?per_page=100`, IssueItem))),
    );
    expect([a!.usage.requests, b!.usage.requests, c!.usage.requests]).toEqual([3, 3, 1]);
    expect(gh.accounting.total.requests).toBe(7);
  });
});

describe("token pool", () => {
  it("keeps a target on one token, and moves it to another when that token's budget runs low", async () => {
    const seen: string[] = [];
    const scope = nock(API)
      .get("/repos/o/r/issues")
      .query(true)
      .times(3)
      .reply(function () {
        const auth = String(this.req.headers.authorization);
        seen.push(auth);
        const remaining = seen.length === 2 ? "5" : "4000";
        return [200, [], { "x-ratelimit-resource": "core", "x-ratelimit-limit": "5000", "x-ratelimit-remaining": remaining, "x-ratelimit-reset": "2000000000" }];
      });
    const gh = client({ tokens: ["token-aaaa", "token-bbbb"] });
    for (let i = 0; i < 3; i++) await gh.page("o/r", "/repos/o/r/issues?per_page=100", IssueItem);
    expect(scope.isDone()).toBe(true);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[1]);
  });
});

describe("page shrinking", () => {
  it.each([
    ["/x?per_page=100&page=3", "/x?per_page=50&page=5"],
    ["/x?per_page=100", "/x?per_page=50"],
    ["/x?per_page=50&page=2", "/x?per_page=25&page=3"],
    ["/x?per_page=25", null],
  ])("%s becomes %s (same first item)", (from, to) => {
    expect(shrinkPage(from)).toBe(to);
  });
});

describe("GraphQL documents", () => {
  it("validate against GitHub's published schema", () => {
    const sdl = readFileSync(new URL("../../node_modules/@octokit/graphql-schema/schema.graphql", import.meta.url), "utf8");
    const schema = buildSchema(sdl, { assumeValidSDL: true });
    expect(validate(schema, parse(snapshotBatchQuery(3)))).toEqual([]);
    expect(validate(schema, parse(commitHistoryBatchQuery(3)))).toEqual([]);
  });
});
