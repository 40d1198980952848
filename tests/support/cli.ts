import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../src/util/paths.js";

/** The built CLI: end-to-end tests run exactly what users run. `npm test` builds it first. */
export const CLI = join(packageRoot, "dist/cli/oss-pulse.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the loopback servers live in this process and must keep serving). */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, OSS_PULSE_LOG_LEVEL: "info" };
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: options.cwd ?? process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "oss-pulse-e2e-"));
}

export function writeConfig(dir: string, yaml: string): string {
  const path = join(dir, "oss-pulse.yaml");
  writeFileSync(path, yaml);
  return path;
}

/** A config in a fresh directory, and its database made by `init`: where most CLI tests start. */
export async function initDatabase(yaml: (db: string) => string): Promise<{ dir: string; db: string; config: string }> {
  const dir = tempDir();
  const db = join(dir, "pulse.db");
  const config = writeConfig(dir, yaml(db));
  const init = await runCli(["--config", config, "init"]);
  if (init.code !== 0) throw new Error(`init exited ${init.code}: ${init.stderr}`);
  return { dir, db, config };
}
