import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { type FakeCommit, type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

/**
 * Commits that arrive with committer dates in the past (a branch merged with a merge commit
 * keeps its commits' dates): the built CLI against the loopback GitHub. An incremental collect
 * reads a week before what it last saw; anything older is picked up by `backfill`.
 */

const TOKEN = "test-token-old-dates";

function commit(sha: string, at: string): FakeCommit {
  return { sha, committedAt: at, authoredAt: at, authorLogin: "late-merger", authorType: "User", authorEmail: "late@example.com", authorName: "Late Merger" };
}

describe("commits merged with old committer dates", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    const repo = generateRepo({ owner: "acme", name: "a", id: 5, seed: 5, commits: 40, issues: 4, pulls: 2, releases: 1, startDay: "2025-11-01", endDay: "2026-01-09" });
    fake = await startFakeGitHub({ repos: [repo], tokens: [TOKEN] });
  });
  afterAll(async () => fake?.close());

  it("a week old: read by the next collect; older: only by backfill", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const db = join(dir, "pulse.db");
    const config = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [acme/a]\n`);
    const run = async (command: string, now: string) => {
      const result = await runCli(["--config", config, "--json", command], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: now } });
      expect(result.code, result.stderr).toBe(0);
    };
    const stored = (sha: string) => {
      const sqlite = new Database(db, { readonly: true });
      try {
        return sqlite.prepare("SELECT COUNT(*) FROM commits WHERE sha = ?").pluck().get(sha) === 1;
      } finally {
        sqlite.close();
      }
    };

    await run("collect", "2026-01-10T12:00:00Z");
    const recent = "a".repeat(40);
    const old = "b".repeat(40);
    // A branch merged on the 11th: the merge commit (the branch's new head) is dated that day, the
    // merged commits four days and three weeks before the last collect.
    const merge = "c".repeat(40);
    fake.state.addCommits("acme/a", [commit(recent, "2026-01-06T10:00:00Z"), commit(old, "2025-12-20T10:00:00Z"), commit(merge, "2026-01-11T10:00:00Z")]);

    await run("collect", "2026-01-11T12:00:00Z");
    expect(stored(merge)).toBe(true);
    expect(stored(recent)).toBe(true);
    expect(stored(old)).toBe(false);

    await run("backfill", "2026-01-11T13:00:00Z");
    expect(stored(old)).toBe(true);
  });
});
