import { resolve } from "node:path";
import { loadConfig, loadTokens } from "../config/load.js";
import { selectProjects } from "../config/projects.js";
import type { Config } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import { type JobContext, createGitHubClient } from "../jobs/context.js";
import { createHttpClient } from "../registries/http.js";
import { type Db, openDb } from "../store/open.js";
import { markStaleRuns } from "../store/runs.js";
import { type Logger, createLogger } from "../util/log.js";
import { expandHome } from "../util/paths.js";
import { clockFromEnv } from "../util/time.js";

export interface GlobalOptions {
  config?: string;
  db?: string;
  json?: boolean;
  logFormat?: "human" | "json";
  quiet?: boolean;
}

export interface Runtime extends JobContext {
  configPath: string;
  dbPath: string;
  /** The projects `--project` named, as the config spells them; undefined when not given. */
  projects: string[] | undefined;
  close(): void;
}

/** Everything a command needs, built in the one order that writes nothing until config is valid. */
export function loadSettings(options: GlobalOptions): { config: Config; configPath: string; usedExample: boolean; tokens: string[]; log: Logger; dbPath: string } {
  const log = createLogger({ ...(options.logFormat ? { format: options.logFormat } : {}), ...(options.quiet ? { level: "warn" } : {}) });
  const { config, path, usedExample } = loadConfig(options.config);
  const tokens = loadTokens();
  if (config.github.graphql === "always" && tokens.length === 0) {
    throw new ConfigError(["github.graphql: \"always\" needs a token in GITHUB_TOKEN, GH_TOKEN or GITHUB_TOKENS"]);
  }
  if (usedExample) log.info(`no ${"config/oss-pulse.yaml"}: using the example config ${path}`);
  return { config, configPath: path, usedExample, tokens, log, dbPath: resolve(expandHome(options.db ?? config.database)) };
}

/** Opens the database for a command; `--project` names are checked first, so a bad one writes nothing. */
export function openRuntime(options: GlobalOptions, projectNames?: string[]): Runtime {
  const settings = loadSettings(options);
  const projects = projectNames ? selectProjects(settings.config, projectNames).map((p) => p.name) : undefined;
  const db: Db = openDb(settings.dbPath);
  markStaleRuns(db);
  const clock = clockFromEnv();
  const github = createGitHubClient(settings.config, settings.tokens, db, settings.log, clock);
  const http = createHttpClient({ clock, log: (line) => settings.log.warn(line) });
  return {
    db,
    config: settings.config,
    github,
    http,
    clock,
    log: settings.log,
    configPath: settings.configPath,
    dbPath: settings.dbPath,
    projects,
    close: () => db.close(),
  };
}
