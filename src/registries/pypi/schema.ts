import { z } from "zod";
import { countSchema, daySchema } from "../http.js";

/** `GET /api/packages/{package}/overall`: one row per day and category (with or without mirrors); days checked against `now`. */
export const PypiOverall = (now: Date) =>
  z.object({
    data: z.array(z.object({ category: z.string(), date: daySchema(now), downloads: countSchema })),
  });
export type PypiOverall = z.infer<ReturnType<typeof PypiOverall>>;
