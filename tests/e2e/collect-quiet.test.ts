import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";

// Two daily cycles against the loopback GitHub. Between them, each "moving" repository gets one
// new item of one kind, and "acme/many" gets more new commits than one page holds; the others
// get nothing. What moved must be stored after the second cycle, and a repository that got
// nothing must cost no REST request. With a token, new commits are read through one batched
// GraphQL query (pages followed) instead of a REST list, and stored exactly as the REST list,
// read without a token, stores them; a new commit by a bot, whose account only REST names, has
// its repo's commits listed through REST.
const DAY1 = "2026-11-27";
const DAY2 = "2026-11-28";
const TOKEN = "quiet-test-token";

const recent = (owner: string, name: string, id: number): FakeRepo =>
  generateRepo({ owner, name, id, seed: id, commits: 20, issues: 6, pulls: 4, releases: 2, startDay: "2026-10-20", endDay: "2026-11-25" });
/** Nothing in the model window at all: history, issues and releases all older. */
const old = (owner: string, name: string, id: number): FakeRepo =>
  generateRepo({ owner, name, id, seed: id, commits: 20, issues: 6, pulls: 4, releases: 0, startDay: "2024-01-01", endDay: "2024-06-30" });

const MOVING = ["acme/commit", "acme/issue", "acme/pull", "acme/release"];
const QUIET = ["acme/quiet", "acme/old"];
const MANY = "acme/many";
const MANY_NEW = 130;

function repos(): FakeRepo[] {
  const many = generateRepo({ owner: "acme", name: "many", id: 7, seed: 7, commits: 20, issues: 2, pulls: 1, releases: 1, startDay: "2026-10-20", endDay: "2026-11-25", bots: false });
  // Two commits by dependabot before the first cycle (one GitHub linked to the bot's account, one
  // it did not), which the second cycle's lookback reads again.
  const last = many.commits.at(-1)!;
  const bot = { authorName: "dependabot[bot]", authorEmail: "49699333+dependabot[bot]@users.noreply.github.com" };
  many.commits.push(
    { ...last, ...bot, sha: "b1".padEnd(40, "b"), committedAt: "2026-11-26T01:00:00Z", authoredAt: "2026-11-26T01:00:00Z", authorLogin: "dependabot[bot]", authorType: "Bot" },
    { ...last, ...bot, sha: "b2".padEnd(40, "b"), committedAt: "2026-11-26T02:00:00Z", authoredAt: "2026-11-26T02:00:00Z", authorLogin: null, authorType: null },
  );
  return [recent("acme", "commit", 1), recent("acme", "issue", 2), recent("acme", "pull", 3), recent("acme", "release", 4), recent("acme", "quiet", 5), old("acme", "old", 6), many];
}

