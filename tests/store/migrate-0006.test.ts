import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { upsertCommits } from "../../src/store/facts.js";
import { loadMigrations, migrate } from "../../src/store/migrate.js";

/** A database as the migrations before 0006 left it, with commits in it. */
function before0006(): Database.Database {
  const db = new Database(":memory:");
  db.pragma("foreign_keys = ON");
  migrate(db, loadMigrations().filter((m) => m.version < 6));
  db.prepare("INSERT INTO repos (id, full_name, first_seen_at) VALUES (1, 'o/a', '2026-01-01T00:00:00Z'), (2, 'o/b', '2026-01-01T00:00:00Z')").run();
  db.prepare("INSERT INTO projects (id, name) VALUES (1, 'p')").run();
  db.prepare("INSERT INTO project_repos VALUES (1, 1), (1, 2)").run();
  const insert = db.prepare("INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (let i = 0; i < 50; i++) {
    const day = `2026-0${1 + (i % 3)}-${String(10 + (i % 17)).padStart(2, "0")}`;
    insert.run(1 + (i % 2), i.toString(16).padStart(40, "f"), `${day}T12:00:00Z`, `${day}T11:00:00Z`, i % 5 ? `dev${i % 7}` : null, i % 5 ? "User" : null, `dev${i % 7}@example.com`, `Dev ${i}`);
  }
  return db;
}

const everything = (db: Database.Database, sql: string) => db.prepare(sql).all();

describe("migration 0006: commits keyed by repo, date and sha", () => {
  it("keeps every commit and every view's answer, and drops the index that repeated the sha", () => {
    const db = before0006();
    const commits = everything(db, "SELECT * FROM commits ORDER BY repo_id, sha");
    const repoActivity = everything(db, "SELECT * FROM daily_repo_activity ORDER BY repo_id, day");
    const projectActivity = everything(db, "SELECT * FROM daily_project_activity ORDER BY project, day");
    expect(commits).toHaveLength(50);

    expect(migrate(db)).toBeGreaterThan(0);
    expect(everything(db, "SELECT * FROM commits ORDER BY repo_id, sha")).toEqual(commits);
    expect(everything(db, "SELECT * FROM daily_repo_activity ORDER BY repo_id, day")).toEqual(repoActivity);
    expect(everything(db, "SELECT * FROM daily_project_activity ORDER BY project, day")).toEqual(projectActivity);
    expect(everything(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'commits' AND sql IS NOT NULL")).toEqual([]);
    expect(db.pragma("foreign_key_check")).toEqual([]);
  });

  it("answers the newest commit of a repo from the key", () => {
    const db = before0006();
    const newest = db.prepare("SELECT MAX(committed_at) FROM commits WHERE repo_id = 1").pluck().get();
    migrate(db);
    const plan = everything(db, "EXPLAIN QUERY PLAN SELECT MAX(committed_at) FROM commits WHERE repo_id = 1") as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/SEARCH commits USING PRIMARY KEY \(repo_id=\?\)/);
    expect(db.prepare("SELECT MAX(committed_at) FROM commits WHERE repo_id = 1").pluck().get()).toBe(newest);
  });

  it("still upserts a commit seen again, by its sha", () => {
    const db = before0006();
    migrate(db);
    const sha = (0).toString(16).padStart(40, "f");
    const seen = { sha, commit: { author: { name: "Renamed", email: "New@Example.com", date: "2026-01-10T11:00:00Z" }, committer: { date: "2026-01-10T14:00:00+02:00" } }, author: { login: "dev0", type: "User" }, parents: [] };
    upsertCommits(db, 1, [seen]);
    expect(db.prepare("SELECT COUNT(*) FROM commits").pluck().get()).toBe(50);
    expect(db.prepare("SELECT author_name, author_email FROM commits WHERE sha = ?").get(sha)).toEqual({ author_name: "Renamed", author_email: "new@example.com" });
  });
});
