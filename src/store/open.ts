import Database from "better-sqlite3";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { FatalError, errorMessage } from "../errors.js";
import { fileProblem } from "../util/output-file.js";
import { fileKind } from "../util/sqlite-file.js";
import { checkSchemaKnown, migrate } from "./migrate.js";

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file (mode 0600) and apply migrations when needed. Default true. */
  create?: boolean;
  readonly?: boolean;
  busyTimeoutMs?: number;
  /**
   * A page cache of 2 MiB instead of better-sqlite3's 16 MiB, for a connection that only reads
   * and streams what it reads (or seeks through indexes): a larger cache fills with whatever was
   * read last, so the peak memory would follow the size of the file up to 16 MiB. Default: the
   * same as `readonly`.
   */
  smallCache?: boolean;
}

const SMALL_CACHE_KIB = 2048;


/**
 * Opens the database with the pragmas oss-pulse relies on and brings its schema up to date.
 * A file that is not an SQLite database is refused and never overwritten.
 */
export function openDb(path: string, options: OpenOptions = {}): Db {
  const create = options.create ?? true;
  const exists = path === ":memory:" || existsSync(path);
  if (!exists) {
    if (!create) throw new FatalError(`database ${path} does not exist: run 'oss-pulse init' first`);
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // SQLite gives -wal and -shm the mode of the main file: create it owner-only first.
      closeSync(openSync(path, "wx", 0o600));
    } catch (error) {
      throw new FatalError(`cannot create the database ${path}: ${fileProblem(error)}; choose a writable place with --db or "database:" in the config`);
    }
  } else if (path !== ":memory:") {
    assertSqliteFile(path);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, timeout: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw new FatalError(`cannot open database ${path}: ${errorMessage(error)}`);
  }
  try {
    if (!options.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("journal_size_limit = 67108864");
    }
    db.pragma("foreign_keys = ON");
    if (options.smallCache ?? options.readonly ?? false) db.pragma(`cache_size = -${SMALL_CACHE_KIB}`);
    if (!options.readonly) migrate(db);
    else checkSchemaKnown(db);
  } catch (error) {
    db.close();
    if (error instanceof FatalError) throw error;
    throw new FatalError(`database ${path}: ${errorMessage(error)}`);
  }
  return db;
}

function assertSqliteFile(path: string): void {
  // An empty file (pre-created) becomes a database.
  if (fileKind(path) === "other") throw new FatalError(`${path} is not an SQLite database; refusing to touch it`);
}

/** better-sqlite3 runs synchronously: one immediate transaction takes the write lock up front. */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}

/** Whether a table exists: a read-only open of an older database may lack a later migration's tables. */
export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/**
 * Folds the WAL back into the database and closes it, so that a stopped daemon leaves a
 * single file behind (a copy of it alone is then a complete backup).
 */
export function closeCleanly(db: Db): void {
  if (!db.open) return;
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}
