import type { Config } from "../config/schema.js";
import { GitHubClient } from "../github/client.js";
import type { HttpClient } from "../registries/http.js";
import type { PackagesDeps } from "./packages.js";
import type { Db } from "../store/open.js";
import { getEtag } from "../store/sync.js";
import type { Logger } from "../util/log.js";
import type { Clock, Sleep } from "../util/time.js";

/** What every job needs; the CLI and the daemon build it once and pass it in. */
export interface JobContext {
  db: Db;
  config: Config;
  github: GitHubClient;
  /** The HTTP client of the registry collectors. */
  http: HttpClient;
  clock: Clock;
  log: Logger;
  sleep?: Sleep;
  /** Set by the daemon on SIGTERM: jobs start no new target once it is aborted. */
  signal?: AbortSignal;
}

export function createGitHubClient(config: Config, tokens: string[], db: Db, log: Logger, clock: Clock, sleep?: Sleep): GitHubClient {
  return new GitHubClient({
    apiUrl: config.github.apiUrl,
    ...(config.github.graphqlUrl ? { graphqlUrl: config.github.graphqlUrl } : {}),
    tokens,
    userAgent: config.github.userAgent,
    timeoutMs: config.github.timeoutMs,
    graphql: config.github.graphql,
    retryBaseMs: config.github.retryBaseMs,
    cache: { get: (url, scope) => getEtag(db, url, scope) },
    pace: { restPerMinute: config.github.restPointsPerMinute, graphqlPerMinute: config.github.graphqlPointsPerMinute },
    now: clock,
    ...(sleep ? { sleep } : {}),
    warn: (message) => log.warn(message),
    info: (message) => log.info(message),
  });
}

/** What the package collectors need from a job's context. */
export function packageDeps(ctx: JobContext, now: Date): PackagesDeps {
  return { db: ctx.db, config: ctx.config, http: ctx.http, github: ctx.github, now, log: (line) => ctx.log.info(line), ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** The longest model window: how far back a repo seen for the first time is collected. */
export function maxWindow(config: Config): number {
  return Math.max(...config.models.map((m) => m.window));
}
