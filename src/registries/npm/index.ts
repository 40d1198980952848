import { ResponseShapeError } from "../../errors.js";
import { addDays, dayOf, minDay, type Day } from "../../util/time.js";
import { parseWith } from "../../util/validate.js";
import { joinUrl } from "../http.js";
import { laterDay, publishedSeries } from "../series.js";
import type { CollectorContext, RegistryCollector } from "../types.js";
import { NpmPoint, NpmRange } from "./schema.js";

// Scope and name as npm allows them (npm/validate-npm-package-name): URL-safe, no leading '.' or
// '_', at most 214 characters. Upper case survives only in old names, so it is allowed in the name.
const NAME_RE = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[A-Za-z0-9-~][A-Za-z0-9-._~]*$/;
const EARLIEST = "2015-01-10"; // npm's first day of download counts (npm/registry docs/download-counts.md)
/** Days per range request: well inside npm's 18-month limit. */
const CHUNK_DAYS = 365;

export const npm: RegistryCollector<"npm"> = {
  id: "npm",
  title: "npm",
  historyDays: 548,
  defaults: { baseUrl: "https://api.npmjs.org" },
  nameProblem(name) {
    if (name.length > 214) return "an npm package name has at most 214 characters";
    if (!NAME_RE.test(name)) return `${JSON.stringify(name)} is not a valid npm package name (e.g. "express" or "@scope/name")`;
    return null;
  },
  normalizeName: (name) => name,
  async history(name, range, ctx) {
    const source = `npm:${name}`;
    const from = laterDay(range.from, horizon(ctx.now));
    if (from > range.to) return { from, days: [], pending: [] };
    // A day lands soon after UTC midnight; last-day names the newest day npm has (npm/registry docs/download-counts.md).
    const published = parseWith(NpmPoint(ctx.now), await ctx.http.getJson(url(ctx, "point/last-day", name), { source }), source).end;
    const leftOut: string[] = [];
    const through = minDay(range.to, published) ?? range.to;
    const figures = new Map<Day, number>();
    for (let start = from; start <= through; start = addDays(start, CHUNK_DAYS)) {
      const end = minDay(addDays(start, CHUNK_DAYS - 1), through) ?? through;
      const body = parseWith(NpmRange(ctx.now), await ctx.http.getJson(url(ctx, `range/${start}:${end}`, name), { source }), source, leftOut);
      // npm clips a range it will not serve, silently (npm/registry-issue-archive#206): a start or
      // end other than the one asked for means days are missing, so nothing of it is kept.
      if (body.start !== start || body.end !== end) {
        throw new ResponseShapeError(source, [`start/end: asked for ${start}:${end}, npm answered ${body.start}:${body.end} (clipped)`]);
      }
      for (const row of body.downloads) if (row.day >= start && row.day <= end) figures.set(row.day, row.downloads);
    }
    // npm lists every day of a range, zeros included: a day it leaves out is missing, not 0.
    return { ...publishedSeries(from, range.to, published, figures, "pending"), leftOut };
  },
};

/** The oldest day npm serves for one package: 18 months back from today, plus a day of margin. */
function horizon(now: Date): Day {
  const date = new Date(`${dayOf(now)}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 18);
  return laterDay(addDays(dayOf(date), 1), EARLIEST);
}

// Scoped names go into the path as they are, '@' and '/' included (npm/registry docs/download-counts.md).
function url(ctx: CollectorContext, what: string, name: string): string {
  return joinUrl(ctx.baseUrl, `/downloads/${what}/${name}`);
}
