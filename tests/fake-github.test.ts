import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeGitHub, FakeRepo } from "./support/fake-github/index.js";
import { faultResponses, generateRepo, startFakeGitHub } from "./support/fake-github/index.js";

const TOKEN = "test-token-123";
const AUTH = { authorization: `token ${TOKEN}` };

interface CommitItem {
  sha: string;
  commit: { committer: { date: string }; author: { email: string } };
  author: { login: string; type: string } | null;
}

function small(name: string, id: number, seed: number): FakeRepo {
  return generateRepo({
    owner: "acme",
    name,
    id,
    seed,
    commits: 250,
    issues: 40,
    pulls: 30,
    releases: 6,
    startDay: "2024-01-01",
    endDay: "2024-06-30",
    starWeeks: 40,
  });
}

/** Parses a Link header into rel → URL. */
function links(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get("link") ?? "").split(",")) {
    const m = /<([^>]+)>;\s*rel="(\w+)"/.exec(part);
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

describe("fake GitHub", () => {
  let gh: FakeGitHub;
  let widgets: FakeRepo;
  const get = (path: string, headers: Record<string, string> = AUTH, init: RequestInit = {}) =>
    fetch(`${gh.url}${path}`, { headers, ...init });
  const gql = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = AUTH) =>
    fetch(gh.graphqlUrl, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });

  beforeAll(async () => {
    widgets = small("widgets", 1001, 1);
    const renamed = small("old-name", 1002, 2);
    const gone = { ...small("gone", 1003, 3), unavailable: 404 as const };
    const blocked = { ...small("blocked", 1004, 4), unavailable: 451 as const };
    const empty: FakeRepo = { ...small("empty", 1005, 5), commits: [], empty: true };
    gh = await startFakeGitHub({ repos: [widgets, renamed, gone, blocked, empty], tokens: [TOKEN] });
    gh.state.renameRepo("acme/old-name", "acme/new-name");
  });
  afterAll(() => gh.close());

  it("serves a repository with GitHub's counting conventions", async () => {
    const res = await get("/repos/ACME/Widgets");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(res.headers.get("x-ratelimit-resource")).toBe("core");
    const body = (await res.json()) as Record<string, unknown>;
    const openIssuesAndPrs = widgets.issues.filter((i) => i.state === "open").length;
    expect(body).toMatchObject({
      id: 1001,
      full_name: "acme/widgets",
      default_branch: "main",
      stargazers_count: widgets.stars,
      watchers_count: widgets.stars,
      subscribers_count: widgets.watchers,
      forks_count: widgets.forks,
      open_issues_count: openIssuesAndPrs,
      owner: { login: "acme" },
    });
    expect(widgets.stars).toBe(widgets.starHistory.reduce((n, w) => n + w.days.reduce((a, b) => a + b, 0), 0));
  });

  it("paginates commits newest first with Link headers", async () => {
    const first = await get("/repos/acme/widgets/commits?per_page=100");
    const l1 = links(first);
    expect(l1.next).toBe(`${gh.url}/repos/acme/widgets/commits?per_page=100&page=2`);
    expect(l1.last).toBe(`${gh.url}/repos/acme/widgets/commits?per_page=100&page=3`);
    expect(l1.prev).toBeUndefined();
    const seen: CommitItem[] = (await first.json()) as CommitItem[];
    let next: string | undefined = l1.next;
    let lastRes: Response | undefined;
    while (next) {
      lastRes = await fetch(next, { headers: AUTH });
      seen.push(...((await lastRes.json()) as CommitItem[]));
      next = links(lastRes).next;
    }
    expect(links(lastRes!)).toMatchObject({ prev: expect.stringContaining("page=2"), first: expect.stringContaining("page=1") });
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((c) => c.sha)).size).toBe(250);
    const dates = seen.map((c) => c.commit.committer.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(seen[0]!.sha).toBe(widgets.commits[249]!.sha);

    const past = await get("/repos/acme/widgets/commits?per_page=100&page=4");
    expect(await past.json()).toEqual([]);
    // Default 30 a page; oversize per_page is capped at 100.
    expect(((await (await get("/repos/acme/widgets/commits")).json()) as unknown[]).length).toBe(30);
    expect(((await (await get("/repos/acme/widgets/commits?per_page=1000")).json()) as unknown[]).length).toBe(100);
    // One page only: no Link at all.
    const releases = await get("/repos/acme/widgets/releases?per_page=100");
    expect(releases.headers.get("link")).toBeNull();
  });

  it("filters commits by since/until inclusively", async () => {
    const since = widgets.commits[50]!.committedAt;
    const until = widgets.commits[120]!.committedAt;
    const expected = widgets.commits.filter((c) => c.committedAt >= since && c.committedAt <= until);
    const res = await get(`/repos/acme/widgets/commits?since=${since}&until=${until}&per_page=100`);
    const items = (await res.json()) as CommitItem[];
    expect(items.map((c) => c.sha)).toEqual(expected.map((c) => c.sha).reverse());
    expect(items.map((c) => c.sha)).toContain(widgets.commits[50]!.sha);
    expect(items.map((c) => c.sha)).toContain(widgets.commits[120]!.sha);
    // Bot and unlinked authors are present in generated data.
    const all = widgets.commits;
    expect(all.some((c) => c.authorLogin === "dependabot[bot]" && c.authorType === "Bot")).toBe(true);
    expect(all.some((c) => c.authorLogin === null && c.authorEmail === "49699333+dependabot[bot]@users.noreply.github.com")).toBe(true);
    expect(all.some((c) => c.authorLogin === null && /[A-Z]/.test(c.authorEmail))).toBe(true);
  });

  it("lists issues with pull requests, pulls, releases and star history", async () => {
    const since = "2024-04-01T00:00:00Z";
    const issues = (await (await get(`/repos/acme/widgets/issues?state=all&since=${since}&per_page=100`)).json()) as {
      number: number;
      updated_at: string;
      pull_request?: { merged_at: string | null };
    }[];
    const expected = widgets.issues.filter((i) => i.updatedAt >= since);
    expect(issues.map((i) => i.number).sort((a, b) => a - b)).toEqual(expected.map((i) => i.number));
    expect(issues.some((i) => i.pull_request)).toBe(true);
    expect(issues.every((i) => i.updated_at >= since)).toBe(true);

    const closedPulls = (await (await get("/repos/acme/widgets/pulls?state=closed&per_page=100")).json()) as {
      merged_at: string | null;
      closed_at: string;
    }[];
    expect(closedPulls.length).toBe(widgets.issues.filter((i) => i.isPull && i.state === "closed").length);
    expect(closedPulls.some((p) => p.merged_at === null)).toBe(true);

    const releases = (await (await get("/repos/acme/widgets/releases")).json()) as { draft: boolean; published_at: string | null; created_at: string }[];
    expect(releases).toHaveLength(6);
    expect(releases[0]!.draft).toBe(true);
    expect(releases[0]!.published_at).toBeNull();
    expect(releases.map((r) => r.created_at)).toEqual(releases.map((r) => r.created_at).sort().reverse());

    const weeksRes = await get("/repos/acme/widgets/stargazers/history?per_page=100");
    const weeks = (await weeksRes.json()) as { week: number; total: number; days: number[] }[];
    expect(weeks).toHaveLength(30); // per_page max 30 here
    expect(weeks[0]!.week).toBeGreaterThan(weeks[1]!.week);
    expect(new Date(weeks[0]!.week * 1000).getUTCDay()).toBe(0);
    expect(weeks[0]!.total).toBe(weeks[0]!.days.reduce((a, b) => a + b, 0));
    expect(links(weeksRes).last).toContain("page=2");
    expect((await get("/repos/acme/widgets/stargazers/history?page=101")).status).toBe(422);
  });

  it("answers conditional requests with 304 and charges them correctly", async () => {
    const first = await get("/repos/acme/widgets");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const before = Number(first.headers.get("x-ratelimit-remaining"));

    const again = await get("/repos/acme/widgets", { ...AUTH, "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(Number(again.headers.get("x-ratelimit-remaining"))).toBe(before); // free when authorized
    expect(gh.requests.at(-1)).toMatchObject({ status: 304, cost: 0, authorized: true });

    // Anonymous: 60 an hour, and a 304 still costs one.
    const anon1 = await get("/repos/acme/widgets", {});
    expect(anon1.headers.get("x-ratelimit-limit")).toBe("60");
    const anonBefore = Number(anon1.headers.get("x-ratelimit-remaining"));
    const anon2 = await get("/repos/acme/widgets", { "if-none-match": etag });
    expect(anon2.status).toBe(304);
    expect(Number(anon2.headers.get("x-ratelimit-remaining"))).toBe(anonBefore - 1);

    // /rate_limit is free.
    const rl1 = (await (await get("/rate_limit")).json()) as { rate: { remaining: number } };
    const rl2 = (await (await get("/rate_limit")).json()) as { rate: { remaining: number }; resources: Record<string, unknown> };
    expect(rl2.rate.remaining).toBe(rl1.rate.remaining);
    expect(Object.keys(rl2.resources).sort()).toEqual(["core", "graphql", "search"]);
  });

  it("redirects a renamed repository to /repositories/{id}", async () => {
    const res = await get("/repos/acme/old-name/commits?per_page=5", AUTH, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`${gh.url}/repositories/1002/commits?per_page=5`);
    const followed = await get("/repos/acme/old-name/commits?per_page=5");
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${gh.url}/repositories/1002/commits?per_page=5`);
    expect(((await followed.json()) as unknown[]).length).toBe(5);
    expect(((await (await get("/repos/acme/new-name")).json()) as { id: number }).id).toBe(1002);
    expect(((await (await get("/repositories/1002")).json()) as { full_name: string }).full_name).toBe("acme/new-name");
  });

  it("answers 404, 451, 409 and 401 like GitHub", async () => {
    const missing = await get("/repos/acme/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: "Not Found" });
    expect((await get("/repos/acme/gone/commits")).status).toBe(404);
    const blocked = await get("/repos/acme/blocked");
    expect(blocked.status).toBe(451);
    expect(await blocked.json()).toEqual({
      message: "Repository access blocked",
      block: { reason: "dmca", html_url: "https://example.test/dmca" },
    });
    const empty = await get("/repos/acme/empty/commits");
    expect(empty.status).toBe(409);
    expect(await empty.json()).toMatchObject({ message: "Git Repository is empty." });
    const bad = await get("/repos/acme/widgets", { authorization: "token wrong" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: "Bad credentials" });
    expect(JSON.stringify(gh.requests)).not.toContain(TOKEN);
  });

  it("counts with search/issues on the search resource", async () => {
    const res = await get("/search/issues?q=" + encodeURIComponent("repo:acme/widgets is:pr is:merged merged:2024-01-01..2024-06-30") + "&per_page=1");
    expect(res.headers.get("x-ratelimit-resource")).toBe("search");
    const body = (await res.json()) as { total_count: number; items: unknown[] };
    expect(body.total_count).toBe(widgets.issues.filter((i) => i.isPull && i.mergedAt).length);
    expect(body.items).toHaveLength(1);
  });

  it("runs a batched GraphQL query against GitHub's schema", async () => {
    const since = widgets.commits[100]!.committedAt;
    const query = `query Batch($since: GitTimestamp!) {
      r0: repository(owner: "acme", name: "widgets") { ...M }
      r1: repository(owner: "acme", name: "missing") { ...M }
      r2: repository(owner: "acme", name: "old-name") { nameWithOwner }
      rateLimit { cost remaining limit used resetAt nodeCount }
    }
    fragment M on Repository {
      databaseId nameWithOwner owner { login } createdAt isEmpty isArchived stargazerCount forkCount
      watchers(first: 1) { totalCount }
      openIssues: issues(states: OPEN, first: 1) { totalCount }
      merged: pullRequests(states: MERGED, first: 1) { totalCount }
      releases(first: 2, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { tagName publishedAt isDraft } }
      defaultBranchRef { name target { ... on Commit { oid history(first: 100, since: $since) {
        totalCount pageInfo { hasNextPage endCursor } nodes { oid committedDate author { email name user { login } } } } } } }
    }`;
    const res = await gql(query, { since });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-resource")).toBe("graphql");
    const body = (await res.json()) as {
      data: Record<string, any>;
      errors: { type: string; path: string[]; message: string; locations: unknown[] }[];
    };
    expect(body.data.r1).toBeNull();
    expect(body.errors).toEqual([
      {
        type: "NOT_FOUND",
        path: ["r1"],
        locations: [{ line: 3, column: 7 }],
        message: "Could not resolve to a Repository with the name 'acme/missing'.",
      },
    ]);
    const r0 = body.data.r0;
    expect(r0).toMatchObject({
      databaseId: 1001,
      nameWithOwner: "acme/widgets",
      owner: { login: "acme" },
      stargazerCount: widgets.stars,
      watchers: { totalCount: widgets.watchers },
      openIssues: { totalCount: widgets.issues.filter((i) => !i.isPull && i.state === "open").length },
      merged: { totalCount: widgets.issues.filter((i) => i.isPull && i.mergedAt).length },
      releases: { totalCount: 6 },
    });
    expect(r0.releases.nodes[0]).toMatchObject({ isDraft: true, publishedAt: null });
    const history = r0.defaultBranchRef.target.history;
    expect(history.totalCount).toBe(150);
    expect(history.pageInfo.hasNextPage).toBe(true);
    expect(history.nodes[0].oid).toBe(widgets.commits[249]!.sha);
    // Bots are not linked to a User in GraphQL.
    for (const n of history.nodes) if (n.author.email.includes("[bot]")) expect(n.author.user).toBeNull();

    const page2 = (await (
      await gql(`query($c: String!, $since: GitTimestamp!) { repository(owner: "acme", name: "widgets") { defaultBranchRef { target {
        ... on Commit { history(first: 100, after: $c, since: $since) { pageInfo { hasNextPage } nodes { oid } } } } } } }`, {
        c: history.pageInfo.endCursor,
        since,
      })
    ).json()) as { data: any };
    const rest = page2.data.repository.defaultBranchRef.target.history;
    expect(rest.nodes).toHaveLength(50);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(rest.nodes.at(-1).oid).toBe(widgets.commits[100]!.sha);

    expect(body.data.r2).toEqual({ nameWithOwner: "acme/new-name" }); // follows the rename
    expect(body.data.rateLimit).toMatchObject({ cost: 1, limit: 5000 });
    expect(body.data.rateLimit.remaining).toBe(Number(res.headers.get("x-ratelimit-remaining")));
  });

  it("rejects invalid GraphQL and anonymous callers", async () => {
    const res = await gql(`{ repository(owner: "acme", name: "widgets") { starCount } }`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data?: unknown; errors: { message: string; locations: unknown[] }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]!.message).toMatch(/Cannot query field "starCount" on type "Repository"/);
    expect(body.errors[0]!.locations).toEqual([{ line: 1, column: 48 }]);

    const anon = await gql(`{ rateLimit { remaining } }`, undefined, {});
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ message: "This endpoint requires you to be authenticated." });
  });

  it("injects faults that fire a set number of times", async () => {
    gh.resetLog();
    const fault = gh.addFault({ path: "/repos/acme/widgets", times: 2, respond: faultResponses.status(502) });
    expect((await get("/repos/acme/widgets")).status).toBe(502);
    expect((await get("/repos/acme/widgets")).status).toBe(502);
    expect((await get("/repos/acme/widgets")).status).toBe(200);
    expect(fault.fired).toBe(2);
    expect(gh.requests.map((r) => [r.status, r.fault ?? null, r.cost])).toEqual([
      [502, "status", 0],
      [502, "status", 0],
      [200, null, 1],
    ]);
    fault.remove();

    // Persistent 502 only for per_page=100: shrinking the page size gets through.
    const big = gh.addFault({ path: /\/commits$/, query: { per_page: "100" }, respond: faultResponses.status(502) });
    expect((await get("/repos/acme/widgets/commits?per_page=100")).status).toBe(502);
    expect((await get("/repos/acme/widgets/commits?per_page=50")).status).toBe(200);
    big.remove();

    gh.addFault({ path: "/repos/acme/widgets/releases", after: 1, times: 1, respond: faultResponses.secondaryRateLimit(1) });
    expect((await get("/repos/acme/widgets/releases")).status).toBe(200);
    const limited = await get("/repos/acme/widgets/releases");
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);

    gh.addFault({ path: "/repos/acme/widgets/pulls", times: 1, respond: faultResponses.primaryRateLimit(1) });
    const primary = await get("/repos/acme/widgets/pulls");
    expect(primary.status).toBe(403);
    expect(primary.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(primary.headers.get("x-ratelimit-reset")) - Date.now() / 1000).toBeLessThanOrEqual(2);

    gh.addFault({ path: "/repos/acme/widgets/issues", times: 1, respond: "truncated-json" });
    const truncated = await get("/repos/acme/widgets/issues");
    expect(truncated.status).toBe(200);
    await expect(truncated.json()).rejects.toThrow();

    gh.addFault({ path: "/repos/acme/widgets/issues", times: 1, respond: "html" });
    const html = await get("/repos/acme/widgets/issues");
    expect(html.headers.get("content-type")).toMatch(/text\/html/);

    gh.addFault({ path: "/repos/acme/widgets/issues", times: 1, respond: "reset" });
    await expect(get("/repos/acme/widgets/issues")).rejects.toThrow();

    gh.addFault({ path: "/repos/acme/widgets/issues", times: 1, respond: "hang" });
    await expect(get("/repos/acme/widgets/issues", AUTH, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(gh.requests.at(-1)).toMatchObject({ status: 0, fault: "hang" });
    expect((await get("/repos/acme/widgets/issues")).status).toBe(200);
  });
});

describe("fake GitHub limits and shutdown", () => {
  it("refuses with 403 once the primary limit is used up", async () => {
    const gh = await startFakeGitHub({ repos: [small("tiny", 7, 7)], limits: { core: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${gh.url}/repos/acme/tiny`, { headers: AUTH })).status).toBe(200);
      const res = await fetch(`${gh.url}/repos/acme/tiny`, { headers: AUTH });
      expect(res.status).toBe(403);
      expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(((await res.json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
      // Another identity has its own budget.
      expect((await fetch(`${gh.url}/repos/acme/tiny`, { headers: { authorization: "token other" } })).status).toBe(200);
    } finally {
      await gh.close();
    }
  });

  it("answers GraphQL with RATE_LIMITED once its budget is used up", async () => {
    const gh = await startFakeGitHub({ repos: [small("tiny", 7, 7)], limits: { graphql: 1 } });
    try {
      const ask = () =>
        fetch(gh.graphqlUrl, { method: "POST", headers: AUTH, body: JSON.stringify({ query: "{ rateLimit { cost remaining } }" }) });
      expect(await (await ask()).json()).toEqual({ data: { rateLimit: { cost: 1, remaining: 0 } } });
      const res = await ask();
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(await res.json()).toMatchObject({ data: null, errors: [{ type: "RATE_LIMITED" }] });
    } finally {
      await gh.close();
    }
  });

  it("serves data added between runs, with a fresh ETag", async () => {
    const repo = small("live", 8, 8);
    const gh = await startFakeGitHub({ repos: [repo] });
    try {
      const url = `${gh.url}/repos/acme/live/commits?per_page=1`;
      const first = await fetch(url, { headers: AUTH });
      const etag = first.headers.get("etag")!;
      gh.state.addCommits("acme/live", [
        {
          sha: "f".repeat(40),
          committedAt: "2024-07-01T12:00:00Z",
          authoredAt: "2024-07-01T12:00:00Z",
          authorLogin: "alice",
          authorType: "User",
          authorEmail: "alice@example.com",
          authorName: "Alice",
        },
      ]);
      const second = await fetch(url, { headers: { ...AUTH, "if-none-match": etag } });
      expect(second.status).toBe(200);
      expect(((await second.json()) as CommitItem[])[0]!.sha).toBe("f".repeat(40));
      gh.state.updateIssue("acme/live", 1, { state: "closed", closedAt: "2024-07-02T00:00:00Z", updatedAt: "2024-07-02T00:00:00Z" });
      const closed = (await (await fetch(`${gh.url}/repos/acme/live/issues?state=closed&sort=updated&per_page=1`, { headers: AUTH })).json()) as { number: number }[];
      expect(closed[0]!.number).toBe(1);
    } finally {
      await gh.close();
    }
  });

  it("close() ends hanging requests", async () => {
    const gh = await startFakeGitHub({ faults: [{ path: /.*/, respond: "hang" }] });
    const pending = fetch(`${gh.url}/rate_limit`);
    await new Promise((r) => setTimeout(r, 50));
    await gh.close();
    await expect(pending).rejects.toThrow();
  });
});

