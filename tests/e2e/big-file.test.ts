import { rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDatabase } from "../../bench/lib/generate-db.js";
import { runCli, tempDir } from "../support/cli.js";

describe("a database file past 2 GiB", () => {
  it("opens and scores: only the header is read to check the file", async () => {
    const dir = tempDir();
    const db = join(dir, "big.db");
    const made = generateDatabase(db, { projects: 2, years: 1, seed: 3 });
    // A valid database followed by zeros SQLite never reads (its page count is in the header).
    const size = 2 * 1024 ** 3 + 64 * 1024 ** 2;
    truncateSync(db, size);
    expect(statSync(db).size).toBe(size);

    const result = await runCli(["--config", made.configPath, "--quiet", "score", "--all", "--format", "csv"], {
      env: { OSS_PULSE_NOW: made.now },
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^project,model,day,f,/);
    const endDayRows = lines.filter((l) => l.includes(`,balanced,${made.endDay},`));
    expect(endDayRows.map((l) => l.split(",")[0]).sort()).toEqual(["proj-0000", "proj-0001"]);
    expect(endDayRows.every((l) => /,1,$/.test(l))).toBe(true);
  });
});
