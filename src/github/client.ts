import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { RequestError } from "@octokit/request-error";
import { Octokit } from "@octokit/rest";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import type { z } from "zod";
import { HostError, OfflineError, ResponseShapeError, StoppedError } from "../errors.js";
import { redact, tokenLabel } from "../util/secrets.js";
import { parseWith } from "../util/validate.js";
import { type Sleep, realSleep, unlessStopped } from "../util/time.js";
import { Accounting, USAGE_HEADER } from "./accounting.js";
import { RedirectRefusedError, classifyError, isPageTooBig } from "./errors.js";
import { CloneTraffic, type TrafficDay, ViewTraffic } from "./traffic.js";
import { repoNameProblem } from "./names.js";
import { type PaceLimits, Pacer } from "./pace.js";
import { HISTORY_BATCH_REQUESTS, HISTORY_FIRST_PAGE, HISTORY_PAGE, SNAPSHOT_BATCH_SIZE, commitHistoryBatchQuery, snapshotBatchQuery } from "./queries.js";
import { forEachLimit } from "../util/pool.js";
import { type CommitItem, type HistoryCommit, HistoryRepoNode, RateLimitNode, ReleaseItem, RepoResponse, RepoSnapshotNode, StarWeek } from "./schemas.js";

const GitHubOctokit = Octokit.plugin(retry, throttling);
type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

/** The schema of one list item, made for a `now` that its dates are checked against. */
export type ItemSchema<T> = (now: Date) => z.ZodType<T>;

export interface ConditionalCache {
  get(url: string, scope: string): string | undefined;
}

export interface GitHubClientOptions {
  apiUrl: string;
  graphqlUrl?: string;
  tokens: string[];
  userAgent: string;
  timeoutMs: number;
  graphql: "auto" | "always" | "never";
  /** Base of the retry back-off, in ms (GitHub's guidance: seconds). Tests set it near 0. */
  retryBaseMs?: number;
  /** Longest wait for a rate-limit reset before giving up on a request, in seconds. */
  maxRateLimitWaitSec?: number;
  cache?: ConditionalCache;
  /** Secondary-limit pace of all requests together; none when absent (tests of the client alone). */
  pace?: PaceLimits;
  sleep?: Sleep;
  now?: () => Date;
  warn?: (message: string) => void;
  /** Progress of long crawls. */
  info?: (message: string) => void;
}

/** One page of a REST list, validated. `etag` is to be stored with the page's rows. */
export interface ListPage<T> {
  items: T[];
  /** The request as sent, relative to the API base: the key for conditional requests. */
  url: string;
  /** The next page, relative to the API base; null on the last page. */
  next: string | null;
  /** The page number of rel="last", when the answer gives one: how long the list is. */
  lastPage: number | null;
  etag: string | null;
  scope: string;
  notModified: boolean;
}

/** A conditional read of a repository: its fields, or "unchanged since the stored ETag". */
export type RepoIfChanged =
  | { notModified: false; info: RepoResponse; url: string; scope: string; etag: string | null }
  | { notModified: true; url: string; scope: string; etag: string | null };

export interface SnapshotResult {
  fullName: string;
  node?: RepoSnapshotNode;
  error?: Error;
}

/** The new commits of a repo's default branch since a point (null: its whole history). */
export interface HistoryRequest {
  fullName: string;
  since: string | null;
  /** How many commits the first page asks for (default HISTORY_FIRST_PAGE, at most 100): what the caller expects. */
  firstPage?: number;
}

/**
 * What a history query gave for one repo: every commit since the point, shaped as the REST list
 * gives them, or `commits: null` with the reason why they are to be read through REST instead.
 * `unnamed` are the commits among them whose author GraphQL cannot name as REST does (a bot,
 * see restCommitOf): their `author` is not to be taken from here.
 */
export interface HistoryResult extends HistoryRequest {
  commits: CommitItem[] | null;
  unnamed: { sha: string; committedAt: string }[];
  reason?: string;
}

/** Pages of one repo's history read through GraphQL before it is left to the REST list, whose crawl resumes after a crash. */
const MAX_HISTORY_PAGES = 10;

const MIN_PAGE = 25;
/** Snapshot queries in flight at once (each is one secondary-limit point, paced with the rest). */
const SNAPSHOT_CONCURRENCY = 4;
/**
 * plugin-throttling sends every GraphQL request through its "write" group, one a second, as if
 * it were a mutation. oss-pulse sends only queries, which GitHub counts as one secondary point
 * each (2,000 a minute), and paces them itself (Pacer): this group lets them through.
 */
const QUERIES_ARE_NOT_WRITES = { key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }) };
/**
 * Pages one stream may read in one run when the list does not say how long it is (no
 * rel="last" on its first page): two million items at 100 a page, more than any repository has.
 */
