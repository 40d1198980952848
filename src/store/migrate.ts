import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { FatalError } from "../errors.js";
import { packageRoot } from "../util/paths.js";
import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export const migrationsDir = join(packageRoot, "migrations");

export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), "utf8");
      return {
        version: Number(file.slice(0, 4)),
        name: file,
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
      };
    });
}

/**
 * Applies pending migrations in one immediate transaction, each recorded with its checksum.
 * A database written by a newer oss-pulse, or whose applied migration was edited, is refused.
 */
export function migrate(db: Db, migrations: Migration[] = loadMigrations()): number {
  const apply = db.transaction(() => {
    const latest = migrations.at(-1)?.version ?? 0;
    checkUserVersion(db, latest);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      checksum   TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = db
      .prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
      .all() as { version: number; name: string; checksum: string }[];
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of applied) {
      const mine = known.get(row.version);
      if (!mine || row.version > latest) {
        throw new FatalError(
          `the database has schema version ${row.version} (${row.name}), newer than this oss-pulse knows (${latest}); upgrade oss-pulse`,
        );
      }
      if (mine.checksum !== row.checksum) {
        throw new FatalError(`migration ${row.name} was changed after it was applied (checksum differs)`);
      }
    }
    const done = new Set(applied.map((row) => row.version));
    const record = db.prepare(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
    );
    let count = 0;
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migration.checksum, toIso(new Date()));
      count++;
    }
    db.pragma(`user_version = ${latest}`);
    return count;
  });
  return apply.immediate();
}

/**
 * `PRAGMA user_version` is what other tools read to know the schema. It is set to the newest
 * migration applied; one that says otherwise was written by something else (or by a newer
 * oss-pulse), and is reported rather than silently rewritten. 0 is a new or pre-pragma file.
 */
function checkUserVersion(db: Db, latest: number): void {
  const userVersion = db.pragma("user_version", { simple: true }) as number;
  if (userVersion === 0) return;
  if (userVersion > latest) {
    throw new FatalError(`the database has schema version ${userVersion} (PRAGMA user_version), newer than this oss-pulse knows (${latest}); upgrade oss-pulse`);
  }
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  const applied = hasTable ? ((db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get() as number | null) ?? 0) : 0;
  if (applied > latest) return; // a newer oss-pulse's migrations: reported as such by the caller
  if (userVersion !== applied) {
    throw new FatalError(
      `PRAGMA user_version is ${userVersion} but the migrations applied go up to ${applied}: the database was changed by another program; refusing to rewrite it (check the file, or restore a backup)`,
    );
  }
}

/** For read-only opens (which do not migrate): refuses a database from a newer oss-pulse. */
export function checkSchemaKnown(db: Db, migrations: Migration[] = loadMigrations()): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  const newest = hasTable ? (db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get() as number | null) : null;
  if (newest !== null && newest > latest) {
    throw new FatalError(`the database has schema version ${newest}, newer than this oss-pulse knows (${latest}); upgrade oss-pulse`);
  }
  checkUserVersion(db, latest);
}
