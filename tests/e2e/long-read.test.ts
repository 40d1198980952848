import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

/**
 * An analyst holds a read transaction open while the built CLI collects: WAL mode lets the
 * writes go on, the reader keeps its snapshot, the WAL grows because no checkpoint can pass the
 * reader, and `status` shows how large it is.
 */

const TOKEN = "test-token-long-read";

describe("an analyst holding a long read", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    const repos = ["one", "two"].map((name, i) =>
      generateRepo({ owner: "acme", name, id: 30 + i, seed: 30 + i, commits: 400, issues: 60, pulls: 40, releases: 2, startDay: "2026-06-01", endDay: "2026-11-27" }),
    );
    fake = await startFakeGitHub({ repos, tokens: [TOKEN] });
  });
  afterAll(async () => fake?.close());

  it("writes go on, the reader sees its snapshot, and status shows the WAL growing", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const db = join(dir, "pulse.db");
    const config = (repos: string) =>
      writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [${repos}]\nmodels:\n  - name: seed\n    window: 180\n`);
    const env = { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: "2026-11-28T12:00:00Z" };
    const first = await runCli(["--config", config("acme/one"), "collect"], { env });
    expect(first.code, first.stderr).toBe(0);

    const analyst = new Database(db, { readonly: true });
    try {
      const count = analyst.prepare("SELECT COUNT(*) FROM commits").pluck();
      analyst.exec("BEGIN");
      const seen = count.get() as number;
      expect(seen).toBeGreaterThan(0);

      const second = await runCli(["--config", config("acme/one, acme/two"), "collect"], { env });
      expect(second.code, second.stderr).toBe(0);
      // The reader still sees the database as it was when its transaction began.
      expect(count.get()).toBe(seen);

      const status = await runCli(["--config", config("acme/one, acme/two"), "--json", "status"], { env });
      const report = JSON.parse(status.stdout) as { database: { walBytes: number } };
      // The second repo's history sits in the WAL: no checkpoint could move it past the reader.
      expect(report.database.walBytes).toBeGreaterThan(100_000);
      analyst.exec("COMMIT");
      expect(count.get()).toBeGreaterThan(seen);
    } finally {
      analyst.close();
    }
  });
});
