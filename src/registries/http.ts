import { z } from "zod";
import { HostError, OfflineError, ResponseShapeError, StoppedError, UnavailableError, errorMessage } from "../errors.js";
import { dayAt } from "../util/instant.js";
import { realSleep, systemClock, unlessStopped, type Clock, type Sleep } from "../util/time.js";

/** What one request needs besides its URL. */
export interface RequestOptions {
  /** The package asked about, as `registry:name`: names the target of every error. */
  source: string;
  userAgent?: string;
  /** Per attempt: every retry gets a fresh timeout. */
  timeoutMs?: number;
  /** Minimum time between two requests to this URL's host (crates.io asks for 1 s). */
  minIntervalMs?: number;
  /** Statuses meaning the package does not exist; 404 unless the registry says otherwise. */
  goneStatuses?: readonly number[];
  /** Once aborted, a wait or a request in flight ends at once with StoppedError, and no retry follows. */
  signal?: AbortSignal;
  /** Called for every attempt sent: the caller's own count when several callers share the client. */
  onAttempt?: () => void;
}

/** The HTTP client registry collectors use (retries, timeouts, 429 back-off). */
export interface HttpClient {
  getJson(url: string, options: RequestOptions): Promise<unknown>;
  /** Requests sent so far; every attempt counts. */
  readonly requests: number;
}

export interface HttpClientOptions {
  /** Injected in tests; global fetch otherwise (looked up at call time, so nock sees it). */
  fetch?: typeof globalThis.fetch;
  sleep?: Sleep;
  clock?: Clock;
  userAgent?: string;
  timeoutMs?: number;
  /** Attempts per request, the first included. */
  attempts?: number;
  /** First back-off wait; doubles each retry. */
  baseDelayMs?: number;
  /** No wait is longer, whatever a Retry-After header says. */
  maxWaitMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_USER_AGENT = "oss-pulse (https://github.com/oss-pulse/oss-pulse)";

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? systemClock;
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const nextSlot = new Map<string, number>();
  let requests = 0;

  /** Reserves the host's next slot before waiting, so concurrent callers get distinct slots. */
  async function spaceOut(host: string, intervalMs: number, signal: AbortSignal | undefined): Promise<void> {
    const now = clock().getTime();
    const slot = Math.max(now, nextSlot.get(host) ?? now);
    nextSlot.set(host, slot + intervalMs);
    if (slot > now) await unlessStopped(sleep(slot - now, signal), signal);
  }

