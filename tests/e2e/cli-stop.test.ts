import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, tempDir, writeConfig } from "../support/cli.js";
import { listenLoopback } from "../support/loopback.js";

/**
 * SIGTERM to `collect` or `backfill` from the command line while a request hangs or backs off:
 * the built CLI against a loopback GitHub that answers 503 with a long back-off, or never.
 */

describe("SIGTERM to a collect or backfill from the command line", () => {
  it.each([
    ["collect", "hangs", (): void => undefined],
    ["backfill", "answers 503", (res: ServerResponse): void => void res.writeHead(503, { "content-type": "application/json" }).end('{"message":"Service Unavailable"}')],
  ] as const)("%s while GitHub %s: the run is recorded interrupted, the database closed cleanly, at once", { timeout: 60_000 }, async (command, _what, answer) => {
    let requests = 0;
    const server = await listenLoopback((_req, res: ServerResponse) => {
      requests++;
      answer(res);
    });
    try {
      const dir = tempDir();
      const db = join(dir, "pulse.db");
      const config = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${server.url}, retryBaseMs: 20000, timeoutMs: 120000, graphql: never }\nprojects:\n  - name: p\n    repos: [acme/a, acme/b]\n`);
      const child = spawn(process.execPath, [CLI, "--config", config, "--json", command], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: "test-token-cli-stop", OSS_PULSE_NOW: "2026-01-10T12:00:00Z" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      const start = Date.now();
      while (requests === 0) {
        if (Date.now() - start > 20_000) throw new Error(`no request came; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      const sent = requests;
      const signalled = Date.now();
      child.kill("SIGTERM");
      const code = await exited;
      expect(Date.now() - signalled).toBeLessThan(5_000);
      expect(code, stderr).toBe(1); // the work was not done
      expect(stderr).toMatch(/SIGTERM: stopping; the run is recorded as interrupted/);
      expect(requests).toBe(sent);
      const sqlite = new Database(db, { readonly: true });
      try {
        expect(sqlite.prepare("SELECT kind, status FROM runs").all()).toEqual([{ kind: command, status: "interrupted" }]);
        expect(sqlite.prepare("SELECT DISTINCT outcome, error FROM run_targets").all()).toEqual([{ outcome: "skipped", error: "stopping" }]);
        expect(sqlite.prepare("SELECT * FROM leases").all()).toEqual([]);
      } finally {
        sqlite.close();
      }
      expect(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0).toBe(true);
    } finally {
      await server.close();
    }
  });
});
