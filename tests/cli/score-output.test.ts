import Database from "better-sqlite3";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDatabase, type GeneratedDatabase } from "../../bench/lib/generate-db.js";
import { writeOut } from "../../src/cli/output.js";
import { runCli, tempDir } from "../support/cli.js";

const HEADERS = ["project", "model", "day", "f", "a", "n", "u", "b", "c", "d", "b_share", "c_share", "d_share", "complete", "missing"];

describe("score prints the whole history as it reads it", () => {
  let made: GeneratedDatabase;
  let stored: Record<string, string | number | null>[];
  const score = (...args: string[]) => runCli(["--config", made.configPath, "--quiet", "score", "--all", "--all-models", ...args], { env: { OSS_PULSE_NOW: made.now } });

  beforeAll(async () => {
    made = generateDatabase(join(tempDir(), "out.db"), { projects: 2, years: 1, seed: 5 });
    expect((await score("--format", "csv")).code).toBe(0); // evaluates once
    const db = new Database(made.path, { readonly: true });
    stored = db.prepare(`SELECT ${HEADERS.join(", ")} FROM score_history ORDER BY project, model, day`).all() as typeof stored;
    db.close();
  }, 60_000);

  it("json: the same text as the whole array written at once", async () => {
    const run = await score("--json", "--no-compute");
    expect(run.code).toBe(0);
    const expected = stored.map((r) => ({ ...r, complete: r.complete === 1, missing: r.missing ? String(r.missing).split(",") : [] }));
    expect(expected.length).toBeGreaterThan(700);
    expect(run.stdout).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it("csv: a header and one line per stored row, in order", async () => {
    const run = await score("--format", "csv", "--no-compute");
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(HEADERS.join(","));
    expect(lines.at(-1)).toBe("");
    expect(lines.length - 2).toBe(stored.length);
    const last = stored.at(-1)!;
    expect(lines.at(-2)).toBe(HEADERS.map((h) => (last[h] === null ? "" : String(last[h]).includes(",") ? `"${last[h]}"` : String(last[h]))).join(","));
  });

  it("table: every row aligned to the widest cell of each column", async () => {
    const run = await score("--no-compute");
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBe(stored.length + 2);
    const dayAt = lines[0]!.indexOf("day");
    const fEnd = lines[0]!.indexOf(" f ") + 2;
    for (const line of lines.slice(2)) {
      expect(line.slice(dayAt, dayAt + 10)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(line[fEnd - 1]).not.toBe(" "); // numbers end under the header's right edge
    }
  });
});

describe("writeOut", () => {
  it("waits for a slow reader instead of buffering everything", async () => {
    let maxBuffered = 0;
    let written = 0;
    const slow = new Writable({
      highWaterMark: 16_384,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        setTimeout(done, 1);
      },
    });
    const parts = function* () {
      for (let i = 0; i < 20_000; i++) {
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        yield `line ${i} ${"x".repeat(40)}\n`;
      }
    };
    await writeOut(parts(), slow);
    expect(written).toBeGreaterThan(1_000_000);
    expect(maxBuffered).toBeLessThan(2 * 65_536 + 100);
  });
});
