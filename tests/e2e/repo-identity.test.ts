import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

/**
 * A configured name that later answers for another repository (deleted and re-created, or the
 * name taken by someone else): the built CLI against two loopback GitHubs serving the same name
 * with different ids. The two histories are never merged.
 */

const TOKEN = "test-token-identity";
const NOW = "2026-01-10T12:00:00Z";

describe("a name that now answers for a different repository id", () => {
  let before: FakeGitHub;
  let after: FakeGitHub;
  beforeAll(async () => {
    const spec = { owner: "acme", name: "a", commits: 20, issues: 5, pulls: 3, releases: 1, startDay: "2025-12-01", endDay: "2026-01-09" };
    before = await startFakeGitHub({ repos: [generateRepo({ ...spec, id: 1, seed: 1 })], tokens: [TOKEN] });
    after = await startFakeGitHub({ repos: [generateRepo({ ...spec, id: 99, seed: 99 })], tokens: [TOKEN] });
  });
  afterAll(async () => {
    await before?.close();
    await after?.close();
  });

  it("fails that repo with the reason and keeps the first history as it was", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const db = join(dir, "pulse.db");
    const config = (url: string) => writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [acme/a]\n`);
    const env = { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW };
    const facts = () => {
      const sqlite = new Database(db, { readonly: true });
      try {
        return {
          repo: sqlite.prepare("SELECT github_id, full_name FROM repos").all(),
          commits: sqlite.prepare("SELECT COUNT(*) FROM commits").pluck().get(),
          issues: sqlite.prepare("SELECT COUNT(*) FROM issues").pluck().get(),
          snapshots: sqlite.prepare("SELECT day, stars, forks, open_issues FROM repo_snapshots").all(),
        };
      } finally {
        sqlite.close();
      }
    };

    const first = await runCli(["--config", config(before.url), "--json", "collect"], { env });
    expect(first.code, first.stderr).toBe(0);
    const kept = facts();
    expect(kept.repo).toEqual([{ github_id: 1, full_name: "acme/a" }]);
    expect(kept.commits).toBeGreaterThan(0);

    const second = await runCli(["--config", config(after.url), "--json", "collect"], { env });
    const summary = JSON.parse(second.stdout) as { status: string; targets: { target: string; outcome: string; error?: string }[] };
    expect(summary.targets).toEqual([expect.objectContaining({ target: "acme/a", outcome: "failed", error: expect.stringMatching(/acme\/a now names a different repository \(id 99, was 1\); not merging their histories/) })]);
    expect(facts()).toEqual(kept);
  });
});