export const MAX_PAGES_PER_STREAM = 20_000;
/** Log a line every this many pages of one stream. */
const PROGRESS_EVERY = 100;

/**
 * The one GitHub client the collectors use: throttling, retries, per-attempt timeouts,
 * conditional requests, GraphQL batching, and accounting of requests and points.
 * Tokens are held here only; nothing it throws or logs contains them.
 */
export class GitHubClient {
  readonly accounting = new Accounting();
  readonly apiUrl: string;
  private readonly instances: { octokit: GitHubOctokit; label: string; authorized: boolean }[];
  private readonly graphqlPath: string;
  private readonly sleep: Sleep;
  private readonly now: () => Date;
  private readonly pacer: Pacer | null;
  /** The stop signal of the work calling now (see `stoppable`). */
  private readonly stopSignal = new AsyncLocalStorage<AbortSignal>();

  constructor(private readonly options: GitHubClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.pacer = options.pace ? new Pacer(options.pace) : null;
    this.graphqlPath = options.graphqlUrl ?? defaultGraphqlUrl(this.apiUrl);
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? (() => new Date());
    const tokens = options.tokens.length > 0 ? options.tokens : [undefined];
    this.instances = tokens.map((token, index) => {
      const label = tokenLabel(index, token);
      return { octokit: this.createOctokit(token, label), label, authorized: token !== undefined };
    });
  }

