import { describe, expect, it } from "vitest";
import { upsertCommits } from "../../src/store/facts.js";
import { openDb } from "../../src/store/open.js";
import { ensureRepo } from "../../src/store/repos.js";

describe("raw facts", () => {
  const hostile = ["'); DROP TABLE commits;--", "emoji 🚀 and RTL \u202Eevil", "nul\u0000byte", "x".repeat(10_000)];

  it.each(hostile)("stores author strings byte for byte: %#", (name) => {
    const db = openDb(":memory:");
    const repo = ensureRepo(db, "o/r", new Date());
    const commit = { sha: "a".repeat(40), commit: { author: { name, email: "Dev@Example.com", date: "2026-01-01T00:00:00Z" }, committer: { date: "2026-01-01T00:00:00Z" } }, author: null, parents: [] };
    upsertCommits(db, repo.id, [commit]);
    upsertCommits(db, repo.id, [commit]);
    expect(db.prepare("SELECT author_name, author_email FROM commits").all()).toEqual([{ author_name: name, author_email: "dev@example.com" }]);
    expect(db.prepare("SELECT COUNT(*) FROM commits").pluck().get()).toBe(1);
  });
});
