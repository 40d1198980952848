import { afterEach, describe, expect, it } from "vitest";
import { GitHubClient } from "../../src/github/client.js";
import { commitsSince, crawlCommits, crawlIssues, issuesSince } from "../../src/jobs/streams.js";
import { openDb } from "../../src/store/open.js";
import { ensureRepo, updateIdentity } from "../../src/store/repos.js";
import { getEtag, getSync } from "../../src/store/sync.js";
import { type FakeGitHub, type FakeIssue, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(issues: number, commits = 20) {
  const repo = generateRepo({ owner: "o", name: "r", id: 1, seed: 1, commits, issues, pulls: 0, releases: 0, startDay: "2026-11-01", endDay: "2026-11-20" });
  fake = await startFakeGitHub({ repos: [repo] });
  const db = openDb(":memory:");
  const github = new GitHubClient({ apiUrl: fake.url, tokens: [], userAgent: "t", timeoutMs: 5000, graphql: "never", retryBaseMs: 1, cache: { get: (url, scope) => getEtag(db, url, scope) } });
  const row = ensureRepo(db, "o/r", new Date());
  updateIdentity(db, row, { githubId: 1, fullName: "o/r", defaultBranch: "main", createdAt: "2026-11-01T00:00:00Z" }, new Date());
  const fresh = () => db.prepare("SELECT * FROM repos WHERE id = ?").get(row.id) as typeof row;
  return { repo, db, github, fresh };
}

describe("incremental crawls", () => {
  it("reads past a first page that has not changed when more items share its updated_at", async () => {
    const { repo, db, github, fresh } = await setup(150);
    // A bulk edit: every issue updated in the same second.
    for (const issue of repo.issues) issue.updatedAt = "2026-11-21T10:00:00Z";
    fake!.state.touch("o/r");
    const now = new Date("2026-11-22T00:00:00Z");
    await crawlIssues({ db, github, now }, fresh(), { mode: "collect", since: "2026-11-01T00:00:00Z", coversFrom: "2026-11-01" });
    expect(db.prepare("SELECT COUNT(*) FROM issues").pluck().get()).toBe(150);

    const late: FakeIssue = { number: 151, isPull: false, authorLogin: "zed", authorType: "User", state: "open", createdAt: "2026-11-21T10:00:00Z", closedAt: null, mergedAt: null, updatedAt: "2026-11-21T10:00:00Z" };
    fake!.state.addIssues("o/r", [late]);
    const later = new Date("2026-11-23T00:00:00Z");
    await crawlIssues({ db, github, now: later }, fresh(), { mode: "collect", since: issuesSince(db, 1, getSync(db, 1, "issues")!.syncedTo!), coversFrom: null });
    expect(db.prepare("SELECT COUNT(*) FROM issues").pluck().get()).toBe(151);
  });

  it("answers an unchanged one-page list with a free 304", async () => {
    const { db, github, fresh } = await setup(30);
    const now = new Date("2026-11-22T00:00:00Z");
    await crawlIssues({ db, github, now }, fresh(), { mode: "collect", since: "2026-11-01T00:00:00Z", coversFrom: "2026-11-01" });
    const again = () => crawlIssues({ db, github, now }, fresh(), { mode: "collect", since: issuesSince(db, 1, getSync(db, 1, "issues")!.syncedTo!), coversFrom: null });
    await again(); // from the newest updated_at on: a new URL, read once
    fake!.resetLog();
    await again();
    expect(fake!.requests.map((r) => r.status)).toEqual([304]);
  });

  it("resumes an issue crawl at the page size it had shrunk to", async () => {
    const { repo, db, github, fresh } = await setup(300);
    for (const issue of repo.issues) issue.updatedAt = "2026-11-21T10:00:00Z";
    fake!.state.touch("o/r");
    // Big pages always time out; the second page of 50 fails at every size, so the crawl stops there.
    const faults: Record<string, string>[] = [
      { per_page: "100" },
      { per_page: "50", page: "2" },
      { per_page: "25", page: "3" },
    ];
    const handles = faults.map((query) => fake!.state.addFault({ path: "/repos/o/r/issues", query, respond: { status: 502, body: { message: "Server Error" } } }));
    const now = new Date("2026-11-22T00:00:00Z");
    const plan = { mode: "backfill" as const, since: null, coversFrom: "2026-11-01" };
    await expect(crawlIssues({ db, github, now }, fresh(), plan)).rejects.toThrow(/502/);
    expect(db.prepare("SELECT COUNT(*) FROM issues").pluck().get()).toBe(50);
    for (const h of handles) h.remove();
    await crawlIssues({ db, github, now }, fresh(), plan);
    expect(db.prepare("SELECT COUNT(*) FROM issues").pluck().get()).toBe(300);
  });

  it("is not stopped by a commit dated in the future", async () => {
    const { repo, db, github, fresh } = await setup(5);
    // Hours ahead of the crawl's clock: inside the day of margin, so stored (one years ahead is
    // left out at the schema boundary: tests/e2e/hostile-github.test.ts).
    repo.commits.push({ ...repo.commits.at(-1)!, sha: "e".repeat(40), committedAt: "2026-11-22T20:00:00Z", authoredAt: "2026-11-22T20:00:00Z" });
    fake!.state.touch("o/r");
    const now = new Date("2026-11-22T00:00:00Z");
    await crawlCommits({ db, github, now }, fresh(), { mode: "collect", since: "2026-11-01T00:00:00Z", coversFrom: "2026-11-01" });
    fake!.state.addCommits("o/r", [{ ...repo.commits[0]!, root: false, sha: "d".repeat(40), committedAt: "2026-11-22T10:00:00Z", authoredAt: "2026-11-22T10:00:00Z" }]);
    const later = new Date("2026-11-23T00:00:00Z");
    const since = commitsSince(db, 1, getSync(db, 1, "commits")!.syncedTo!, later);
    expect(since).toBe("2026-11-15T00:00:00Z");
    await crawlCommits({ db, github, now: later }, fresh(), { mode: "collect", since, coversFrom: null });
    expect(db.prepare("SELECT COUNT(*) FROM commits WHERE sha = ?").pluck().get("d".repeat(40))).toBe(1);
  });

  it("marks the whole history covered once a crawl meets the root commit", async () => {
    const { db, github, fresh } = await setup(5);
    await crawlCommits({ db, github, now: new Date("2026-11-22T00:00:00Z") }, fresh(), { mode: "collect", since: "2026-10-01T00:00:00Z", coversFrom: "2026-10-01" });
    expect(getSync(db, 1, "commits")?.coveredFrom).toBe("0001-01-01");
  });
});
