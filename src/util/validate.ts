import type { z } from "zod";
import { ResponseShapeError } from "../errors.js";

/**
 * Validates a response against its schema. Drift becomes a ResponseShapeError naming the source
 * and each field (the first five), so that nothing from that response is written.
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, source: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ResponseShapeError(
    source,
    result.error.issues.slice(0, 5).map((issue) => `${issue.path.length ? issue.path.join(".") : "(body)"}: ${issue.message}`),
  );
}