  /**
   * Runs `work` so that every request it makes ends as soon as `signal` aborts: a back-off or a
   * rate-limit wait is cut short, a request in flight is aborted, and no retry follows; the
   * request rejects with StoppedError.
   */
  stoppable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return signal ? this.stopSignal.run(signal, work) : work();
  }

  get authorized(): boolean {
    return this.instances[0]?.authorized ?? false;
  }

  /** GraphQL needs a token; `always` without one is a config problem caught at start-up. */
  get usesGraphql(): boolean {
    if (this.options.graphql === "never") return false;
    return this.authorized;
  }

  private createOctokit(token: string | undefined, label: string): GitHubOctokit {
    const base = this.options.retryBaseMs ?? 1000;
    const maxWait = this.options.maxRateLimitWaitSec ?? 900;
    const warn = (message: string) => this.options.warn?.(redact(message));
    const octokit = new GitHubOctokit({
      ...(token ? { auth: token } : {}),
      baseUrl: this.apiUrl,
      userAgent: this.options.userAgent,
      // Failed requests are classified and reported by the callers; the request log would only repeat them (and call every 304 an error).
      log: { debug: () => {}, info: () => {}, warn, error: () => {} },
      request: { fetch: this.meteredFetch(label) },
      // 403/429 belong to the throttler, 409 (empty repository) is an answer, not a fault.
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451], retries: 3, retryAfterBaseValue: base },
      throttle: {
        // Typed as a Bottleneck group, of which the plugin calls only key().schedule() (wrap-request.js).
        ...(this.options.pace ? { write: QUERIES_ARE_NOT_WRITES as never } : {}),
        retryAfterBaseValue: base,
        fallbackSecondaryRateRetryAfter: 60,
        // The log says "retry in" only for a retry that is really made.
        onRateLimit: (after: number, opts: { method: string; url: string }, _o: unknown, retryCount: number) => {
          const retry = retryCount < 1 && after <= maxWait;
          warn(`GitHub primary rate limit on ${opts.method} ${opts.url}; ${retry ? `retry in ${after}s` : "giving up"}`);
          return retry;
        },
        onSecondaryRateLimit: (after: number, opts: { method: string; url: string }, _o: unknown, retryCount: number) => {
          const retry = retryCount < 3 && after <= maxWait;
          // GitHub asks for a pause, not a slower pace for this request alone: every request waits.
          this.pacer?.pause(after * base);
          warn(`GitHub secondary rate limit on ${opts.method} ${opts.url}; ${retry ? `retry in ${after}s` : `giving up after ${retryCount} retries`}`);
          return retry;
        },
      },
    });
    // A 403/429 with retry-after that the throttler does not recognise (the legacy "abuse
    // detection" message, a generic 429) is still a rate limit: wait as told, then retry.
    // This wrap is the outermost: racing it against the stop signal also cuts short the waits
    // inside the retry and throttling plugins, and the signal travels with the request to the
    // fetch (the plugins' queues do not keep the caller's async context).
    octokit.hook.wrap("request", async (request, options) => {
      const usage = this.accounting.currentId();
      if (usage) options.headers = { ...options.headers, [USAGE_HEADER]: usage };
      const signal = this.stopSignal.getStore();
      if (signal) options.request = { ...options.request, signal };
      const attempts = async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            const response = await request(options);
            if (isRedirect(response.status)) throw new RedirectRefusedError(response.status, response.headers.location);
            return response;
          } catch (error) {
            if (error instanceof NotRetried) throw error.error;
            if (signal?.aborted) throw new StoppedError();
            const wait = unrecognisedRetryAfter(error);
            if (wait === null || attempt >= 2 || wait > maxWait) throw error;
            warn(`GitHub asked to retry ${options.method} ${options.url} after ${wait}s`);
            await this.sleep(wait * base, signal);
          }
        }
      };
      return unlessStopped(attempts(), signal);
    });
    return octokit;
  }

  /**
   * Every attempt passes here: a fresh timeout each, and the accounting. Redirects (GitHub's
   * 301 for a renamed or transferred repository) are followed here, and only to the same kind
   * of path on the configured API; any other is handed back unfollowed and refused above.
   */
  private meteredFetch(label: string): typeof fetch {
    return async (input, init) => {
      const timeout = AbortSignal.timeout(this.options.timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      const { [USAGE_HEADER]: usage, ...headers } = (init?.headers ?? {}) as Record<string, string>;
      let url = String(input instanceof Request ? input.url : input);
      // A retry the plugins still make after a stop: not sent, not counted.
      if (init?.signal?.aborted) throw new NotRetried(new StoppedError());
      for (let hops = 0; ; hops++) {
        let response: Response;
        await this.pacer?.take(url.split("?")[0] === this.graphqlPath ? "graphql" : "rest");
        try {
          response = await fetch(url, { ...init, headers, signal, redirect: "manual" });
        } catch (error) {
          this.accounting.count(1, 0, usage); // an attempt that got no answer still counts as a request
          if (init?.signal?.aborted) throw new NotRetried(new StoppedError());
          const offline = OfflineError.of(error, new URL(url).hostname);
          if (offline) throw new NotRetried(offline);
          throw error;
        }
        this.accounting.observe(label, response.headers, this.now());
        this.accounting.count(1, await pointsOf(response, label !== "anonymous"), usage);
        const location = isRedirect(response.status) ? response.headers.get("location") : null;
        if (location === null || hops >= 4) return wholeBody(response);
        const target = this.redirectTarget(url, location);
        if (target === null) return response;
        await response.body?.cancel();
        url = target;
      }
    };
  }

  /** The absolute URL a redirect may be followed to, or null when it must not be. */
  private redirectTarget(from: string, location: string): string | null {
    const base = new URL(`${this.apiUrl}/`);
    const prefix = base.pathname.replace(/\/+$/, "");
    let target: URL;
    try {
      target = new URL(location, from);
    } catch {
      return null;
    }
    if (target.origin !== base.origin || target.username || target.password || !target.pathname.startsWith(`${prefix}/`)) return null;
    const to = target.pathname.slice(prefix.length);
    const byName = to.match(/^\/repos\/([^/]+)\/([^/]+)(?:\/|$)/);
    if (byName && repoNameProblem(`${decodeURIComponent(byName[1]!)}/${decodeURIComponent(byName[2]!)}`) !== null) return null;
    return sameResource(new URL(from).pathname.slice(prefix.length), to) ? target.toString() : null;
  }

  /**
   * The instance to use for a target: stable per target (so conditional requests hit), unless
   * its budget in that resource runs low; then the one with the most left.
   */
  private pick(target: string, resource: "core" | "graphql" = "core"): { octokit: GitHubOctokit; label: string } {
    if (this.instances.length === 1) return this.instances[0]!;
    const preferred = this.instances[hashIndex(target, this.instances.length)]!;
    if (this.accounting.remaining(preferred.label, resource) > 100) return preferred;
    return [...this.instances].sort((a, b) => this.accounting.remaining(b.label, resource) - this.accounting.remaining(a.label, resource))[0]!;
  }

  async getRepo(fullName: string): Promise<RepoResponse> {
    const { octokit } = this.pick(fullName);
    const [owner, repo] = fullName.split("/") as [string, string];
    try {
      const response = await octokit.request("GET /repos/{owner}/{repo}", { owner, repo });
      return parseWith(RepoResponse(this.now()), response.data, `GET /repos/${fullName}`);
    } catch (error) {
      throw classifyError(error, fullName, `GET /repos/${fullName}`);
    }
  }

  /** A repository's traffic of the last 14 days, per day (GET /repos/{o}/{r}/traffic/views or /clones). */
  async traffic(fullName: string, kind: "views" | "clones"): Promise<TrafficDay[]> {
    const { octokit } = this.pick(fullName);
    const [owner, repo] = fullName.split("/") as [string, string];
    const operation = `GET /repos/${fullName}/traffic/${kind}`;
    try {
      const response = await octokit.request(`GET /repos/{owner}/{repo}/traffic/${kind}`, { owner, repo, per: "day" });
      const now = this.now();
      return kind === "views" ? parseWith(ViewTraffic(now), response.data, operation).views : parseWith(CloneTraffic(now), response.data, operation).clones;
    } catch (error) {
      throw classifyError(error, fullName, operation);
    }
  }

  /**
   * The repository, asked with the ETag of its last answer: a 304 says nothing in it moved
   * (its counts, its pushed_at), which is how a run without a token skips a quiet repository.
   */
  async getRepoIfChanged(fullName: string): Promise<RepoIfChanged> {
    const { octokit, label } = this.pick(fullName);
    const url = `/repos/${fullName}`;
    const etag = this.options.cache?.get(url, label);
    try {
      const response = await octokit.request(`GET ${this.absolute(url)}`, { headers: etag ? { "if-none-match": etag } : {} });
      const info = parseWith(RepoResponse(this.now()), response.data, `GET /repos/${fullName}`);
      return { notModified: false, info, url, scope: label, etag: response.headers.etag ?? null };
    } catch (error) {
      if (error instanceof RequestError && error.status === 304) return { notModified: true, url, scope: label, etag: etag ?? null };
      throw classifyError(error, fullName, `GET /repos/${fullName}`);
    }
  }

  /** Counts with the `per_page=1` + Link rel="last" idiom (one request, no items read). */
  async countOpenPulls(fullName: string): Promise<number> {
    const { octokit } = this.pick(fullName);
    const [owner, repo] = fullName.split("/") as [string, string];
    try {
      const response = await octokit.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, state: "open", per_page: 1 });
      const last = (response.headers.link ?? "").match(/[?&]page=(\d+)>; rel="last"/);
      if (last) return Number(last[1]);
      return Array.isArray(response.data) ? response.data.length : 0;
    } catch (error) {
      throw classifyError(error, fullName, `GET /repos/${fullName}/pulls`);
    }
  }

  /** Snapshots of many repos through GraphQL aliases; one failing repo does not fail the batch. */
  async snapshots(fullNames: string[]): Promise<SnapshotResult[]> {
    const batches: string[][] = [];
    for (let start = 0; start < fullNames.length; start += SNAPSHOT_BATCH_SIZE) batches.push(fullNames.slice(start, start + SNAPSHOT_BATCH_SIZE));
    const answers: SnapshotResult[][] = [];
    // Queries in parallel only where the pacer bounds them; otherwise the throttler's one a second.
    await forEachLimit(batches, this.pacer ? SNAPSHOT_CONCURRENCY : 1, async (batch, i) => {
      answers[i] = await this.snapshotBatch(batch);
    });
    return answers.flat();
  }

  private async snapshotBatch(fullNames: string[]): Promise<SnapshotResult[]> {
    const { octokit } = this.pick(fullNames[0] ?? "", "graphql");
    const variables: Record<string, string> = {};
    fullNames.forEach((name, i) => {
      const [owner, repo] = name.split("/") as [string, string];
      variables[`o${i}`] = owner;
      variables[`n${i}`] = repo;
    });
    let data: Record<string, unknown>;
    let errors: { type?: string; path?: (string | number)[]; message: string }[] = [];
    try {
      const response = await octokit.request(`POST ${this.graphqlPath}`, {
        query: snapshotBatchQuery(fullNames.length),
        variables,
      });
      const body = response.data as { data?: Record<string, unknown> | null; errors?: typeof errors };
      if (typeof body !== "object" || body === null) throw new ResponseShapeError("POST /graphql", ["body is not JSON"]);
      data = body.data ?? {};
      errors = body.errors ?? [];
    } catch (error) {
      const failure = classifyError(error, "graphql", "POST /graphql (snapshots)");
      return fullNames.map((fullName) => ({ fullName, error: failure }));
    }
    const rate = RateLimitNode.safeParse(data.rateLimit);
    if (rate.success) this.accounting.count(0, Math.max(0, rate.data.cost - 1), this.accounting.currentId());
    return fullNames.map((fullName, i) => {
      const node = data[`r${i}`];
      if (node === null || node === undefined) {
        const problem = errors.find((e) => e.path?.[0] === `r${i}`);
        const message = problem?.message ?? "no data returned";
        const error =
          problem?.type === "NOT_FOUND"
            ? classifyError(new NotFound(message), fullName, "GraphQL repository")
            : new HostError(`GraphQL repository ${fullName}: ${message}`, "github");
        return { fullName, error };
      }
      try {
        return { fullName, node: parseWith(RepoSnapshotNode(this.now()), node, `GraphQL repository ${fullName}`) };
      } catch (error) {
        return { fullName, error: error as Error };
      }
    });
  }

  /**
   * The new commits of many repos through GraphQL aliases: a small first page for every repo in
   * a few batched queries, then larger pages for the repos that have more. A repo that GraphQL
   * cannot answer as the REST list would is handed back with `commits: null` and a reason.
   */
  async commitHistories(requests: HistoryRequest[]): Promise<HistoryResult[]> {
    const states = requests.map((request) => ({ request, commits: [] as CommitItem[], unnamed: [] as HistoryResult["unnamed"], after: null as string | null, pages: 0, done: false, reason: undefined as string | undefined }));
    for (let pending = states; pending.length > 0; pending = states.filter((s) => !s.done && s.reason === undefined)) {
      const batches: (typeof states)[] = [];
      let requestsInBatch = 0;
      for (const state of pending) {
        const cost = pageSize(state) + 1;
        const last = batches.at(-1);
        if (last && requestsInBatch + cost <= HISTORY_BATCH_REQUESTS) {
          last.push(state);
          requestsInBatch += cost;
        } else {
          batches.push([state]);
          requestsInBatch = cost;
        }
      }
      await forEachLimit(batches, this.pacer ? SNAPSHOT_CONCURRENCY : 1, (batch) => this.historyBatch(batch));
    }
    return states.map((s) => ({ ...s.request, commits: s.reason === undefined ? s.commits : null, unnamed: s.unnamed, ...(s.reason !== undefined ? { reason: s.reason } : {}) }));
  }

  private async historyBatch(
    batch: { request: HistoryRequest; commits: CommitItem[]; unnamed: HistoryResult["unnamed"]; after: string | null; pages: number; done: boolean; reason: string | undefined }[],
  ): Promise<void> {
    const { octokit } = this.pick(batch[0]?.request.fullName ?? "", "graphql");
    const variables: Record<string, string | number | null> = {};
    batch.forEach((state, i) => {
      const [owner, repo] = state.request.fullName.split("/") as [string, string];
      Object.assign(variables, { [`o${i}`]: owner, [`n${i}`]: repo, [`s${i}`]: state.request.since, [`f${i}`]: pageSize(state), [`a${i}`]: state.after });
    });
    let data: Record<string, unknown>;
    let errors: { path?: (string | number)[]; message: string }[] = [];
    try {
      const response = await octokit.request(`POST ${this.graphqlPath}`, { query: commitHistoryBatchQuery(batch.length), variables });
      const body = response.data as { data?: Record<string, unknown> | null; errors?: typeof errors };
      if (typeof body !== "object" || body === null) throw new ResponseShapeError("POST /graphql", ["body is not JSON"]);
      data = body.data ?? {};
      errors = body.errors ?? [];
    } catch (error) {
      // A stop ends the run; any other failure leaves these repos to the REST list, which reports it.
      if (error instanceof StoppedError) throw error;
      const reason = `history query failed: ${classifyError(error, "graphql", "POST /graphql (commit history)").message}`;
      for (const state of batch) state.reason = reason;
      return;
    }
    const rate = RateLimitNode.safeParse(data.rateLimit);
    if (rate.success) this.accounting.count(0, Math.max(0, rate.data.cost - 1), this.accounting.currentId());
    batch.forEach((state, i) => {
      const raw = data[`r${i}`];
      if (raw === null || raw === undefined) {
        state.reason = errors.find((e) => e.path?.[0] === `r${i}`)?.message ?? "no data returned";
        return;
      }
      const parsed = HistoryRepoNode(this.now()).safeParse(raw);
      if (!parsed.success) {
        state.reason = `history answer does not match its schema (${parsed.error.issues[0]?.path.join(".") ?? ""})`;
        return;
      }
      const history = parsed.data.defaultBranchRef?.target?.history;
      if (!history) {
        state.reason = "no default branch";
        return;
      }
      for (const node of history.nodes) {
        state.commits.push(restCommitOf(node));
        if (unnamedBot(node)) state.unnamed.push({ sha: node.oid, committedAt: node.committedDate });
      }
      state.pages++;
      if (!history.pageInfo.hasNextPage) state.done = true;
      else if (history.pageInfo.endCursor === null) state.reason = "history page without an end cursor";
      else if (state.pages >= MAX_HISTORY_PAGES) state.reason = `more than ${MAX_HISTORY_PAGES} pages of new commits`;
      else state.after = history.pageInfo.endCursor;
    });
  }

  /**
   * Pages of a REST list, starting at `start` (a path with query, relative to the API base).
   * Sends the stored validator with each request; a 502/504 on a big page retries the same
   * offset with a smaller page before failing with the endpoint and page named.
   */
  async *list<T>(target: string, start: string, schema: ItemSchema<T>, options: { conditional?: boolean; expectedItems?: number } = {}): AsyncGenerator<ListPage<T>> {
    const { octokit, label } = this.pick(target);
    let url: string | null = start;
    const seen = new Set<string>();
    // What the repo's own figures say the list can hold, when the caller knows them.
    const counted = options.expectedItems === undefined ? MAX_PAGES_PER_STREAM : pageCap(Math.ceil(options.expectedItems / perPageOf(start)), 1);
    let cap = counted;
    for (let pages = 0; url !== null; pages++) {
      if (seen.has(url)) throw new HostError(`GET ${url}: pagination repeats itself`, "github");
      if (pages >= cap) throw new PageCapError(pathOnly(start), pages);
      seen.add(url);
      const page: ListPage<T> = await this.fetchPage(octokit, label, target, url, schema, options.conditional ?? true);
      if (pages === 0) cap = Math.min(counted, pageCap(page.lastPage, pageNumber(url)));
      if ((pages + 1) % PROGRESS_EVERY === 0) this.options.info?.(`GET ${pathOnly(start)}: ${pages + 1} pages read${page.lastPage ? ` of about ${page.lastPage}` : ""}`);
      yield page;
      url = page.next;
    }
  }

  /** One page of a list at `url` (relative to the API base), for crawls that build their own URLs. */
  page<T>(target: string, url: string, schema: ItemSchema<T>): Promise<ListPage<T>> {
    const { octokit, label } = this.pick(target);
    return this.fetchPage(octokit, label, target, url, schema, true);
  }

  private async fetchPage<T>(octokit: GitHubOctokit, label: string, target: string, url: string, schema: ItemSchema<T>, conditional: boolean): Promise<ListPage<T>> {
    let current = url;
    for (let attempt = 0; ; attempt++) {
      const etag = conditional ? this.options.cache?.get(current, label) : undefined;
      try {
        const response = await octokit.request(`GET ${this.absolute(current)}`, {
          headers: etag ? { "if-none-match": etag } : {},
        });
        if (typeof response.data === "string") {
          throw new HostError(`GET ${current}: body is not JSON (${response.headers["content-type"] ?? "no content type"}, ${response.data.length} bytes)`, "github", response.status);
        }
        const source = `GET ${pathOnly(current)}`;
        // An item with a date out of range is left out and the rest of the page kept: one bad
        // commit in a long history must not fail the repo on every run. The run's record names it.
        const leftOut: string[] = [];
        const items = parseWith(schema(this.now()).array(), response.data, source, leftOut);
        for (const note of leftOut) {
          this.accounting.note(note);
          this.options.warn?.(`${target}: ${note}`);
        }
        return {
          items,
          url: current,
          next: this.nextOf(response.headers.link, current),
          lastPage: lastPageOf(response.headers.link),
          etag: response.headers.etag ?? null,
          scope: label,
          notModified: false,
        };
      } catch (error) {
        if (error instanceof RequestError && error.status === 304) {
          return { items: [], url: current, next: null, lastPage: null, etag: etag ?? null, scope: label, notModified: true };
        }
        if (isPageTooBig(error)) {
          const smaller = shrinkPage(current);
          if (smaller) {
            this.options.warn?.(`GET ${pathOnly(current)} failed with ${(error as RequestError).status}; retrying with smaller pages`);
            current = smaller;
            continue;
          }
        }
        if (error instanceof HostError && attempt < 2) continue; // a non-JSON 200: try again
        throw classifyError(error, target, `GET ${pathOnly(current)}${pageLabel(current)}`);
      }
    }
  }

  /** Every asset of every release with its cumulative download count (the github-releases registry). */
  async listReleaseAssets(fullName: string): Promise<{ releaseId: number; assetId: number; name: string; downloadCount: number }[]> {
    const assets: { releaseId: number; assetId: number; name: string; downloadCount: number }[] = [];
    // Unconditional: a 304 here would read as "no assets", and the crawl may just have stored this URL's ETag.
    for await (const page of this.list(fullName, `/repos/${fullName}/releases?per_page=100`, ReleaseItem, { conditional: false })) {
      for (const release of page.items) {
        for (const a of release.assets) assets.push({ releaseId: release.id, assetId: a.id, name: a.name, downloadCount: a.download_count });
      }
    }
    return assets;
  }

  /**
   * Star history: weekly rows, newest first (GET /repos/{o}/{r}/stargazers/history). A repo
   * created at `createdAt` has at most one row a week since then: its pages are capped by that.
   */
  starHistory(fullName: string, start?: string, createdAt?: string | null): AsyncGenerator<ListPage<StarWeek>> {
    const weeks = createdAt ? Math.ceil((this.now().getTime() - Date.parse(createdAt)) / (7 * 86_400_000)) + 1 : undefined;
    return this.list(fullName, start ?? `/repos/${fullName}/stargazers/history?per_page=30`, StarWeek, weeks !== undefined && weeks > 0 ? { expectedItems: weeks } : {});
  }

  private absolute(path: string): string {
    return path.startsWith("http") ? path : `${this.apiUrl}${path}`;
  }

  /**
   * Link rel="next", made relative to the API base so a stored cursor survives a base-URL change.
   * Only a link to the same list on the configured API is followed: any other origin or path
   * would receive the Authorization header, and would be stored as the stream's cursor.
   */
  private nextOf(link: string | undefined, current: string): string | null {
    const match = (link ?? "").match(/<([^>]+)>;\s*rel="next"/);
    if (!match?.[1]) return null;
    const base = new URL(`${this.apiUrl}/`);
    const prefix = base.pathname.replace(/\/+$/, "");
    let next: URL;
    try {
      next = new URL(match[1], base);
    } catch {
      throw new ResponseShapeError(`GET ${pathOnly(current)}`, [`Link rel="next" is not a URL; not followed`]);
    }
    const relative = next.pathname.startsWith(`${prefix}/`) ? next.pathname.slice(prefix.length) : null;
    if (next.origin !== base.origin || relative === null || next.username || next.password) {
      throw new ResponseShapeError(`GET ${pathOnly(current)}`, [`Link rel="next" points outside the configured API (${this.apiUrl}); not followed`]);
    }
    const from = new URL(current, base);
    if (!sameList(from.pathname.slice(prefix.length), relative)) {
      throw new ResponseShapeError(`GET ${pathOnly(current)}`, [`Link rel="next" points to another path (${relative}), not the next page of this list; not followed`]);
    }
    return `${relative}${next.search}`;
  }
}

