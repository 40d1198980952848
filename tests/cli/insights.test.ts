import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compare } from "../../src/jobs/compare.js";
import { explain } from "../../src/jobs/explain.js";
import { openDb } from "../../src/store/open.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { CONFIG_YAML, NOW, buildFixture } from "../support/insights-fixture.js";

let dir: string;
let args: string[];
const env = { OSS_PULSE_NOW: NOW.toISOString() };

beforeAll(() => {
  dir = tempDir();
  const path = join(dir, "fixture.db");
  buildFixture(path).db.close();
  args = ["-c", writeConfig(dir, CONFIG_YAML), "--db", path];
});

describe("explain and compare commands", () => {
  it("print as JSON exactly what the jobs compute", async () => {
    const db = openDb(join(dir, "fixture.db"));
    const { config } = buildFixture();
    const model = config.models[0]!;
    const wantExplain = explain({ db, config }, { project: "alpha", model, from: "2026-02-01", to: "2026-02-10" });
    const wantCompare = compare({ db, config }, { projects: ["alpha", "beta", "gamma"], model });
    db.close();
    const e = await runCli([...args, "--json", "explain", "-p", "alpha", "--from", "2026-02-01", "--to", "2026-02-10"], { env });
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toEqual(JSON.parse(JSON.stringify(wantExplain)));
    const c = await runCli([...args, "compare", "--format", "json"], { env });
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toEqual(JSON.parse(JSON.stringify(wantCompare)));
  });

  it("name what is missing in the table", async () => {
    const e = await runCli([...args, "explain", "-p", "alpha", "--from", "2026-02-01", "--to", "2026-02-10"], { env });
    expect(e.stdout).toContain("INCOMPLETE");
    expect(e.stdout).toContain("missing on 2026-02-10: stars:o/a2");
  });

  it.each([
    ["no days and no event", ["explain", "-p", "alpha"], "give --from and --to, or --event"],
    ["days out of order", ["explain", "-p", "alpha", "--from", "2026-02-10", "--to", "2026-02-01"], "--from: must be before --to"],
    ["an unknown project", ["compare", "-p", "alpha", "nobody"], '--project: no project named "nobody" in the config'],
    ["an unknown event", ["explain", "-p", "beta", "--event", "x"], 'project "beta" has no event labelled "x"'],
  ])("refuse %s with exit 2", async (_name, extra, message) => {
    const r = await runCli([...args, ...extra], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
