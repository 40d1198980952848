import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HostError } from "../../src/errors.js";
import { GitHubClient } from "../../src/github/client.js";
import { IssueItem } from "../../src/github/schemas.js";

/** A Link rel="next" that leads back to a page already read (nock 14, network disabled). */

const API = "https://api.github.com";
const NOW = new Date("2026-11-28T12:00:00Z");

const client = () =>
  new GitHubClient({
    apiUrl: API,
    tokens: ["0000000000000000000000000000000000000003"],
    userAgent: "oss-pulse-test",
    timeoutMs: 2000,
    graphql: "never",
    retryBaseMs: 1,
    sleep: async () => {},
    now: () => NOW,
  });

const issue = (n: number) => ({ number: n, state: "open", user: { login: "u" }, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", closed_at: null });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("Link rel=\"next\" that repeats", () => {
  it.each([
    ["itself", "page=2"],
    ["an earlier page", "page=1"],
  ])("to %s: the pages read are handed on once, then the stream fails naming the repeat, with no request more", async (_name, back) => {
    const start = "/repos/o/r/issues?state=all&per_page=2&page=1";
    const scope = nock(API)
      .get("/repos/o/r/issues")
      .query({ state: "all", per_page: "2", page: "1" })
      .reply(200, [issue(1), issue(2)], { link: `<${API}/repos/o/r/issues?state=all&per_page=2&page=2>; rel="next"` })
      .get("/repos/o/r/issues")
      .query({ state: "all", per_page: "2", page: "2" })
      .reply(200, [issue(3), issue(4)], { link: `<${API}/repos/o/r/issues?state=all&per_page=2&${back}>; rel="next"` });
    const extra = nock(API).get(/.*/).reply(200, []);
    const pages: number[][] = [];
    const error = await (async () => {
      for await (const page of client().list("o/r", start, IssueItem)) pages.push(page.items.map((i) => i.number));
    })().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toMatch(/pagination repeats itself/);
    expect(pages).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(scope.isDone()).toBe(true);
    expect(extra.isDone()).toBe(false);
  });
});
