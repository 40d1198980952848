/**
 * Faults on demand: make chosen requests fail the way GitHub (or the network in front of it)
 * does, so client retry/backoff paths can be tested end to end.
 *
 * Faults are checked before authentication and rate limiting, because real 502s and resets come
 * from the front end before GitHub looks at the token. Faulted responses cost no rate-limit
 * points but are logged like any other request.
 */

export interface FaultResponse {
  status: number;
  /** Override or add headers; the usual x-ratelimit-* headers are sent unless overridden. */
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. Omitted: `{"message": <status text>}`. */
  body?: unknown;
}

/**
 * - `hang`: accept the request and never answer (the socket is destroyed on `close()`).
 * - `reset`: destroy the connection without an HTTP response.
 * - `truncated-json`: a 200 whose JSON body (the real answer) is cut in half.
 * - `html`: a 200 with an HTML error page, as proxies and GitHub's unicorn page send.
 */
export type FaultAction = "hang" | "reset" | "truncated-json" | "html";

export interface Fault {
  /** Default: any method. */
  method?: string;
  /** A string matches the URL path exactly (no query); a RegExp is tested against the path. */
  path: RegExp | string;
  /** Every listed parameter must be present with exactly this value. */
  query?: Record<string, string>;
  /** How many times it fires; default Infinity. */
  times?: number;
  /** Let the first N matching requests through untouched. */
  after?: number;
  /** A function is called when the fault fires (e.g. to compute a reset time from `nowMs`). */
  respond: FaultResponse | FaultAction | ((nowMs: number) => FaultResponse);
}

export interface FaultHandle {
  readonly fault: Fault;
  /** Requests that matched so far (including those let through by `after`). */
  readonly matched: number;
  /** Times it fired so far. */
  readonly fired: number;
  remove(): void;
}

interface Entry extends FaultHandle {
  matched: number;
  fired: number;
}

function matches(fault: Fault, method: string, path: string, query: Record<string, string>): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  if (typeof fault.path === "string" ? fault.path !== path : !fault.path.test(path)) return false;
  for (const [k, v] of Object.entries(fault.query ?? {})) if (query[k] !== v) return false;
  return true;
}

export class FaultList {
  private entries: Entry[] = [];

  add(fault: Fault): FaultHandle {
    const list = this;
    const entry: Entry = {
      fault,
      matched: 0,
      fired: 0,
      remove() {
        list.entries = list.entries.filter((e) => e !== entry);
      },
    };
    this.entries.push(entry);
    return entry;
  }

  clear(): void {
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }

  /** The response of the first fault that fires for this request, if any. Faults fire in the order added. */
  take(method: string, path: string, query: Record<string, string>, nowMs: number): FaultResponse | FaultAction | undefined {
    for (const e of this.entries) {
      const f = e.fault;
      if ((f.times ?? Infinity) <= e.fired || !matches(f, method, path, query)) continue;
      e.matched++;
      if (e.matched <= (f.after ?? 0)) continue;
      e.fired++;
      return typeof f.respond === "function" ? f.respond(nowMs) : f.respond;
    }
    return undefined;
  }
}

const DOCS = "https://docs.github.com/rest";

/** Ready-made responses for the failures clients must survive. */
export const faultResponses = {
  /** A bare server error such as 500, 502 or 503. */
  status(status: number, message = status >= 500 ? "Server Error" : "Error"): FaultResponse {
    return { status, body: { message } };
  },
  /** GitHub's secondary ("abuse") limit: 403 (or 429) with retry-after. */
  secondaryRateLimit(retryAfterSeconds = 1, status: 403 | 429 = 403): FaultResponse {
    return {
      status,
      headers: { "retry-after": String(retryAfterSeconds) },
      body: {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
      },
    };
  },
  /** 429 Too Many Requests with retry-after. */
  tooManyRequests(retryAfterSeconds = 1): FaultResponse {
    return {
      status: 429,
      headers: { "retry-after": String(retryAfterSeconds) },
      body: { message: "Too Many Requests" },
    };
  },
  /** Primary limit exhausted: 403, remaining 0, reset `resetInSeconds` from when it fires. */
  primaryRateLimit(resetInSeconds = 1): (nowMs: number) => FaultResponse {
    return (nowMs) => ({
      status: 403,
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.ceil(nowMs / 1000) + resetInSeconds),
      },
      body: {
        message: "API rate limit exceeded for user ID 1.",
        documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`,
      },
    });
  },
};
