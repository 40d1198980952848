import { z } from "zod";
import { countSchema, daySchema } from "../http.js";

/** `GET /api/packages/{package}/overall`: one row per day and category (with or without mirrors). */
export const PypiOverall = z.object({
  data: z.array(z.object({ category: z.string(), date: daySchema, downloads: countSchema })),
});
export type PypiOverall = z.infer<typeof PypiOverall>;