function config(fake: FakeGitHub, db: string, dir: string): string {
  return writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1, concurrency: 3 }\nprojects:\n  - name: acme\n    repos: [${[...MOVING, ...QUIET, MANY].join(", ")}]\nmodels:\n  - name: m\n    window: 30\n`);
}

/** One new item of each kind, each in its own repository, dated on DAY2. */
function move(fake: FakeGitHub): void {
  const at = `${DAY2}T01:00:00Z`;
  const c = fake.state.getRepo("acme/commit")!;
  fake.state.addCommits("acme/commit", [
    { ...c.commits.at(-1)!, root: false, sha: "c".repeat(40), committedAt: at, authoredAt: at, authorLogin: "dependabot[bot]", authorType: "Bot", authorEmail: "49699333+dependabot[bot]@users.noreply.github.com", authorName: "dependabot[bot]" },
  ]);
  const i = fake.state.getRepo("acme/issue")!;
  fake.state.addIssues("acme/issue", [{ number: 900, isPull: false, authorLogin: "newcomer", authorType: "User", state: "open", createdAt: at, closedAt: null, mergedAt: null, updatedAt: at }]);
  expect(i.issues.some((x) => x.number === 900)).toBe(true);
  // Merging a pull request pushes its commit to the default branch.
  const p = fake.state.getRepo("acme/pull")!;
  fake.state.addCommits("acme/pull", [{ ...p.commits.at(-1)!, root: false, sha: "d".repeat(40), committedAt: at, authoredAt: at }]);
  fake.state.addIssues("acme/pull", [{ number: 901, isPull: true, authorLogin: "newcomer", authorType: "User", state: "closed", createdAt: at, closedAt: at, mergedAt: at, updatedAt: at }]);
  fake.state.addReleases("acme/release", [{ id: 990_001, tagName: "v9.0.0", name: "v9.0.0", draft: false, prerelease: false, createdAt: at, publishedAt: at, assets: [] }]);
  // People only, one linked account and one address no account claims (spelt in capitals).
  fake.state.addCommits(
    MANY,
    Array.from({ length: MANY_NEW }, (_, k) => {
      const when = new Date(Date.parse(`${DAY2}T00:00:00Z`) - (MANY_NEW - k) * 60_000).toISOString().replace(".000", "");
      const linked = k % 2 === 0;
      return { sha: `z${String(k).padStart(5, "0")}`.padEnd(40, "e"), committedAt: when, authoredAt: k % 7 === 0 ? "2026-11-20T10:00:00Z" : when, authorLogin: linked ? "alice" : null, authorType: linked ? "User" : null, authorEmail: linked ? "alice@example.com" : "Late.Night@Example.COM", authorName: linked ? "Alice" : "Late Night" };
    }),
  );
}

/** Every stored commit and the commit stream's sync state: what the two ways of reading must agree on. */
function commitRows(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  const rows = [
    ...d.prepare("SELECT r.full_name, c.sha, c.committed_at, c.authored_at, c.author_login, c.author_type, c.author_email, c.author_name FROM commits c JOIN repos r ON r.id = c.repo_id ORDER BY 1, 2").all(),
    ...d.prepare("SELECT r.full_name, s.covered_from, s.synced_to, s.cursor FROM sync_state s JOIN repos r ON r.id = s.repo_id WHERE s.stream = 'commits' AND r.full_name IN (?, ?, ?) ORDER BY 1").all(MANY, "acme/commit", "acme/pull"),
  ];
  d.close();
  return rows;
}
const commitsByVariant = new Map<string, unknown[]>();

function stored(db: string) {
  const d = new Database(db, { readonly: true });
  const repoId = (name: string) => d.prepare("SELECT id FROM repos WHERE full_name = ?").pluck().get(name) as number;
  const result = {
    commit: d.prepare("SELECT COUNT(*) FROM commits WHERE repo_id = ? AND sha = ?").pluck().get(repoId("acme/commit"), "c".repeat(40)),
    issue: d.prepare("SELECT COUNT(*) FROM issues WHERE repo_id = ? AND number = 900").pluck().get(repoId("acme/issue")),
    pull: d.prepare("SELECT COUNT(*) FROM issues WHERE repo_id = ? AND number = 901").pluck().get(repoId("acme/pull")),
    release: d.prepare("SELECT COUNT(*) FROM releases WHERE repo_id = ? AND tag_name = 'v9.0.0'").pluck().get(repoId("acme/release")),
    // Every stream of every repo is complete up to the second cycle.
    many: d.prepare("SELECT COUNT(*) FROM commits WHERE repo_id = ? AND sha LIKE 'z%'").pluck().get(repoId(MANY)),
    behind: d.prepare("SELECT COUNT(*) FROM sync_state WHERE stream IN ('commits', 'issues', 'releases') AND synced_to < ?").pluck().get(`${DAY2}T03:00:00Z`),
    snapshots: d.prepare("SELECT COUNT(*) FROM repo_snapshots WHERE day = ?").pluck().get(DAY2),
  };
  d.close();
  return result;
}

/** REST requests made for one repository (its own paths, any stream). */
const restFor = (fake: FakeGitHub, name: string) => fake.requests.filter((r) => r.resource === "core" && (r.path === `/repos/${name}` || r.path.startsWith(`/repos/${name}/`)));

describe.each([
  ["with a token (GraphQL change markers)", TOKEN],
  ["without a token (one conditional request a repository)", undefined],
])("a daily cycle %s", (name, token) => {
  let fake: FakeGitHub;
  let dir: string;
  let db: string;
  let cfg: string;
  const env = (day: string) => ({ ...(token ? { GITHUB_TOKEN: token } : {}), OSS_PULSE_NOW: `${day}T03:00:00Z` });

  beforeAll(async () => {
    fake = await startFakeGitHub({ repos: repos(), tokens: [TOKEN], limits: { anonymousCore: 10_000 } });
    dir = tempDir();
    db = join(dir, "quiet.db");
    cfg = config(fake, db, dir);
    const first = await runCli(["--config", cfg, "collect"], { env: env(DAY1) });
    expect(first.code, first.stdout + first.stderr).toBe(0);
  });
  afterAll(async () => {
    await fake.close();
  });

  it("stores a new commit, issue, pull request and release, and asks nothing of a repository where nothing moved", async () => {
    const before = stored(db);
    expect(before).toMatchObject({ commit: 0, issue: 0, pull: 0, release: 0 });
    move(fake);
    fake.resetLog();
    const second = await runCli(["--config", cfg, "collect"], { env: env(DAY2) });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(stored(db)).toEqual({ commit: 1, issue: 1, pull: 1, release: 1, many: MANY_NEW, behind: 0, snapshots: 7 });
    commitsByVariant.set(name, commitRows(db));
    for (const name of MOVING) expect(restFor(fake, name).length, name).toBeGreaterThan(0);
    const histories = fake.requests.filter((r) => r.operation === "CommitHistories" && Object.values(r.variables ?? {}).includes("many"));
    if (token) {
      for (const name of QUIET) expect(restFor(fake, name), name).toEqual([]);
      // The new commits of acme/many in three pages through GraphQL (the first sized for what the
      // lookback reads again and ten more, then 100 and 100), the first query with the other
      // repos whose head moved; its issues and releases did not move, and the lookback's two
      // commits by dependabot, already stored, keep the authors REST gave them.
      expect(restFor(fake, MANY)).toEqual([]);
      expect(histories).toHaveLength(3);
      expect(Object.values(histories[0]!.variables ?? {})).toEqual(expect.arrayContaining(["commit", "pull", "many"]));
      // acme/commit's new commit is dependabot's: read in the same query, then listed through REST.
      expect(restFor(fake, "acme/commit").map((r) => r.path)).toContain("/repos/acme/commit/commits");
    } else {
      expect(histories).toEqual([]);
      expect(restFor(fake, MANY).filter((r) => r.path.endsWith("/commits")).length).toBe(2);
      // The one request is the repository itself, answered 304.
      for (const name of QUIET) expect(restFor(fake, name).map((r) => [r.path, r.status]), name).toEqual([[`/repos/${name}`, 304]]);
    }
  });

  it("asks nothing of any stream on a third cycle with nothing new", async () => {
    fake.resetLog();
    const third = await runCli(["--config", cfg, "collect"], { env: env("2026-11-29") });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    const rest = fake.requests.filter((r) => r.resource === "core");
    if (token) expect(rest).toEqual([]);
    else expect(rest.map((r) => r.status)).toEqual(Array(7).fill(304));
  });
});

describe("new commits read through GraphQL history", () => {
  it("are stored as the REST list stores them: same rows, same authors, same sync state", () => {
    const [withToken, withoutToken] = [...commitsByVariant.values()];
    expect(commitsByVariant.size).toBe(2);
    expect(withToken!.length).toBeGreaterThan(MANY_NEW);
    expect(withToken).toEqual(withoutToken);
  });
});
