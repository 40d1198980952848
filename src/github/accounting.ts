import { AsyncLocalStorage } from "node:async_hooks";

/** Requests made and rate-limit points spent, for a run and for each target within it. */
export interface Usage {
  requests: number;
  points: number;
}

export interface RateBudget {
  resource: string;
  token: string;
  quota: number;
  remaining: number;
  resetAt: Date;
  observedAt: Date;
}

const current = new AsyncLocalStorage<Usage>();

export class Accounting {
  readonly total: Usage = { requests: 0, points: 0 };
  readonly budgets = new Map<string, RateBudget>();

  /** Runs `work` with its own usage counter; requests it makes also count in the total. */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; usage: Usage } | { error: unknown; usage: Usage }> {
    const usage: Usage = { requests: 0, points: 0 };
    try {
      const value = await current.run(usage, work);
      return { value, usage };
    } catch (error) {
      return { error, usage };
    }
  }

  count(requests: number, points: number): void {
    this.total.requests += requests;
    this.total.points += points;
    const usage = current.getStore();
    if (usage) {
      usage.requests += requests;
      usage.points += points;
    }
  }

  observe(token: string, headers: Headers, now: Date): void {
    const resource = headers.get("x-ratelimit-resource");
    const quota = Number(headers.get("x-ratelimit-limit"));
    const remaining = Number(headers.get("x-ratelimit-remaining"));
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (!resource || !Number.isFinite(quota) || !Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    if (headers.get("x-ratelimit-limit") === null) return;
    this.budgets.set(`${resource}:${token}`, {
      resource,
      token,
      quota,
      remaining,
      resetAt: new Date(reset * 1000),
      observedAt: now,
    });
  }

  remaining(token: string, resource = "core"): number {
    return this.budgets.get(`${resource}:${token}`)?.remaining ?? Number.POSITIVE_INFINITY;
  }
}
