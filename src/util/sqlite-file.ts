import { closeSync, openSync, readSync } from "node:fs";

const SQLITE_MAGIC = "SQLite format 3\0";

/**
 * What a file is, by its first 16 bytes only (a database may be larger than any buffer Node can
 * allocate): an SQLite database, empty, or something else.
 */
export function fileKind(path: string): "sqlite" | "empty" | "other" {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(path, "r");
  let read: number;
  try {
    read = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return "empty";
  return header.subarray(0, read).toString("latin1") === SQLITE_MAGIC ? "sqlite" : "other";
}