describe("fake GitHub at scale", () => {
  let gh: FakeGitHub;
  let big: FakeRepo;

  beforeAll(async () => {
    const t = performance.now();
    big = generateRepo({
      owner: "bigco",
      name: "monorepo",
      id: 9001,
      seed: 42,
      commits: 200_000,
      issues: 40_000,
      pulls: 10_000,
      releases: 300,
      startDay: "2018-01-01",
      endDay: "2025-12-31",
      contributors: 400,
    });
    console.log(`generated 200k commits + 50k issues in ${Math.round(performance.now() - t)} ms`);
    gh = await startFakeGitHub({ repos: [big] });
  });
  afterAll(() => gh.close());

  it("serves deep pages of a 200k-commit repository", async () => {
    const res = await fetch(`${gh.url}/repos/bigco/monorepo/commits?per_page=100&page=1000`, { headers: AUTH });
    expect(res.status).toBe(200);
    const items = (await res.json()) as CommitItem[];
    expect(items).toHaveLength(100);
    expect(items[0]!.sha).toBe(big.commits[200_000 - 1 - 99_900]!.sha);
    expect(links(res).last).toContain("page=2000");

    const issues = await fetch(`${gh.url}/repos/bigco/monorepo/issues?state=all&sort=updated&direction=asc&per_page=100&page=300`, { headers: AUTH });
    const page = (await issues.json()) as { updated_at: string }[];
    expect(page).toHaveLength(100);
    expect(page.map((i) => i.updated_at)).toEqual(page.map((i) => i.updated_at).sort());

    const q = await fetch(`${gh.graphqlUrl}`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({
        query: `{ repository(owner: "bigco", name: "monorepo") { defaultBranchRef { target { ... on Commit {
          history(since: "2025-01-01T00:00:00Z") { totalCount } } } } } }`,
      }),
    });
    const body = (await q.json()) as { data: any };
    expect(body.data.repository.defaultBranchRef.target.history.totalCount).toBe(
      big.commits.filter((c) => c.committedAt >= "2025-01-01T00:00:00Z").length,
    );
  });
});
