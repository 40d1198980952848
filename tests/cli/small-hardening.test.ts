import Database from "better-sqlite3";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initDatabase, runCli, tempDir, writeConfig } from "../support/cli.js";

/** The small hostile inputs at the command line: each exits as documented and says what to do. */

const project = "projects:\n  - name: a\n    repos: [octo/one]\n";
/** Each config in a directory of its own: writeConfig always writes oss-pulse.yaml. */
const configFile = (yaml: string) => writeConfig(tempDir(), yaml);
const base = (db: string) => `database: ${db}\ngithub:\n  apiUrl: http://127.0.0.1:9\n${project}`;

describe("command-line and config hardening", () => {
  let dir: string;
  let db: string;
  let config: string;

  beforeAll(async () => {
    ({ dir, db, config } = await initDatabase((db) => base(db)));
  });

  it("a YAML alias bomb is a config error (exit 2), not an unexpected error", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const bomb = configFile(`${levels.join("\n")}\n${base(db)}`);
    const run = await runCli(["--config", bomb, "score"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/oss-pulse\.yaml: .*alias/i);
    expect(run.stderr).not.toMatch(/unexpected error/);
  });

  it("--from after --to exits 2", async () => {
    const run = await runCli(["--config", config, "score", "--from", "2026-03-01", "--to", "2026-01-01"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--from 2026-03-01 is after --to 2026-01-01/);
    expect(run.stdout).toBe("");
  });

  it("database: ~/x.db is in the home directory, not in a folder named ~", async () => {
    const home = join(dir, "home");
    mkdirSync(home);
    const work = join(dir, "work");
    mkdirSync(work);
    const tilde = configFile(base("~/x.db"));
    const run = await runCli(["--config", tilde, "init"], { cwd: work, env: { HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(home, "x.db"))).toBe(true);
    expect(existsSync(join(work, "~"))).toBe(false);
  });

  it("a project name with trailing spaces is the same project: a second entry for it is a duplicate", async () => {
    const twice = configFile(`database: ${db}\ngithub:\n  apiUrl: http://127.0.0.1:9\nprojects:\n  - name: a\n    repos: [octo/one]\n  - name: "a  "\n    repos: [octo/two]\n`);
    const run = await runCli(["--config", twice, "score"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^projects\[1\]\.name: duplicate project name "a"$/m);

    const spaced = configFile(base(db).replace("name: a", 'name: "a   "'));
    expect((await runCli(["--config", spaced, "score"])).code).toBe(0);
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare("SELECT name FROM projects").pluck().all()).toEqual(["a"]);
    sqlite.close();
  });

  it("a directory it cannot create or write says which path and what to do", async () => {
    // A file where a directory should be: fails for every user, root included (a read-only
    // directory does not stop root, who runs these tests in containers).
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "x");
    const dbPath = join(blocker, "sub", "pulse.db");
    const run = await runCli(["--config", configFile(base(dbPath)), "init"]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stderr).toContain(`cannot create the database ${dbPath}: a part of the path is a file, not a directory; choose a writable place with --db or "database:" in the config`);

    const out = join(blocker, "r.html");
    const report = await runCli(["--config", config, "report", "--out", out]);
    expect(report.code).toBe(1);
    expect(report.stderr).not.toMatch(/unexpected error/);
    expect(report.stderr).toContain(`cannot write ${out}: a part of the path is a file, not a directory; choose another --out`);
  });

  it("a config path that cannot be read is a config error naming it", async () => {
    const run = await runCli(["--config", dir, "score"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${dir}: cannot read it (EISDIR): check its permissions, or name another file with --config`);
  });
});
