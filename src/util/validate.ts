import type { z } from "zod";
import { ResponseShapeError } from "../errors.js";
import { parseLeavingOut } from "./instant.js";

/**
 * Validates a response against its schema. Drift becomes a ResponseShapeError naming the source
 * and each field (the first five), so that nothing from that response is written.
 * With `leftOut`, a list item whose only problem is a date out of range is left out and
 * described there (the rest of the answer is kept); without it, such an item fails the answer.
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, source: string, leftOut?: string[]): z.output<S> {
  const result = leftOut ? parseLeavingOut(schema as z.ZodType<z.output<S>>, data) : schema.safeParse(data);
  if (result.success) {
    if (leftOut && "leftOut" in result) leftOut.push(...result.leftOut.map((item) => `${source}: left out ${item}`));
    return result.data as z.output<S>;
  }
  const issues = "error" in result ? result.error.issues : result.issues;
  throw new ResponseShapeError(
    source,
    issues.slice(0, 5).map((issue) => `${issue.path.length ? issue.path.join(".") : "(body)"}: ${issue.message}`),
  );
}
