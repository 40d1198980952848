import { resolve } from "node:path";
import { loadConfig, loadTokens } from "../config/load.js";
import { selectProjects } from "../config/projects.js";
import type { Config } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import type { JobContext } from "../jobs/context.js";
import { type Db, openDb } from "../store/open.js";
import { markStaleRuns } from "../store/runs.js";
import { type Logger, createLogger } from "../util/log.js";
import { expandHome } from "../util/paths.js";
import { type Clock, clockFromEnv } from "../util/time.js";

export interface GlobalOptions {
  config?: string;
  db?: string;
  json?: boolean;
  logFormat?: "human" | "json";
  quiet?: boolean;
}

/** The database, config, clock and log: enough for commands that call no remote host. */
export interface StoreRuntime {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  configPath: string;
  dbPath: string;
  /** The projects `--project` named, as the config spells them; undefined when not given. */
  projects: string[] | undefined;
  close(): void;
}

export interface Runtime extends JobContext, StoreRuntime {}

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

/**
 * Opens the database for a command; `--project` names are checked first, so a bad one writes
 * nothing. `readsOnly`: the command will not score (`--no-compute`), only read and print.
 */
export function openStore(options: GlobalOptions, projectNames?: string[], use: { readsOnly?: boolean } = {}): StoreRuntime & { tokens: string[] } {
  const settings = loadSettings(options);
  const projects = projectNames ? selectProjects(settings.config, projectNames).map((p) => p.name) : undefined;
  const db: Db = openDb(settings.dbPath, { smallCache: use.readsOnly ?? false });
  markStaleRuns(db);
  return {
    db,
    config: settings.config,
    clock: clockFromEnv(),
    log: settings.log,
    configPath: settings.configPath,
    dbPath: settings.dbPath,
    projects,
    tokens: settings.tokens,
    close: () => db.close(),
  };
}

/** The store and the clients of GitHub and the registries (loaded only by commands that call them). */
export async function openRuntime(options: GlobalOptions, projectNames?: string[]): Promise<Runtime> {
  const [{ createGitHubClient }, { createHttpClient }] = await Promise.all([import("../jobs/context.js"), import("../registries/http.js")]);
  const { tokens, ...store } = openStore(options, projectNames);
  try {
    const github = createGitHubClient(store.config, tokens, store.db, store.log, store.clock);
    const http = createHttpClient({ clock: store.clock, log: (line) => store.log.warn(line) });
    return { ...store, github, http };
  } catch (error) {
    store.close();
    throw error;
  }
}
