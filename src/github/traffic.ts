import { z } from "zod";
import { instantAt } from "../util/instant.js";

const count = z.number().int().min(0);
const trafficDay = (now: Date) => z.object({ timestamp: instantAt(now), count, uniques: count });

/**
 * `GET /repos/{owner}/{repo}/traffic/views` and `/traffic/clones` with `per=day`: the totals of
 * the last 14 days and one entry per day, each at UTC midnight, with its count and uniques
 * (https://docs.github.com/rest/metrics/traffic; openapi-types `view-traffic`, `clone-traffic`).
 * Only for a token that may push to the repository; others get 403.
 */
export const ViewTraffic = (now: Date) => z.object({ count, uniques: count, views: z.array(trafficDay(now)) });
export const CloneTraffic = (now: Date) => z.object({ count, uniques: count, clones: z.array(trafficDay(now)) });
export type TrafficDay = z.infer<ReturnType<typeof trafficDay>>;
