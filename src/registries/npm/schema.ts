import { z } from "zod";
import { countSchema, daySchema } from "../http.js";

/** `GET /downloads/point/last-day/{package}`: `end` is the newest day npm has published. */
export const NpmPoint = z.object({ end: daySchema });
export type NpmPoint = z.infer<typeof NpmPoint>;

/** `GET /downloads/range/{from}:{to}/{package}`. */
export const NpmRange = z.object({
  start: daySchema,
  end: daySchema,
  downloads: z.array(z.object({ day: daySchema, downloads: countSchema })),
});
export type NpmRange = z.infer<typeof NpmRange>;
