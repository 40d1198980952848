import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { backfill } from "../../src/jobs/backfill.js";
import { createGitHubClient, type JobContext } from "../../src/jobs/context.js";
import { createHttpClient } from "../../src/registries/http.js";
import { openDb } from "../../src/store/open.js";
import { createLogger } from "../../src/util/log.js";
import { tempDir } from "../support/cli.js";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";

/**
 * The disk fills up in the middle of a backfill. `PRAGMA max_page_count` makes SQLite answer
 * SQLITE_FULL exactly as a full disk does, at a size the test chooses; the backfill runs as
 * the CLI's would, against the loopback GitHub.
 */

const NOW = new Date("2026-11-28T12:00:00Z");
const TOKEN = "test-token-disk-full";

describe("disk full during a page", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    const repo = generateRepo({ owner: "acme", name: "big", id: 3, seed: 3, commits: 1500, issues: 300, pulls: 200, releases: 4, startDay: "2025-06-01", endDay: "2026-11-27" });
    fake = await startFakeGitHub({ repos: [repo], tokens: [TOKEN] });
  });
  afterAll(async () => fake?.close());

  function context(path: string): JobContext {
    const config = configSchema.parse({ database: path, github: { apiUrl: fake.url, graphql: "never", retryBaseMs: 1 }, projects: [{ name: "p", repos: ["acme/big"] }] });
    const db = openDb(path);
    const log = createLogger({ format: "json", level: "silent" });
    const clock = () => NOW;
    const github = createGitHubClient(config, [TOKEN], db, log, clock, async () => {});
    return { db, config, github, http: createHttpClient({ clock }), clock, log };
  }

  const facts = (ctx: JobContext) => ({
    commits: ctx.db.prepare("SELECT * FROM commits ORDER BY repo_id, sha").all(),
    issues: ctx.db.prepare("SELECT * FROM issues ORDER BY repo_id, number").all(),
    sync: ctx.db.prepare("SELECT stream, covered_from, cursor FROM sync_state ORDER BY stream").all(),
  });

  it("rolls the page back, records the error, and the next run resumes to the full history", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const golden = context(join(dir, "golden.db"));
    expect((await backfill(golden)).status).toBe("ok");
    const expected = facts(golden);

    const ctx = context(join(dir, "full.db"));
    const pages = ctx.db.pragma("page_count", { simple: true }) as number;
    // Room for a few pages of commits, not for the whole history.
    ctx.db.pragma(`max_page_count = ${pages + 12}`);
    const first = await backfill(ctx);
    expect(first.status).toBe("failed");
    const target = ctx.db.prepare("SELECT outcome, error FROM run_targets WHERE target = 'acme/big'").get() as { outcome: string; error: string };
    expect(target.outcome).toBe("failed");
    expect(target.error).toMatch(/database or disk is full/);
    // What was committed is whole pages with the cursor after them: some of the history, not all.
    const partial = facts(ctx);
    expect(partial.commits.length).toBeLessThan(expected.commits.length);
    expect(partial.commits.length % 100).toBe(0);

    // Space again: the next run resumes at the last committed page and ends where a run that never failed ends.
    ctx.db.pragma("max_page_count = 1073741823");
    expect((await backfill(ctx)).status).toBe("ok");
    expect(facts(ctx)).toEqual(expected);
  });
});
