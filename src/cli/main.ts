#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { packageRoot } from "../util/paths.js";
import { AuthError, ConfigError, FatalError, errorMessage } from "../errors.js";
import { redact } from "../util/secrets.js";
import { registerBackfill } from "./commands/backfill.js";
import { registerCollect } from "./commands/collect.js";
import { registerCompare } from "./commands/compare.js";
import { registerDaemon } from "./commands/daemon.js";
import { registerExplain } from "./commands/explain.js";
import { registerExport } from "./commands/export.js";
import { registerInit } from "./commands/init.js";
import { registerReport } from "./commands/report.js";
import { registerScore } from "./commands/score.js";
import { registerSql } from "./commands/sql.js";
import { registerStatus } from "./commands/status.js";

const program = new Command("oss-pulse")
  .description("Track open-source projects on GitHub and package registries, and score their strategy over time.")
  .option("-c, --config <file>", "config file (default config/oss-pulse.yaml, else the shipped example)")
  .option("--db <file>", "SQLite database (default: the config's `database`)")
  .option("--json", "machine-readable output")
  .option("--log-format <format>", "human or json log lines on stderr (default: human on a TTY)")
  .option("-q, --quiet", "only warnings and errors in the log")
  .version(packageVersion(), "-V, --version")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerInit(program);
registerCollect(program);
registerBackfill(program);
registerScore(program);
registerReport(program);
registerExplain(program);
registerCompare(program);
registerDaemon(program);
registerStatus(program);
registerSql(program);
registerExport(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
}

/** Exit codes are chosen here only: 0 ok, 1 runtime failure, 2 bad usage or bad config. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) return 0;
    return 2;
  }
  if (error instanceof ConfigError) {
    for (const line of error.problems) process.stderr.write(`${redact(line)}\n`);
    return 2;
  }
  const prefix = error instanceof FatalError || error instanceof AuthError ? "" : "unexpected error: ";
  process.stderr.write(`oss-pulse: ${prefix}${redact(errorMessage(error))}\n`);
  if (!(error instanceof FatalError) && !(error instanceof AuthError) && process.env.OSS_PULSE_DEBUG && error instanceof Error) {
    process.stderr.write(`${redact(error.stack ?? "")}\n`);
  }
  return 1;
}
