import { setTimeout as wait } from "node:timers/promises";

/**
 * GitHub's secondary limits, as points a minute: 900 for REST (a GET is one point, and a 304
 * counts too) and 2,000 for GraphQL (a query is one point, whatever its primary-limit cost).
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */
export interface PaceLimits {
  restPerMinute: number;
  graphqlPerMinute: number;
}

export const GITHUB_PACE: PaceLimits = { restPerMinute: 900, graphqlPerMinute: 2000 };

export type PaceKind = "rest" | "graphql";

/**
 * A window a little longer than GitHub's minute: requests are counted when sent, GitHub counts
 * them when they arrive, and a second of margin keeps network jitter from packing one more in.
 */
const WINDOW_MS = 61_000;

/**
 * Paces every request of a client (all its tokens): at most `limit` sent in any window, and a
 * pause for all of them after a secondary-limit answer. Requests below the limit are not delayed
 * at all, so a small run is as fast as before. Real time, not the run's clock: this is about
 * when requests reach GitHub.
 */
export class Pacer {
  private readonly sent: Record<PaceKind, number[]> = { rest: [], graphql: [] };
  private pausedUntil = 0;

  constructor(
    private readonly limits: PaceLimits,
    private readonly clock: () => number = () => performance.now(),
    private readonly windowMs: number = WINDOW_MS,
  ) {}

  /** Resolves when one more request of this kind may be sent, and counts it as sent. */
  async take(kind: PaceKind): Promise<void> {
    const limit = kind === "rest" ? this.limits.restPerMinute : this.limits.graphqlPerMinute;
    const sent = this.sent[kind];
    for (;;) {
      const now = this.clock();
      let delay = this.pausedUntil - now;
      if (delay <= 0) {
        while (sent.length > 0 && sent[0]! <= now - this.windowMs) sent.shift();
        if (sent.length < limit) {
          sent.push(now);
          return;
        }
        delay = sent[0]! + this.windowMs - now;
      }
      await wait(Math.max(1, Math.ceil(delay)));
    }
  }

  /** A secondary-limit answer: no request of any kind goes out for `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }
}
