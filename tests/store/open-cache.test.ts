import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/open.js";
import { openReadOnly } from "../../src/store/query.js";
import { tempDir } from "../support/cli.js";

const path = join(tempDir(), "cache.db");
openDb(path).close();

const cacheOf = (open: () => ReturnType<typeof openDb>) => {
  const db = open();
  try {
    return db.pragma("cache_size", { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe("the page cache of a connection", () => {
  it("is small (2 MiB) where the connection only reads: status, sql, export, and --no-compute", () => {
    expect(cacheOf(() => openDb(path, { readonly: true }))).toBe(-2048);
    expect(cacheOf(() => openReadOnly(path))).toBe(-2048);
    expect(cacheOf(() => openDb(path, { smallCache: true }))).toBe(-2048);
  });

  it("stays SQLite's (as built by better-sqlite3) where the connection scores or collects", () => {
    const standard = cacheOf(() => openDb(path));
    expect(standard).not.toBe(-2048);
    expect(Math.abs(standard)).toBeGreaterThan(2048);
  });
});
