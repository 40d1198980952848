import { HostError } from "../errors.js";
import type { RepoRow } from "../store/repos.js";
import { type TrafficKind, denyTraffic, saveTraffic, trafficDeniedAt } from "../store/traffic.js";
import { addDays, dayOf } from "../util/time.js";
import type { JobContext } from "./context.js";

/** A refused repo is asked again after this many days (the token may have been given push access). */
const DENIAL_DAYS = 30;

/**
 * Views and clones of the last 14 days, for a repo the token may push to; stored every collect
 * and kept for good (GitHub keeps 14 days). A repo whose traffic is refused (403) is not a
 * failure: it is said once, recorded, and not asked again for 30 days.
 */
export async function collectTraffic(ctx: Pick<JobContext, "db" | "github" | "log">, repo: RepoRow, now: Date): Promise<void> {
  const denied = trafficDeniedAt(ctx.db, repo.id);
  if (denied !== null && dayOf(denied) > addDays(dayOf(now), -DENIAL_DAYS)) return;
  const answers: { kind: TrafficKind; from: string; rows: { day: string; count: number; uniques: number }[] }[] = [];
  for (const kind of ["views", "clones"] as const) {
    let days;
    try {
      days = await ctx.github.traffic(repo.full_name, kind);
    } catch (error) {
      // 403 "Must have push access to repository"; a rate limit 403 is retried by the client and says so.
      if (error instanceof HostError && error.status === 403 && !/rate limit/i.test(error.message)) {
        if (denied === null) ctx.log.info(`${repo.full_name}: traffic not collected: the token may not push to it (said once)`);
        denyTraffic(ctx.db, repo.id, error.message, now);
        return;
      }
      throw error;
    }
    const rows = days.map((d) => ({ day: dayOf(d.timestamp), count: d.count, uniques: d.uniques }));
    // The answer speaks for the last 14 days, today included, even where it lists no entry.
    const first = rows.map((r) => r.day).sort()[0];
    const from = addDays(dayOf(now), -13);
    answers.push({ kind, from: first !== undefined && first < from ? first : from, rows });
  }
  saveTraffic(ctx.db, repo.id, answers, now);
}
