import { AsyncLocalStorage } from "node:async_hooks";

/** Requests made and rate-limit points spent, for a run and for each target within it. */
export interface Usage {
  requests: number;
  points: number;
  /** What was left out of the answers (items with dates out of range), for the run's record. */
  notes?: string[];
}

export interface RateBudget {
  resource: string;
  token: string;
  quota: number;
  remaining: number;
  resetAt: Date;
  observedAt: Date;
}

/** The header that carries a request's usage counter from the caller to the fetch; never sent. */
export const USAGE_HEADER = "x-oss-pulse-usage";

export class Accounting {
  readonly total: Usage = { requests: 0, points: 0 };
  readonly budgets = new Map<string, RateBudget>();
  private readonly current = new AsyncLocalStorage<string>();
  private readonly counters = new Map<string, Usage>();
  private nextId = 0;

  /** Runs `work` with its own usage counter; requests it makes also count in the total. */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; usage: Usage } | { error: unknown; usage: Usage }> {
    const usage: Usage = { requests: 0, points: 0, notes: [] };
    const id = String(++this.nextId);
    this.counters.set(id, usage);
    try {
      const value = await this.current.run(id, work);
      return { value, usage };
    } catch (error) {
      return { error, usage };
    } finally {
      this.counters.delete(id);
    }
  }

  /**
   * The counter of the work calling now. Requests are queued and retried by the throttling and
   * retry plugins, whose queues do not keep the caller's async context: so the id travels with
   * the request itself (USAGE_HEADER) and the fetch counts against it.
   */
  currentId(): string | undefined {
    return this.current.getStore();
  }

  count(requests: number, points: number, id?: string): void {
    this.total.requests += requests;
    this.total.points += points;
    const usage = this.counters.get(id ?? this.current.getStore() ?? "");
    if (usage) {
      usage.requests += requests;
      usage.points += points;
    }
  }

  /** Records a note against the work calling now (see Usage.notes). */
  note(message: string, id?: string): void {
    this.counters.get(id ?? this.current.getStore() ?? "")?.notes?.push(message);
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
