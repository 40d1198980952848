import { z } from "zod";
import { countSchema, daySchema } from "../http.js";

/** `GET /api/v1/crates/{name}`: all-time downloads, and the last 90 days' (null for some crates). */
export const CrateInfo = z.object({
  crate: z.object({ downloads: countSchema, recent_downloads: countSchema.nullable() }),
});
export type CrateInfo = z.infer<typeof CrateInfo>;

const DayRow = (now: Date) => z.object({ date: daySchema(now), downloads: countSchema });

/**
 * `GET /api/v1/crates/{name}/downloads` (days checked against `now`): the last 90 days, per day for the newest versions and
 * summed per day for all the others (rust-lang/crates.io src/controllers/krate/downloads.rs).
 */
export const CrateDownloads = (now: Date) =>
  z.object({
    version_downloads: z.array(DayRow(now)),
    meta: z.object({ extra_downloads: z.array(DayRow(now)) }),
  });
export type CrateDownloads = z.infer<ReturnType<typeof CrateDownloads>>;
