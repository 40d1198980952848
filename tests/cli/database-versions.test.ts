import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { initDatabase, runCli } from "../support/cli.js";

/** A database this oss-pulse did not write as it is: never reported healthy, never rewritten. */

describe("database versions", () => {
  let db: string;
  let config: string;

  beforeEach(async () => {
    ({ db, config } = await initDatabase((db) => `database: ${db}\ngithub:\n  apiUrl: http://127.0.0.1:9\nprojects:\n  - name: a\n    repos: [octo/one]\n`));
  });

  const edit = (sql: string) => {
    const raw = new Database(db);
    raw.exec(sql);
    raw.close();
  };
  const userVersion = () => {
    const raw = new Database(db, { readonly: true });
    const version = raw.pragma("user_version", { simple: true });
    raw.close();
    return version;
  };

  it("status does not say health: ok on a database from a newer oss-pulse", async () => {
    edit("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x', '2030-01-01T00:00:00Z'); PRAGMA user_version = 9999;");
    const run = await runCli(["--config", config, "status"]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/health: ok/);
    expect(run.stderr).toMatch(/schema version 9999.*newer than this oss-pulse knows.*upgrade oss-pulse/);
  });

  it("a PRAGMA user_version newer than this oss-pulse is refused by every command, and left as it was", async () => {
    edit("PRAGMA user_version = 9999;");
    for (const command of ["status", "score"]) {
      const run = await runCli(["--config", config, command]);
      expect(run.code, command).toBe(1);
      expect(run.stderr).toMatch(/schema version 9999 \(PRAGMA user_version\), newer than this oss-pulse knows/);
    }
    expect(userVersion()).toBe(9999);
  });

  it("a PRAGMA user_version that disagrees with the applied migrations is reported, not silently rewritten", async () => {
    const before = userVersion() as number;
    edit(`PRAGMA user_version = ${before - 1};`);
    const run = await runCli(["--config", config, "score"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`PRAGMA user_version is ${before - 1} but the migrations applied go up to ${before}: .*refusing to rewrite it`));
    expect(userVersion()).toBe(before - 1);
  });
});
