import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFixture } from "../support/analyst-fixture.js";
import { CLI, runCli, tempDir } from "../support/cli.js";

let dir: string;
let dbPath: string;
const hash = (path: string) => (existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : "absent");
const files = () => [dbPath, `${dbPath}-wal`].map(hash).join(" ");
const cli = (...args: string[]) => runCli(["--db", dbPath, "--quiet", ...args], { cwd: dir });

beforeAll(() => {
  dir = tempDir();
  dbPath = join(dir, "pulse.db");
  buildFixture(dbPath).db.close();
});

describe("oss-pulse sql", () => {
  it("prints a query's rows, with named parameters", async () => {
    const r = await cli("sql", "SELECT project, COUNT(*) AS days FROM daily_project_inputs WHERE project = :p GROUP BY project", "--param", "p=rival", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ project: "rival", days: 181 }]);
    const table = await cli("sql", "SELECT name FROM projects WHERE id <= :n ORDER BY name", "--param", "n=2");
    expect(table.stdout).toBe("name\n-----\nours\nrival\n(2 rows)\n");
  });

  it.each([
    ["DELETE FROM scores", /would change the database/],
    ["WITH x AS (SELECT 1) UPDATE scores SET f = 0", /would change the database/],
    ["ATTACH DATABASE 'other.db' AS other", /ATTACH is not allowed/],
    ["PRAGMA writable_schema = 1", /PRAGMA is not allowed/],
    ["VACUUM INTO 'copy.db'", /VACUUM is not allowed/],
    ["/* a comment first */\n  vacuum", /VACUUM is not allowed/],
    ["CREATE TABLE t (x)", /would change the database/],
    ["SELECT 1; DELETE FROM scores", /more than one statement/],
  ])("refuses %j with a clear message and leaves the file's bytes as they were", async (query, message) => {
    const before = files();
    const r = await cli("sql", query);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(files()).toBe(before);
    expect(existsSync(join(dir, "copy.db")) || existsSync(join(dir, "other.db"))).toBe(false);
  });

  it("points at the error in bad SQL", async () => {
    const r = await cli("sql", "SELECT day, f\nFROM scores\nWHERE day > '2026-01-01' ORDER day");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`near "day": syntax error at line 3, column 32\n  WHERE day > '2026-01-01' ORDER day\n${" ".repeat(33)}^`);
  });

  it("reports a query that fails while running as a runtime failure (exit 1)", async () => {
    const r = await cli("sql", "SELECT load_extension('/nonexistent')");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sql: the query failed: not authorized/);
  });

  it("says which parameter is missing", async () => {
    const r = await cli("sql", "SELECT * FROM projects WHERE name = :p");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/named parameter/i);
  });
});

describe("oss-pulse export", () => {
  it("streams a view as CSV to stdout, every row", async () => {
    const r = await cli("export", "score_history");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("project,model,day,f,a,n,u,b,c,d,b_share,c_share,d_share,complete,missing,params_hash,computed_at");
    expect(lines).toHaveLength(1 + 2 * 2 * 181);
  });

  it("writes a query as JSON lines to a file, and refuses to overwrite it without --force", async () => {
    const out = join(dir, "contributors.jsonl");
    const args = ["export", "--query", "SELECT contributor, first_day FROM project_contributors WHERE project = :p ORDER BY contributor", "--param", "p=ours", "--format", "jsonl", "--out", out];
    expect((await cli(...args)).code).toBe(0);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { contributor: string });
    expect(rows.map((r) => r.contributor)).toContain("ann");
    writeFileSync(out, "keep me");
    const again = await cli(...args);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    expect(readFileSync(out, "utf8")).toBe("keep me");
    expect((await cli(...args, "--force")).code).toBe(0);
    expect(readFileSync(out, "utf8")).not.toBe("keep me");
  });

  it("never overwrites an SQLite database, even with --force", async () => {
    const before = files();
    const r = await cli("export", "projects", "--out", dbPath, "--force");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/database/);
    const other = join(dir, "other.sqlite");
    buildFixture(other).db.close();
    const otherHash = hash(other);
    const r2 = await cli("export", "projects", "--out", other, "--force");
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/is an SQLite database/);
    expect(hash(other)).toBe(otherHash);
    expect(files()).toBe(before);
  });

  it("stops quietly when its reader goes away (export … | head)", async () => {
    const child = spawn(process.execPath, [CLI, "--db", dbPath, "--quiet", "export", "--query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT * FROM score_history, n"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("waits for a reader that falls behind, every row written (a pipe read through Node's streams)", async () => {
    const rows = 100_000;
    const child = spawn(process.execPath, [CLI, "--db", dbPath, "--quiet", "export", "--query", `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) SELECT i FROM n`], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let lines = 0;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Not read for a while: the pipe fills and the writer must wait rather than fail.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 700);
    child.stdout.on("data", (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(lines).toBe(rows + 1);
  });

  it("names the tables and views when the name is unknown", async () => {
    const r = await cli("export", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no table or view named "nope".*daily_project_inputs/);
  });
});
