/**
 * The HTTP side: binds 127.0.0.1 on a free port and, for every request, in this order:
 * log it → faults → credentials → rate limit → route (REST or GraphQL) → ETag/304 → charge →
 * answer with x-ratelimit-* headers. Routes themselves are pure (rest.ts, graphql.ts).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLoopback } from "../loopback.js";
import type { FakeRepo } from "./data.js";
import { FakeGitHubState } from "./data.js";
import type { Fault, FaultAction, FaultHandle, FaultResponse } from "./faults.js";
import type { GraphqlRequestBody } from "./graphql.js";
import { githubSchema, queryCost, runGraphql } from "./graphql.js";
import type { ApiResult } from "./paging.js";
import type { Bucket, RateLimitOptions, Resource } from "./ratelimit.js";
import { RateLimiter, rateLimitHeaders, remaining } from "./ratelimit.js";
import type { RestRequest } from "./rest.js";
import { handleRest } from "./rest.js";
import type { Urls } from "./shapes.js";

export interface FakeGitHubOptions {
  /** Repositories to serve (added to `state`). */
  repos?: FakeRepo[];
  /** Bring your own state, e.g. one shared by several servers. */
  state?: FakeGitHubState;
  /** When set, only `token X` / `Bearer X` with X in this list is accepted; other credentials get 401. */
  tokens?: string[];
  faults?: Fault[];
  limits?: RateLimitOptions;
  /** Default 0: any free port. */
  port?: number;
  /** Clock for rate-limit windows; default Date.now. */
  now?: () => number;
  /** Base of html_url values; default https://github.com (never fetched). */
  htmlUrl?: string;
  /** Delay before every answer, to imitate network latency in benchmarks. */
  latencyMs?: number;
  /** GitHub's secondary limits, enforced when set (see setSecondaryLimits). */
  secondary?: SecondaryLimits | null;
  /** Called as each request arrives, before it is answered (kill tests time their kills by it). */
  onRequest?: (entry: LoggedRequest) => void;
}

/**
 * Points a minute per identity, as GitHub documents its secondary limits: every REST request is
 * one point (a 304 too), every GraphQL query one point. Over the limit, the answer is a 403 with
 * GitHub's secondary-limit message and `retry-after: 60`.
 */
export interface SecondaryLimits {
  restPerMinute: number;
  graphqlPerMinute: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 when no HTTP response was sent (hang, reset) or not yet. */
  status: number;
  /** Sent credentials that were accepted. The credentials themselves are never logged. */
  authorized: boolean;
  resource: Resource;
  /** Rate-limit points charged. */
  cost: number;
  /** Set when a fault answered instead of the API. */
  fault?: FaultAction | "status";
  /** Answered with a secondary-limit 403. */
  secondaryLimited?: boolean;
  /** A GraphQL query's operation name and variables (which repositories it asked about). */
  operation?: string;
  variables?: Record<string, unknown>;
}

export interface FakeGitHub {
  /** REST base, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  graphqlUrl: string;
  /** Every request, in arrival order. */
  requests: LoggedRequest[];
  state: FakeGitHubState;
  addFault(fault: Fault): FaultHandle;
  resetLog(): void;
  /** Forget rate-limit usage of every identity. */
  resetRateLimits(): void;
  /** Enforce GitHub's secondary limits from now on (null: not at all, the default). */
  setSecondaryLimits(limits: SecondaryLimits | null): void;
  close(): Promise<void>;
}

const JSON_TYPE = "application/json; charset=utf-8";

const HTML_PAGE =
  "<!DOCTYPE html>\n<html><head><title>Unicorn! &middot; GitHub</title></head>" +
  "<body><p>No server is currently available to service your request.</p></body></html>\n";

