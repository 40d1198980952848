import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { initDatabase, runCli, tempDir, writeConfig } from "../support/cli.js";

const good = (db: string) => `database: ${db}\ngithub:\n  apiUrl: http://127.0.0.1:9\nprojects:\n  - name: a\n    repos: [octo/one]\n`;

describe("a bad config exits 2 with path: message lines and writes nothing", () => {
  let dir: string;
  let db: string;
  let digest: string;

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, "pulse.db");
    const init = await runCli(["--config", writeConfig(dir, good(db)), "init"]);
    expect(init.code).toBe(0);
    digest = createHash("sha256").update(readFileSync(db)).digest("hex");
  });

  it.each([
    ["malformed owner/repo", (d: string) => good(d).replace("octo/one", "octo"), /^projects\[0\]\.repos\[0\]: must be "owner\/repo"/m],
    ["unknown key", (d: string) => `${good(d)}colour: blue\n`, /^colour: unknown key$/m],
    ["duplicate project name", (d: string) => `${good(d)}  - name: a\n    repos: [octo/two]\n`, /^projects\[1\]\.name: duplicate project name "a"$/m],
    ["bad cron expression", (d: string) => `${good(d)}schedule:\n  collect: "61 * * * *"\n`, /^schedule\.collect: invalid cron expression/m],
    ["a name escaping the URL path", (d: string) => good(d).replace("octo/one", "../x"), /^projects\[0\]\.repos\[0\]: /m],
  ])("%s", async (_name, make, expected) => {
    for (const command of ["collect", "score"]) {
      const run = await runCli(["--config", writeConfig(dir, make(db)), command], { env: { GITHUB_TOKEN: "fake-token-for-tests" } });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(expected);
      expect(run.stdout).toBe("");
    }
    expect(createHash("sha256").update(readFileSync(db)).digest("hex")).toBe(digest);
  });

  it("does not create a database for a bad config", async () => {
    const fresh = join(dir, "never.db");
    const run = await runCli(["--config", writeConfig(dir, `${good(fresh)}colour: 1\n`), "collect"]);
    expect(run.code).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });

  it("treats bad usage as exit 2", async () => {
    const run = await runCli(["score", "--from", "yesterday", "--config", writeConfig(dir, good(db))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--from: must be a day YYYY-MM-DD/);
    expect((await runCli(["no-such-command"])).code).toBe(2);
  });
});

describe("a --project name the config does not have", () => {
  let dir: string;
  let db: string;
  let config: string;

  beforeAll(async () => {
    ({ dir, db, config } = await initDatabase((db) => good(db)));
  });

  it.each([
    ["collect", []],
    ["backfill", []],
    ["score", []],
    ["report", ["--out", "never.html"]],
  ])("is refused by %s before anything is written (no run row)", async (command, extra) => {
    const before = createHash("sha256").update(readFileSync(db)).digest("hex");
    const run = await runCli(["--config", config, command, "-p", "a", "typo", ...extra], { env: { GITHUB_TOKEN: "fake-token-for-tests" }, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--project: no project named "typo" in the config$/m);
    expect(run.stdout).toBe("");
    expect(createHash("sha256").update(readFileSync(db)).digest("hex")).toBe(before);
    const check = new Database(db, { readonly: true });
    try {
      expect(check.prepare("SELECT COUNT(*) FROM runs").pluck().get()).toBe(0);
    } finally {
      check.close();
    }
    expect(existsSync(join(dir, "never.html"))).toBe(false);
  });

  it("accepts a configured name in another case", async () => {
    const run = await runCli(["--config", config, "score", "-p", "A", "--no-compute", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
  });
});
