import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GitHubClient } from "../../src/github/client.js";
import { CommitItem } from "../../src/github/schemas.js";
import { type FakeCommit, type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

// The new commits of a collect read through GraphQL `history` must be what the REST commit list
// gives for the same `since`, item for item, with pages followed and the cost GitHub charges.
const TOKEN = "history-test-token";
const NOW = new Date("2026-11-28T03:00:00Z");

const human = (i: number): Pick<FakeCommit, "authorLogin" | "authorType" | "authorEmail" | "authorName"> =>
  i % 3 === 0
    ? // No account claims this address, spelt in capitals: null in both APIs, stored lower-cased.
      { authorLogin: null, authorType: null, authorEmail: `Outside.Dev${i}@Example.COM`, authorName: `Outside Dev${i}` }
    : { authorLogin: i % 3 === 1 ? "alice" : "bob", authorType: "User", authorEmail: i % 3 === 1 ? "alice@example.com" : "bob@example.com", authorName: "Dev" };

/** `n` commits an hour apart from `from`, authored a day before every fifth one. */
function newCommits(prefix: string, from: string, n: number): FakeCommit[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.parse(from) + i * 3_600_000).toISOString().replace(".000", "");
    const authored = i % 5 === 0 ? new Date(Date.parse(at) - 86_400_000).toISOString().replace(".000", "") : at;
    return { sha: `${prefix}${String(i).padStart(6, "0")}`.padEnd(40, "e"), committedAt: at, authoredAt: authored, ...human(i) };
  });
}

describe("commit history through GraphQL", () => {
  let fake: FakeGitHub;
  const repos = Array.from({ length: 60 }, (_, i) =>
    generateRepo({ owner: "acme", name: `r${i}`, id: i + 1, seed: i + 1, commits: 12, issues: 1, pulls: 1, releases: 0, startDay: "2026-11-01", endDay: "2026-11-20", bots: false }),
  );
  beforeAll(async () => {
    const withBot = generateRepo({ owner: "acme", name: "bot", id: 100, seed: 100, commits: 12, issues: 1, pulls: 1, releases: 0, startDay: "2026-11-01", endDay: "2026-11-20", bots: false });
    fake = await startFakeGitHub({ repos: [...repos, withBot], tokens: [TOKEN] });
    fake.state.addCommits("acme/r0", newCommits("a", "2026-11-21T00:00:00Z", 150));
    fake.state.addCommits("acme/r1", newCommits("b", "2026-11-21T00:00:00Z", 3));
    const last = fake.state.getRepo("acme/bot")!.commits.at(-1)!;
    fake.state.addCommits("acme/bot", [
      { ...last, sha: "f".repeat(40), committedAt: "2026-11-22T00:00:00Z", authoredAt: "2026-11-22T00:00:00Z", authorLogin: "dependabot[bot]", authorType: "Bot", authorEmail: "49699333+dependabot[bot]@users.noreply.github.com", authorName: "dependabot[bot]" },
    ]);
  });
  afterAll(async () => fake?.close());
  beforeEach(() => fake.resetLog());

  const client = () => new GitHubClient({ apiUrl: fake.url, tokens: [TOKEN], userAgent: "t", timeoutMs: 5000, graphql: "auto", retryBaseMs: 1, now: () => NOW });

  /** What the REST list gives (every page), as crawlCommits reads it. */
  async function restList(gh: GitHubClient, fullName: string, since: string | null): Promise<CommitItem[]> {
    const query = new URLSearchParams({ sha: "main", ...(since ? { since } : {}), per_page: "100" });
    const items: CommitItem[] = [];
    for await (const page of gh.list(fullName, `/repos/${fullName}/commits?${query}`, CommitItem, { conditional: false })) items.push(...page.items);
    return items;
  }

  it("gives what the REST list gives, following pages, from a point or from the root", async () => {
    const gh = client();
    const asked = [
      { fullName: "acme/r0", since: "2026-11-19T00:00:00Z" },
      { fullName: "acme/r1", since: "2026-11-19T00:00:00Z" },
      { fullName: "acme/r2", since: null },
    ];
    const results = await gh.commitHistories(asked);
    const graphql = fake.requests.filter((r) => r.resource === "graphql");
    for (const [i, { fullName, since }] of asked.entries()) {
      const result = results[i]!;
      expect(result.reason, fullName).toBeUndefined();
      expect(result.unnamed, fullName).toEqual([]);
      expect(result.commits, fullName).toEqual(await restList(gh, fullName, since));
    }
    // r0 has 150 new commits and more before them: pages of 10, 100 and 100.
    expect(results[0]!.commits!.length).toBeGreaterThan(150);
    expect(graphql.map((r) => Object.values(r.variables ?? {}).filter((v) => v === "r0").length)).toEqual([1, 1, 1]);
    expect(results[2]!.commits!.some((c) => c.parents.length === 0)).toBe(true);
    expect(results[1]!.commits!.some((c) => c.author === null && c.commit.author?.email === "Outside.Dev0@Example.COM")).toBe(true);
  });

  it("asks many repos in one query at most five points, as GitHub's cost formula charges", async () => {
    const asked = repos.slice(2).map((r) => ({ fullName: `${r.owner}/${r.name}`, since: "2026-11-18T00:00:00Z" }));
    const results = await client().commitHistories(asked);
    expect(results.every((r) => r.commits !== null && r.commits.length > 0)).toBe(true);
    // 58 repos at `first: 10`: 11 requests each; 49 of them are 539 requests (5 points), then 9 (99: 1 point).
    expect(fake.requests.map((r) => [r.resource, r.cost])).toEqual([
      ["graphql", 5],
      ["graphql", 1],
    ]);
  });

  it("names the commits whose bot author GraphQL cannot tell linked from unlinked", async () => {
    const gh = client();
    const [result] = await gh.commitHistories([{ fullName: "acme/bot", since: "2026-11-21T00:00:00Z" }]);
    expect(result!.unnamed).toEqual([{ sha: "f".repeat(40), committedAt: "2026-11-22T00:00:00Z" }]);
    // REST names the bot; GraphQL gives no account, so that author is not to be taken from it.
    const rest = await restList(gh, "acme/bot", "2026-11-21T00:00:00Z");
    expect(rest.map((c) => c.author)).toEqual([{ login: "dependabot[bot]", type: "Bot" }]);
    expect(result!.commits!.map((c) => c.author)).toEqual([null]);
    expect(result!.commits!.map(({ author: _a, ...rest }) => rest)).toEqual(rest.map(({ author: _a, ...rest }) => rest));
  });

  it("hands a repo back to REST when GraphQL cannot find it", async () => {
    const [result] = await client().commitHistories([{ fullName: "acme/missing", since: null }]);
    expect(result!.commits).toBeNull();
    expect(result!.reason).toMatch(/Could not resolve/);
  });
});