/**
 * The response with its body read to the end. Octokit reads a body that breaks off as "" and it
 * would be reported as "not JSON (0 bytes)"; read here, it is a network error that says what
 * happened (and is retried like one).
 */
async function wholeBody(response: Response): Promise<Response> {
  if (response.status === 204 || response.status === 205 || response.status === 304 || response.body === null) return response;
  let body: ArrayBuffer;
  try {
    body = await response.arrayBuffer();
  } catch (error) {
    throw new Error("connection closed before the whole answer arrived", { cause: error });
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** A rel="next" that is still there when the list's size says it should have ended. */
export class PageCapError extends ResponseShapeError {
  constructor(list: string, pages: number) {
    super(`GET ${list}`, [`still a rel="next" after ${pages} pages, more than the list's size can need; stopped`]);
  }
}

/**
 * Two paths name the same list when they differ at most in how the repository is named:
 * `/repos/{owner}/{repo}/x` (any case) or GitHub's own `/repositories/{id}/x`.
 */
function sameList(a: string, b: string): boolean {
  return sameResource(a, b, true);
}

/**
 * The same resource of a repository, whatever the repository is called: a redirect may move
 * `/repos/{old}/x` to `/repos/{new}/x` or `/repositories/{id}/x` (a rename), never to another `x`.
 */
function sameResource(a: string, b: string, sameName = false): boolean {
  const key = (path: string) => {
    const byName = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/);
    if (byName) return { kind: "name", repo: `${byName[1]}/${byName[2]}`.toLowerCase(), rest: byName[3] ?? "" };
    const byId = path.match(/^\/repositories\/(\d+)(\/.*)?$/);
    if (byId) return { kind: "id", repo: byId[1], rest: byId[2] ?? "" };
    return { kind: "other", repo: path, rest: "" };
  };
  const ka = key(a);
  const kb = key(b);
  if (ka.rest !== kb.rest) return false;
  if (ka.kind === "other" || kb.kind === "other") return a === b;
  if (ka.kind === "id" || kb.kind === "id") return true;
  return !sameName || ka.repo === kb.repo;
}

/** The page number in rel="last", or null. */
function lastPageOf(link: string | undefined): number | null {
  const match = (link ?? "").match(/<([^>]+)>;\s*rel="last"/);
  if (!match?.[1]) return null;
  const page = Number(new URLSearchParams(match[1].split("?")[1] ?? "").get("page"));
  return Number.isInteger(page) && page > 0 ? page : null;
}

function perPageOf(url: string): number {
  const size = Number(new URLSearchParams(url.split("?")[1] ?? "").get("per_page") ?? 30);
  return Number.isInteger(size) && size > 0 ? size : 30;
}

function pageNumber(url: string): number {
  const page = Number(new URLSearchParams(url.split("?")[1] ?? "").get("page") ?? 1);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/**
 * How many pages one run of a stream may read: what rel="last" of its first page says is left,
 * with a margin for items added during the crawl; without rel="last", MAX_PAGES_PER_STREAM.
 */
export function pageCap(lastPage: number | null, firstPage: number): number {
  if (lastPage === null) return MAX_PAGES_PER_STREAM;
  const left = Math.max(1, lastPage - firstPage + 1);
  return Math.min(MAX_PAGES_PER_STREAM, left + Math.max(10, Math.ceil(left / 10)));
}

/** The size of the next page of a repo's history. */
function pageSize(state: { request: HistoryRequest; pages: number }): number {
  if (state.pages > 0) return HISTORY_PAGE;
  return Math.min(HISTORY_PAGE, Math.max(1, Math.round(state.request.firstPage ?? HISTORY_FIRST_PAGE)));
}

/**
 * Whether GraphQL cannot name a commit's author as REST does. GraphQL links a commit's e-mail to
 * a `User` only: a bot author has `user: null` and shows just its noreply address, where REST
 * names the bot (`dependabot[bot]`, type Bot) if GitHub linked the commit and gives
 * `author: null` if it did not. Which of the two is unknowable here. Other unlinked authors are
 * null in both.
 */
export function unnamedBot(node: HistoryCommit): boolean {
  const email = node.author?.email ?? null;
  return (node.author?.user ?? null) === null && email !== null && /\[bot\]@users\.noreply\.github\.com$/i.test(email);
}

/** A GraphQL history commit as the REST list gives it (but the author of an `unnamedBot`). */
export function restCommitOf(node: HistoryCommit): CommitItem {
  const email = node.author?.email ?? null;
  const user = node.author?.user ?? null;
  return {
    sha: node.oid,
    commit: {
      author: { name: node.author?.name ?? null, email, date: node.authoredDate },
      committer: { date: node.committedDate },
    },
    author: user ? { login: user.login, type: "User" } : null,
    parents: node.parents.nodes.map((p) => ({ sha: p.oid })),
  };
}

/**
 * Carries an error through Octokit unretried: Octokit turns any fetch failure into a 500 that
 * plugin-retry retries with back-off, except one named AbortError, which it passes on as is.
 */
class NotRetried extends Error {
  override name = "AbortError";
  constructor(readonly error: Error) {
    super(error.message);
  }
}

class NotFound extends Error {
  readonly status = 404;
}

export function defaultGraphqlUrl(apiUrl: string): string {
  // GitHub Enterprise Server: REST at /api/v3, GraphQL at /api/graphql.
  if (/\/api\/v3\/?$/.test(apiUrl)) return apiUrl.replace(/\/api\/v3\/?$/, "/api/graphql");
  return `${apiUrl.replace(/\/+$/, "")}/graphql`;
}

async function pointsOf(response: Response, authorized: boolean): Promise<number> {
  const resource = response.headers.get("x-ratelimit-resource");
  if (resource === "graphql") return 1; // the batch's real cost is added from rateLimit.cost
  if (response.status === 304 && authorized) return 0; // conditional hit: free when authorized
  return 1;
}

function unrecognisedRetryAfter(error: unknown): number | null {
  if (!(error instanceof RequestError)) return null;
  if (error.status !== 403 && error.status !== 429) return null;
  const headers = error.response?.headers ?? {};
  const after = Number(headers["retry-after"]);
  if (!Number.isFinite(after) || headers["retry-after"] === undefined) return null;
  if (/\bsecondary rate\b/i.test(error.message) || headers["x-ratelimit-remaining"] === "0") return null;
  return Math.max(0, Math.min(after, 3600));
}

function hashIndex(text: string, n: number): number {
  return createHash("sha1").update(text).digest().readUInt32BE(0) % n;
}

function pathOnly(url: string): string {
  return url.split("?")[0] ?? url;
}

function pageLabel(url: string): string {
  const query = new URLSearchParams(url.split("?")[1] ?? "");
  const page = query.get("page");
  const size = query.get("per_page");
  return page || size ? ` (page ${page ?? 1}, per_page ${size ?? 30})` : "";
}

/** The same offset with half the page size: page k of size s starts at item (k-1)s. */
export function shrinkPage(url: string): string | null {
  const [path, query = ""] = url.split("?");
  const params = new URLSearchParams(query);
  const size = Number(params.get("per_page") ?? 30);
  if (size <= MIN_PAGE) return null;
  const smaller = Math.max(MIN_PAGE, Math.floor(size / 2));
  if (size % smaller !== 0) return null;
  const page = Number(params.get("page") ?? 1);
  params.set("per_page", String(smaller));
  if (params.has("page") || page > 1) params.set("page", String((page - 1) * (size / smaller) + 1));
  return `${path}?${params.toString()}`;
}