  async function getJson(url: string, request: RequestOptions): Promise<unknown> {
    const host = new URL(url).host;
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 30_000;
    const goneStatuses = request.goneStatuses ?? [404];
    const fetchFn = options.fetch ?? globalThis.fetch;
    const { signal } = request;
    /** Waits before attempt `attempt + 1`, or throws `failure` when no attempt is left. */
    const retryAfter = async (attempt: number, failure: HostError, headers?: Headers): Promise<void> => {
      if (attempt >= attempts) throw failure;
      const stated = headers ? retryAfterMs(headers, clock().getTime()) : null;
      const wait = clamp(stated ?? baseDelayMs * 2 ** (attempt - 1), 0, maxWaitMs);
      options.log?.(`${failure.message}; retrying in ${Math.round(wait / 1000)} s`);
      await unlessStopped(sleep(wait, signal), signal);
    };
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new StoppedError();
      await spaceOut(host, request.minIntervalMs ?? 0, signal);
      requests++;
      request.onAttempt?.();
      let response: Response | undefined;
      let body: string;
      try {
        response = await fetchFn(url, {
          headers: { accept: "application/json", "user-agent": request.userAgent ?? options.userAgent ?? DEFAULT_USER_AGENT },
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
        body = await response.text();
      } catch (error) {
        if (signal?.aborted) throw new StoppedError();
        // Headers came, then the body broke off: say so, rather than a bare "terminated".
        if (response !== undefined && !isTimeout(error)) {
          await retryAfter(attempt, new HostError(`${request.source}: GET ${url}: connection closed before the whole answer arrived`, host, undefined, { cause: error }));
          continue;
        }
        // A name that does not resolve is not retried: nothing will answer until the network is back.
        const offline = OfflineError.of(error, new URL(url).hostname);
        if (offline) throw offline;
        const what = isTimeout(error) ? `timed out after ${timeoutMs} ms` : `network error: ${errorMessage(error)}`;
        await retryAfter(attempt, new HostError(`${request.source}: GET ${url} ${what}`, host, undefined, { cause: error }));
        continue;
      }
      const status = response.status;
      if (status >= 200 && status < 300) return parseJsonBody(response, body, request.source);
      if (goneStatuses.includes(status)) {
        throw new UnavailableError(request.source, "gone", `${host} answered ${status}${errorDetail(response, body)}`);
      }
      const failure = new HostError(
        `${request.source}: ${host} answered ${status}${status === 429 ? " (rate limited)" : ""}${errorDetail(response, body)}`,
        host,
        status,
      );
      // A 429 or 5xx is transient whatever its body (an HTML page from a CDN included); other statuses are not.
      if (status !== 429 && status !== 408 && status < 500) throw failure;
      await retryAfter(attempt, failure, response.headers);
    }
  }

  return {
    getJson,
    get requests() {
      return requests;
    },
  };
}

/** The same client with some request options filled in (a registry's User-Agent, timeout, spacing). */
export function withDefaults(client: HttpClient, defaults: Omit<RequestOptions, "source">): HttpClient {
  return {
    getJson: (url, options) => client.getJson(url, { ...defaults, ...options }),
    get requests() {
      return client.requests;
    },
  };
}

/**
 * How long a response asks us to wait, in ms, or null when it does not say. `Retry-After` is
 * seconds or an HTTP date (RFC 9110 §10.2.3). Docker Hub's `X-Retry-After` is a unix timestamp,
 * not seconds (docker/docs content/reference/api/hub/latest.yaml, 429 responses).
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | null {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return at - nowMs;
  }
  const xRetryAfter = headers.get("x-retry-after")?.trim();
  if (xRetryAfter && /^\d+$/.test(xRetryAfter)) {
    const value = Number(xRetryAfter);
    // Anything below 10^9 cannot be a timestamp of this century: read it as seconds.
    return value < 1e9 ? value * 1000 : value * 1000 - nowMs;
  }
  return null;
}

/** A YYYY-MM-DD day from a registry: from 1970-01-01 to the day after `now`. */
export const daySchema = (now: Date) => dayAt(now);
export const countSchema = z.number().int().min(0);

/** `base` (no trailing slash needed) joined with a path that starts with '/'. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

function parseJsonBody(response: Response, body: string, source: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // Never echo the body: it may be a large HTML page.
    throw new ResponseShapeError(source, [`(body): not JSON (${describeBody(response, body)})`]);
  }
}

/** A short reason for an error status: the registry's own JSON message, or content type and length. */
function errorDetail(response: Response, body: string): string {
  if (body.length === 0) return "";
  try {
    const data = JSON.parse(body) as unknown;
    const message = jsonMessage(data);
    if (message) return `: ${message.slice(0, 200)}`;
  } catch {
    // not JSON: fall through
  }
  return ` (${describeBody(response, body)})`;
}

function jsonMessage(data: unknown): string | null {
  if (typeof data !== "object" || data === null) return null;
  const record = data as Record<string, unknown>;
  for (const key of ["error", "message", "detail"]) {
    if (typeof record[key] === "string") return record[key];
  }
  // crates.io: {"errors":[{"detail":"..."}]}
  if (Array.isArray(record.errors)) return jsonMessage(record.errors[0]);
  return null;
}

function describeBody(response: Response, body: string): string {
  const type = response.headers.get("content-type") ?? "no content type";
  return `${type}, ${Buffer.byteLength(body)} bytes`;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
