import { z } from "zod";

/** Base URLs and options per registry. */
export const registriesConfigSchema = z.strictObject({}).prefault({});
