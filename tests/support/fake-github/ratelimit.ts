/**
 * Primary rate-limit accounting, per identity and resource, as GitHub documents it: the window
 * starts with the identity's first request in that resource and resets a fixed time later.
 * The identity is the raw `authorization` header value (absent = anonymous); it is only ever used
 * as a map key and never logged.
 */

export type Resource = "core" | "graphql" | "search";

export interface RateLimitOptions {
  /** Authenticated limits per window. Defaults: core 5000, graphql 5000, search 30. */
  core?: number;
  graphql?: number;
  search?: number;
  /** Anonymous limits. Defaults: core 60, search 10 (GraphQL refuses anonymous callers). */
  anonymousCore?: number;
  anonymousSearch?: number;
  /** Window length for core and graphql; default one hour. */
  windowMs?: number;
  /** Window length for search; default one minute. */
  searchWindowMs?: number;
}

export interface Bucket {
  readonly resource: Resource;
  limit: number;
  used: number;
  /** Epoch ms when the window ends. */
  resetMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {}

  private limitFor(resource: Resource, anonymous: boolean): number {
    const o = this.options;
    if (resource === "search") return anonymous ? (o.anonymousSearch ?? 10) : (o.search ?? 30);
    // Anonymous callers have no GraphQL allowance at all (the endpoint answers 401).
    if (resource === "graphql") return anonymous ? 0 : (o.graphql ?? 5000);
    return anonymous ? (o.anonymousCore ?? 60) : (o.core ?? 5000);
  }

  private windowFor(resource: Resource): number {
    return resource === "search" ? (this.options.searchWindowMs ?? 60_000) : (this.options.windowMs ?? 3_600_000);
  }

  /** The live bucket, opening a new window if there is none or the last one has ended. */
  bucket(identity: string | undefined, resource: Resource): Bucket {
    const key = `${resource}\u0000${identity ?? ""}`;
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b || now >= b.resetMs) {
      b = { resource, limit: this.limitFor(resource, identity === undefined), used: 0, resetMs: now + this.windowFor(resource) };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** What /rate_limit reports, without opening a window for an unused resource. */
  peek(identity: string | undefined, resource: Resource): { limit: number; remaining: number; used: number; reset: number } {
    const b = this.buckets.get(`${resource}\u0000${identity ?? ""}`);
    const now = this.now();
    if (!b || now >= b.resetMs) {
      const limit = this.limitFor(resource, identity === undefined);
      return { limit, remaining: limit, used: 0, reset: Math.ceil((now + this.windowFor(resource)) / 1000) };
    }
    return { limit: b.limit, remaining: Math.max(0, b.limit - b.used), used: b.used, reset: Math.ceil(b.resetMs / 1000) };
  }

  /** Forget all usage (e.g. between benchmark phases). */
  reset(): void {
    this.buckets.clear();
  }
}

export function remaining(b: Bucket): number {
  return Math.max(0, b.limit - b.used);
}

export function rateLimitHeaders(b: Bucket): Record<string, string> {
  return {
    "x-ratelimit-limit": String(b.limit),
    "x-ratelimit-remaining": String(remaining(b)),
    "x-ratelimit-used": String(b.used),
    "x-ratelimit-reset": String(Math.ceil(b.resetMs / 1000)),
    "x-ratelimit-resource": b.resource,
  };
}
