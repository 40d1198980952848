import { z } from "zod";
import { countSchema, daySchema } from "../http.js";

// Days are checked against the `now` each schema is made for (src/util/instant.ts).

/** `GET /downloads/point/last-day/{package}`: `end` is the newest day npm has published. */
export const NpmPoint = (now: Date) => z.object({ end: daySchema(now) });
export type NpmPoint = z.infer<ReturnType<typeof NpmPoint>>;

/** `GET /downloads/range/{from}:{to}/{package}`. */
export const NpmRange = (now: Date) =>
  z.object({
    start: daySchema(now),
    end: daySchema(now),
    downloads: z.array(z.object({ day: daySchema(now), downloads: countSchema })),
  });
export type NpmRange = z.infer<ReturnType<typeof NpmRange>>;