function tokenOf(authorization: string): string | undefined {
  return /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

function stripWeak(tag: string): string {
  return tag.trim().replace(/^W\//, "");
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || stripWeak(t) === stripWeak(etag));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function serialise(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  // Build GitHub's schema now rather than inside the first GraphQL request's timeout.
  githubSchema();
  const state = options.state ?? new FakeGitHubState();
  for (const repo of options.repos ?? []) state.addRepo(repo);
  for (const fault of options.faults ?? []) state.addFault(fault);
  const clock = options.now ?? Date.now;
  const limiter = new RateLimiter(options.limits ?? {}, clock);
  const tokens = options.tokens ? new Set(options.tokens) : undefined;
  const requests: LoggedRequest[] = [];
  const entries = new WeakMap<ServerResponse, LoggedRequest>();
  let requestSeq = 0;
  let urls: Urls = { api: "", html: options.htmlUrl ?? "https://github.com" };
  let secondary: SecondaryLimits | null = options.secondary ?? null;
  /** Arrival times of the last minute's requests, per identity and kind. */
  const recent = new Map<string, number[]>();
  const overSecondary = (identity: string | undefined, kind: "rest" | "graphql"): boolean => {
    if (!secondary) return false;
    const key = `${kind}:${identity ?? ""}`;
    const times = recent.get(key) ?? [];
    recent.set(key, times);
    const now = clock();
    while (times.length > 0 && times[0]! <= now - 60_000) times.shift();
    times.push(now);
    return times.length > (kind === "rest" ? secondary.restPerMinute : secondary.graphqlPerMinute);
  };
  const secondaryAnswer = (res: ServerResponse, entry: LoggedRequest, identity: string | undefined, resource: Resource): void => {
    entry.secondaryLimited = true;
    const body = {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    };
    send(res, entry, 403, { "content-type": JSON_TYPE, ...peekHeaders(identity, resource), "retry-after": "60" }, serialise(body));
  };

  const peekHeaders = (identity: string | undefined, resource: Resource): Record<string, string> => {
    const p = limiter.peek(identity, resource);
    return rateLimitHeaders({ resource, limit: p.limit, used: p.used, resetMs: p.reset * 1000 });
  };

  function send(res: ServerResponse, entry: LoggedRequest, status: number, headers: Record<string, string>, body?: string): void {
    entry.status = status;
    const h: Record<string, string | number> = {
      "x-github-request-id": `FAKE:${++requestSeq}`,
      "x-github-media-type": "github.v3; format=json",
      ...headers,
    };
    if (body !== undefined && entry.method !== "HEAD") h["content-length"] = Buffer.byteLength(body);
    res.writeHead(status, h);
    res.end(entry.method === "HEAD" ? undefined : body);
  }

  function sendResult(res: ServerResponse, entry: LoggedRequest, result: ApiResult, rate: Record<string, string>): void {
    const headers: Record<string, string> = { ...rate, ...result.headers };
    if (result.body === undefined) return send(res, entry, result.status, headers);
    send(res, entry, result.status, { "content-type": JSON_TYPE, ...headers }, serialise(result.body));
  }

  /** The real answer, without charging anything (used to build a truncated copy). */
  async function realAnswer(req: RestRequest, bodyText: string): Promise<string> {
    if (req.path === "/graphql") {
      const snapshot = { limit: 0, remaining: 0, used: 0, reset: Math.ceil(clock() / 1000) };
      return serialise(await runGraphql({ state, urls, rate: snapshot, cost: 1 }, JSON.parse(bodyText || "{}") as GraphqlRequestBody));
    }
    return serialise(handleRest({ state, urls }, req).body ?? {});
  }

  async function applyFault(
    fault: FaultResponse | FaultAction,
    res: ServerResponse,
    entry: LoggedRequest,
    rest: RestRequest,
    bodyText: string,
    rate: Record<string, string>,
  ): Promise<void> {
    if (fault === "hang") {
      entry.fault = "hang"; // never answered; close() destroys the socket
      return;
    }
    if (fault === "reset") {
      entry.fault = "reset";
      res.socket?.resetAndDestroy(); // TCP RST, not a clean close
      return;
    }
    if (fault === "truncated-json") {
      entry.fault = "truncated-json";
      const full = await realAnswer(rest, bodyText).catch(() => '{"message":"ok","items":[1,2,3]}');
      return send(res, entry, 200, { "content-type": JSON_TYPE, ...rate }, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
    }
    if (fault === "html") {
      entry.fault = "html";
      return send(res, entry, 200, { "content-type": "text/html; charset=utf-8", ...rate }, HTML_PAGE);
    }
    entry.fault = "status";
    const body = fault.body === undefined ? { message: `Fault ${fault.status}` } : fault.body;
    const type = typeof body === "string" ? "text/plain; charset=utf-8" : JSON_TYPE;
    send(res, entry, fault.status, { "content-type": type, ...rate, ...fault.headers }, serialise(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", urls.api);
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const resource: Resource = path === "/graphql" ? "graphql" : path.startsWith("/search/") ? "search" : "core";
    const auth = req.headers.authorization;
    const credentialsOk = auth === undefined || !tokens || tokens.has(tokenOf(auth) ?? "\u0000");
    const authorized = auth !== undefined && credentialsOk;
    // The identity is the header value itself, used only as a map key.
    const identity = authorized ? auth : undefined;
    const entry: LoggedRequest = { method, path, query, status: 0, authorized, resource, cost: 0 };
    requests.push(entry);
    entries.set(res, entry);
    options.onRequest?.(entry);
    const bodyText = method === "POST" ? await readBody(req) : "";
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const rest: RestRequest = { method, path, query, url };

    const fault = state.faults.take(method, path, query, clock());
    if (fault !== undefined) return applyFault(fault, res, entry, rest, bodyText, peekHeaders(identity, resource));

    if (!credentialsOk) {
      return sendResult(
        res,
        entry,
        { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } },
        peekHeaders(undefined, resource),
      );
    }

    if (path !== "/rate_limit" && overSecondary(identity, resource === "graphql" ? "graphql" : "rest")) {
      return secondaryAnswer(res, entry, identity, resource);
    }

    if (path === "/rate_limit" && method === "GET") {
      // Free, as on GitHub.
      const core = limiter.peek(identity, "core");
      const body = {
        resources: { core, search: limiter.peek(identity, "search"), graphql: limiter.peek(identity, "graphql") },
        rate: core,
      };
      return sendResult(res, entry, { status: 200, body }, peekHeaders(identity, "core"));
    }

    if (resource === "graphql") {
      if (method !== "POST") return sendResult(res, entry, { status: 404, body: { message: "Not Found" } }, peekHeaders(identity, resource));
      if (!authorized) {
        return sendResult(
          res,
          entry,
          {
            status: 401,
            body: {
              message: "This endpoint requires you to be authenticated.",
              documentation_url: "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
            },
          },
          peekHeaders(undefined, resource),
        );
      }
      const bucket = limiter.bucket(identity, "graphql");
      if (remaining(bucket) === 0) {
        // GraphQL reports an exhausted primary limit as HTTP 200 with a RATE_LIMITED error.
        const body = { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for user ID 1." }] };
        return sendResult(res, entry, { status: 200, body }, rateLimitHeaders(bucket));
      }
      let parsed: GraphqlRequestBody;
      try {
        parsed = JSON.parse(bodyText) as GraphqlRequestBody;
        if (parsed === null || typeof parsed !== "object") throw new Error("not an object");
      } catch {
        return sendResult(res, entry, { status: 400, body: { message: "Problems parsing JSON" } }, rateLimitHeaders(bucket));
      }
      if (parsed.variables !== null && typeof parsed.variables === "object") entry.variables = parsed.variables as Record<string, unknown>;
      const operation = typeof parsed.query === "string" ? /^\s*query\s+(\w+)/.exec(parsed.query)?.[1] : undefined;
      if (operation) entry.operation = operation;
      const cost = queryCost(parsed);
      charge(bucket, entry, cost); // before executing, so rateLimit { remaining } includes this query
      const snapshot = { limit: bucket.limit, remaining: remaining(bucket), used: bucket.used, reset: Math.ceil(bucket.resetMs / 1000) };
      const body = await runGraphql({ state, urls, rate: snapshot, cost }, parsed);
      return sendResult(res, entry, { status: 200, body }, rateLimitHeaders(bucket));
    }

    const bucket = limiter.bucket(identity, resource);
    if (remaining(bucket) === 0) {
      const who = identity ? "user ID 1." : "127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)";
      const body = { message: `API rate limit exceeded for ${who}`, documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api" };
      return sendResult(res, entry, { status: 403, body }, rateLimitHeaders(bucket));
    }

    const result = handleRest({ state, urls }, rest);
    if (result.status === 200 && (method === "GET" || method === "HEAD")) {
      const json = serialise(result.body);
      const etag = `W/"${createHash("sha1").update(json).digest("hex")}"`;
      const headers = { ...result.headers, etag, vary: "Accept, Authorization, Cookie, X-GitHub-OTP" };
      if (etagMatches(req.headers["if-none-match"], etag)) {
        // A conditional hit is free only when made with valid credentials.
        charge(bucket, entry, authorized ? 0 : 1);
        return send(res, entry, 304, { ...rateLimitHeaders(bucket), etag, vary: headers.vary });
      }
      charge(bucket, entry, 1);
      return send(res, entry, 200, { "content-type": JSON_TYPE, ...rateLimitHeaders(bucket), ...headers }, json);
    }
    charge(bucket, entry, 1);
    return sendResult(res, entry, result, rateLimitHeaders(bucket));
  }

  function charge(bucket: Bucket, entry: LoggedRequest, points: number): void {
    bucket.used += points;
    entry.cost = points;
  }

  const server = await listenLoopback((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake must show up as a 500 the test can see, not as a hang.
      if (!res.headersSent) {
        const body = JSON.stringify({ message: `fake-github internal error: ${err instanceof Error ? err.message : String(err)}` });
        res.writeHead(500, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(body) });
        res.end(body);
      } else res.destroy();
      const entry = entries.get(res);
      if (entry) entry.status = 500;
    });
  }, options.port ?? 0);
  const base = server.url;
  urls = { ...urls, api: base };

  return {
    url: base,
    graphqlUrl: `${base}/graphql`,
    requests,
    state,
    addFault: (fault) => state.addFault(fault),
    resetLog: () => {
      requests.length = 0;
    },
    resetRateLimits: () => limiter.reset(),
    setSecondaryLimits: (limits) => {
      secondary = limits;
      recent.clear();
    },
    close: () => server.close(),
  };
}
