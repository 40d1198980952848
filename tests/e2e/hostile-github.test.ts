import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { listenLoopback } from "../support/loopback.js";

/** Hostile GitHub answers fed to the real CLI; each case asserts what is (not) stored. */

const NOW = "2026-11-28T12:00:00Z";
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const make = (name: string, id: number, extra: Partial<Parameters<typeof generateRepo>[0]> = {}): FakeRepo =>
  generateRepo({ owner: "acme", name, id, seed: id, commits: 30, issues: 8, pulls: 4, releases: 2, startDay: "2026-10-01", endDay: "2026-11-27", ...extra });

async function setup(repos: FakeRepo[]): Promise<{ fake: FakeGitHub; db: string; config: string }> {
  fake = await startFakeGitHub({ repos });
  const dir = tempDir();
  const db = join(dir, "pulse.db");
  const names = repos.map((r) => `acme/${r.name}`).join(", ");
  const config = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [${names}]\n`);
  return { fake, db, config };
}

interface Summary {
  status: string;
  targets: { target: string; outcome: string; error?: string }[];
}

async function collect(config: string, env: Record<string, string> = {}): Promise<{ summary: Summary; stderr: string; code: number | null }> {
  const run = await runCli(["--config", config, "--json", "collect"], { env: { OSS_PULSE_NOW: NOW, ...env } });
  expect(run.stderr).not.toMatch(/unexpected error/);
  return { summary: JSON.parse(run.stdout) as Summary, stderr: run.stderr, code: run.code };
}

function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare(sql).all(...params) as T[];
  } finally {
    sqlite.close();
  }
}

async function realBody(fake: FakeGitHub, path: string): Promise<unknown> {
  return (await fetch(`${fake.url}${path}`)).json();
}

describe("counts", () => {
  it("refuses a negative star count: the repo fails naming the field, and no snapshot is stored", async () => {
    const { fake, db, config } = await setup([make("fine", 1), make("neg", 2)]);
    const body = (await realBody(fake, "/repos/acme/neg")) as Record<string, unknown>;
    fake.addFault({ path: "/repos/acme/neg", respond: { status: 200, body: { ...body, stargazers_count: -5 } } });
    const { summary } = await collect(config);
    const neg = summary.targets.find((t) => t.target === "acme/neg")!;
    expect(neg.outcome).toBe("failed");
    expect(neg.error).toMatch(/stargazers_count: .*>=0/);
    expect(summary.targets.find((t) => t.target === "acme/fine")?.outcome).toBe("ok");
    expect(query(db, "SELECT s.stars FROM repo_snapshots s JOIN repos r ON r.id = s.repo_id WHERE r.full_name = 'acme/neg'")).toEqual([]);
    expect(query<{ stars: number }>(db, "SELECT MIN(stars) AS stars FROM repo_snapshots")[0]!.stars).toBeGreaterThanOrEqual(0);
  });
});

describe("a Link rel=\"next\" to another host", () => {
  it("is not followed: no request (so no token) goes there, the page stores nothing, and the next run resumes at the last good cursor", async () => {
    const { fake, db, config } = await setup([make("x", 1, { commits: 250 })]);
    const elsewhere: { path: string; authorization: string | undefined }[] = [];
    const other = await listenLoopback((req, res) => {
      elsewhere.push({ path: req.url ?? "", authorization: req.headers.authorization });
      res.end("[]");
    });
    try {
      const page2 = await realBody(fake, "/repos/acme/x/commits?per_page=100&page=2");
      const hostile = fake.addFault({
        path: "/repos/acme/x/commits",
        query: { page: "2" },
        respond: { status: 200, body: page2, headers: { link: `<${other.url}/steal?x=1>; rel="next"` } },
      });
      const first = await collect(config, { GITHUB_TOKEN: "canary-token-never-elsewhere" });
      const x = first.summary.targets[0]!;
      expect(x.outcome).toBe("failed");
      expect(x.error).toMatch(/commits: .*Link rel="next" points outside the configured API/);
      expect(x.error).not.toMatch(/gone/);
      expect(elsewhere).toEqual([]);
      expect(query(db, "SELECT status FROM repos")).toEqual([{ status: "active" }]);
      // Page 1 stays committed with the cursor to page 2; page 2 (whose link was refused) is not stored.
      expect(query(db, "SELECT COUNT(*) AS n FROM commits")).toEqual([{ n: 100 }]);
      const cursor = query<{ cursor: string }>(db, "SELECT cursor FROM sync_state WHERE stream = 'commits'")[0]!.cursor;
      expect(cursor).toMatch(/page=2/);
      expect(cursor).not.toMatch(/steal/);

      hostile.remove();
      const second = await collect(config, { GITHUB_TOKEN: "canary-token-never-elsewhere" });
      expect(second.summary.targets[0]!.outcome).toBe("ok");
      expect(query(db, "SELECT COUNT(*) AS n FROM commits")).toEqual([{ n: 250 }]);
      expect(elsewhere).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe("a rename reported by the server", () => {
  it.each([
    ["a 301 whose target escapes the path", (_body: Record<string, unknown>) => ({ status: 301, headers: { location: "x/../../../secret/admin?y=1#" }, body: { message: "Moved Permanently" } }), /301 redirect to .*refused/],
    ["a full_name that is not owner/repo", (body: Record<string, unknown>) => ({ status: 200, body: { ...body, full_name: "x/../../../secret/admin?y=1#" } }), /full_name: must be "owner\/repo"/],
  ])("%s: the repo fails with the reason, and the name is neither stored nor used", async (_name, respond, reason) => {
    const { fake, db, config } = await setup([make("fine", 1), make("old", 2)]);
    const body = (await realBody(fake, "/repos/acme/old")) as Record<string, unknown>;
    fake.addFault({ path: "/repos/acme/old", respond: respond(body) });
    fake.resetLog();
    const { summary } = await collect(config);
    const old = summary.targets.find((t) => t.target === "acme/old")!;
    expect(old.outcome).toBe("failed");
    expect(old.error).toMatch(reason);
    expect(summary.targets.find((t) => t.target === "acme/fine")?.outcome).toBe("ok");
    expect(query(db, "SELECT full_name FROM repos ORDER BY id")).toEqual([{ full_name: "acme/fine" }, { full_name: "acme/old" }]);
    expect(query(db, "SELECT old_name FROM repo_aliases")).toEqual([]);
    expect(fake.requests.filter((r) => !r.path.startsWith("/repos/acme/fine")).map((r) => r.path)).toEqual(["/repos/acme/old"]);
  });
});

describe("dates out of range", () => {
  it("an item dated outside 1970 .. now + 1 day is left out and named in the run's record; the rest is kept, old dates included, and the repo does not fail", async () => {
    const x = make("x", 1);
    const model = x.commits.find((c) => !c.root)!;
    x.commits.push(
      { ...model, sha: "f".repeat(40), committedAt: "+275760-09-13T00:00:00Z", authoredAt: "+275760-09-13T00:00:00Z" },
      { ...model, sha: "a".repeat(40), committedAt: "1985-03-01T12:00:00Z", authoredAt: "1985-03-01T12:00:00Z" },
      { ...model, sha: "b".repeat(40), committedAt: "1969-12-31T23:59:59Z", authoredAt: "1969-12-31T23:59:59Z" },
    );
    const issue = x.issues.at(-1)!;
    x.issues.push({ ...issue, number: 9001, createdAt: "2031-01-01T00:00:00Z", updatedAt: "2031-01-01T00:00:00Z" });
    const { db, config } = await setup([x]);
    for (let run = 1; run <= 2; run++) {
      const result = await runCli(["--config", config, "--json", "backfill", "--only", "commits,issues"], { env: { OSS_PULSE_NOW: NOW } });
      expect(result.stderr).not.toMatch(/unexpected error/);
      expect(result.code, result.stderr).toBe(0);
      const [target] = query<{ outcome: string; error: string }>(db, "SELECT t.outcome, t.error FROM run_targets t WHERE t.run_id = (SELECT MAX(id) FROM runs)");
      expect(target?.outcome).toBe("ok");
      if (run === 2) break; // the next run is not failed by what was left out
      expect(target?.error).toMatch(/GET \/repos\/acme\/x\/commits: left out item \d+ \(sha f{40}\): .*commit\.committer\.date: not an ISO-8601 instant with a four-digit year \("\+275760-09-13T00:00:00Z"\)/);
      expect(target?.error).toMatch(/\(sha b{40}\): .*commit\.committer\.date: 1969-12-31T23:59:59Z is outside 1970-01-01 \.\. 2026-11-29/);
      expect(target?.error).toMatch(/number 9001\): created_at: 2031-01-01T00:00:00Z is outside/);
    }
    const shas = query<{ sha: string; committed_at: string }>(db, "SELECT sha, committed_at FROM commits");
    expect(shas).toHaveLength(x.commits.length - 2);
    expect(shas.map((c) => c.sha)).toContain("a".repeat(40));
    expect(shas.map((c) => c.sha)).not.toContain("f".repeat(40));
    expect(query(db, "SELECT MIN(committed_at) AS first, MAX(committed_at) AS last FROM commits")).toEqual([{ first: "1985-03-01T12:00:00Z", last: expect.stringMatching(/^2026-/) }]);
    expect(query(db, "SELECT COUNT(*) AS n FROM issues WHERE number = 9001")).toEqual([{ n: 0 }]);
  });
});
