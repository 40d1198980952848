import Database from "better-sqlite3";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FatalError } from "../../src/errors.js";
import { loadMigrations, migrate } from "../../src/store/migrate.js";
import { openDb } from "../../src/store/open.js";

const tmp = () => mkdtempSync(join(tmpdir(), "oss-pulse-"));

describe("database", () => {
  it("creates the file owner-only, in WAL mode with foreign keys", () => {
    const path = join(tmp(), "sub", "db.sqlite");
    const db = openDb(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    db.prepare("INSERT INTO projects (name) VALUES ('x')").run();
    db.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("applies each migration once and records its checksum", () => {
    const db = openDb(":memory:");
    const rows = db.prepare("SELECT version, checksum FROM schema_migrations").all() as { version: number; checksum: string }[];
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(migrate(db)).toBe(0);
  });

  it("refuses a database from a newer version", () => {
    const path = join(tmp(), "db.sqlite");
    openDb(path).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x', '2030-01-01T00:00:00Z')").run();
    raw.close();
    expect(() => openDb(path)).toThrow(FatalError);
    expect(() => openDb(path)).toThrow(/newer than this oss-pulse knows/);
  });

  it("refuses a file that is not a database and leaves it untouched", () => {
    const path = join(tmp(), "notes.db");
    writeFileSync(path, "these are my notes, not a database\n");
    expect(() => openDb(path)).toThrow(/not an SQLite database/);
    expect(statSync(path).size).toBe(35);
  });

  it("rolls back a migration that fails halfway", () => {
    const db = new Database(":memory:");
    const bad = [{ version: 1, name: "0001_bad.sql", sql: "CREATE TABLE a (x); CREATE TABLE a (y);", checksum: "c" }];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeUndefined();
  });
});
