import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initDatabase, runCli } from "../support/cli.js";

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("report --out never overwrites what it should not", () => {
  let dir: string;
  let db: string;
  let config: string;

  beforeAll(async () => {
    ({ dir, db, config } = await initDatabase((db) => `database: ${db}\ngithub:\n  apiUrl: http://127.0.0.1:9\nprojects:\n  - name: a\n    repos: [octo/one]\n`));
  });

  it("refuses to write over the database, even with --force, and exits 2", async () => {
    const before = digest(db);
    for (const extra of [[], ["--force"]]) {
      const run = await runCli(["--config", config, "report", "--out", db, ...extra]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/--out: .*pulse\.db is an SQLite database; refusing to overwrite it/);
      expect(run.stdout).toBe("");
      expect(digest(db)).toBe(before);
    }
  });

  it("refuses an existing file without --force, leaves it as it was, and overwrites it with --force", async () => {
    const out = join(dir, "notes.html");
    writeFileSync(out, "my notes\n");
    const refused = await runCli(["--config", config, "report", "--out", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out: .*notes\.html already exists; pass --force to overwrite it/);
    expect(readFileSync(out, "utf8")).toBe("my notes\n");

    const forced = await runCli(["--config", config, "report", "--out", out, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>/i);
  });

  it("writes a new file without --force", async () => {
    const out = join(dir, "sub", "new.html");
    const run = await runCli(["--config", config, "report", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>/i);
  });
});
