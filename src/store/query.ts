import type Database from "better-sqlite3";
import { ConfigError, FatalError, errorMessage } from "../errors.js";
import { type Db, openDb } from "./open.js";

/**
 * Analysts' queries: a connection that cannot write, and statements checked before they run.
 * Three locks, each enough alone for ordinary writes: the file is opened read-only, the
 * connection is `query_only`, and a statement SQLite does not call read-only is refused.
 * ATTACH and pragmas (writable_schema among them) pass SQLite's read-only test, so they, DETACH,
 * VACUUM (INTO), REINDEX and ANALYZE are refused by name, with a message that says so.
 */
export function openReadOnly(path: string): Db {
  const db = openDb(path, { create: false, readonly: true });
  db.pragma("query_only = ON");
  return db;
}

export type Params = Record<string, string | number>;

const REFUSED = /^(ATTACH|DETACH|VACUUM|PRAGMA|REINDEX|ANALYZE)\b/i;

/** Prepares one read-only query, or throws ConfigError naming why it may not run (exit 2). */
export function prepareQuery(db: Db, sql: string): Database.Statement {
  const text = sql.trim();
  const first = stripComments(text);
  const refused = REFUSED.exec(first);
  if (refused) {
    const word = refused[1]!.toUpperCase();
    const hint = word === "PRAGMA" ? " (read a pragma as a table: SELECT * FROM pragma_table_info('scores'))" : "";
    throw new ConfigError([`sql: ${word} is not allowed: the database is only read here${hint}`]);
  }
  let stmt: Database.Statement;
  try {
    stmt = db.prepare(text);
  } catch (error) {
    throw new ConfigError([`sql: ${describeSqlError(db, text, errorMessage(error))}`]);
  }
  if (!stmt.readonly) throw new ConfigError(["sql: only queries are allowed: this statement would change the database"]);
  if (!stmt.reader) throw new ConfigError(["sql: the statement returns no rows: only queries (SELECT, WITH, VALUES, EXPLAIN) are allowed"]);
  return stmt;
}

/** `--param name=value`: a value that reads as a number is bound as one. */
export function parseParams(pairs: readonly string[]): Params {
  const params: Params = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const name = eq > 0 ? pair.slice(0, eq) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push(`--param: expected name=value, got ${JSON.stringify(pair)}`);
      continue;
    }
    const value = pair.slice(eq + 1);
    params[name] = /^-?\d+(\.\d+)?$/.test(value) && Number.isSafeInteger(Math.trunc(Number(value))) ? Number(value) : value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return params;
}

/**
 * Runs a prepared query (in raw mode: rows as arrays) row by row. Binding problems are usage
 * errors; a failure while stepping (a function SQLite refuses, an overflow) names the query.
 */
export function* iterateRows(stmt: Database.Statement, params: Params): Generator<unknown[]> {
  let rows: IterableIterator<unknown[]>;
  try {
    rows = (Object.keys(params).length > 0 ? stmt.iterate(params) : stmt.iterate()) as IterableIterator<unknown[]>;
  } catch (error) {
    throw new ConfigError([`sql: ${errorMessage(error)} (give named parameters as --param name=value and write them :name in the query)`]);
  }
  try {
    yield* rows;
  } catch (error) {
    if (error instanceof Error && error.name === "SqliteError") throw new FatalError(`sql: the query failed: ${error.message}`);
    throw error;
  }
}

export function columnNames(stmt: Database.Statement): string[] {
  return stmt.columns().map((c) => c.name);
}

/** The names of the tables and views an export may name. */
export function relationExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?").get(name) !== undefined;
}

export function relationNames(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function stripComments(sql: string): string {
  let s = sql;
  for (;;) {
    const before = s;
    s = s.replace(/^\s+/, "").replace(/^--[^\n]*(\n|$)/, "").replace(/^\/\*[\s\S]*?\*\//, "");
    if (s === before) return s;
  }
}

/**
 * SQLite says `near "FORM": syntax error` without a position. The token may occur more than once:
 * the one meant is the first whose text up to it already fails with the same message.
 */
export function describeSqlError(db: Db, sql: string, message: string): string {
  const near = /near "([^"]*)"/.exec(message);
  if (!near || near[1] === "") return message;
  const token = near[1]!;
  let at = -1;
  for (let i = sql.indexOf(token); i >= 0; i = sql.indexOf(token, i + 1)) {
    if (failsWith(db, sql.slice(0, i + token.length), message)) {
      at = i;
      break;
    }
  }
  if (at < 0) return message;
  const lines = sql.slice(0, at).split("\n");
  const line = lines.length;
  const column = lines.at(-1)!.length + 1;
  const text = sql.split("\n")[line - 1]!;
  return `${message} at line ${line}, column ${column}\n  ${text}\n  ${" ".repeat(column - 1)}^`;
}

function failsWith(db: Db, prefix: string, message: string): boolean {
  try {
    db.prepare(prefix);
    return false;
  } catch (error) {
    return errorMessage(error) === message;
  }
}
