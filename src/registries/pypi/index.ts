import { addDays, dayOf, minDay } from "../../util/time.js";
import { joinUrl } from "../http.js";
import { parseWith } from "../../util/validate.js";
import { laterDay, publishedSeries } from "../series.js";
import type { RegistryCollector } from "../types.js";
import { PypiOverall } from "./schema.js";

// A valid project name (PEP 508): letters, digits, '.', '_', '-', starting and ending with a letter or digit.
const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** pypistats keeps 180 days of daily figures (psf/pypistats.org pypistats/templates/api.html). */
const KEPT_DAYS = 180;

export const pypi: RegistryCollector<"pypi"> = {
  id: "pypi",
  title: "PyPI (pypistats.org)",
  historyDays: KEPT_DAYS,
  defaults: { baseUrl: "https://pypistats.org" },
  nameProblem(name) {
    if (!NAME_RE.test(name)) return `${JSON.stringify(name)} is not a valid PyPI project name`;
    return null;
  },
  // PEP 503: lower case, and every run of '-', '_', '.' becomes one '-'; pypistats keys projects so.
  normalizeName: (name) => name.toLowerCase().replace(/[-_.]+/g, "-"),
  async history(name, range, ctx) {
    const source = `pypi:${name}`;
    const today = dayOf(ctx.now);
    const from = laterDay(range.from, addDays(today, -(KEPT_DAYS - 1)));
    if (from > range.to) return { from, days: [], pending: [] };
    // One request returns every day pypistats keeps; "without_mirrors" counts real installs only.
    const leftOut: string[] = [];
    const body = parseWith(PypiOverall(ctx.now), await ctx.http.getJson(joinUrl(ctx.baseUrl, `/api/packages/${name}/overall`), { source }), source, leftOut);
    const figures = new Map<string, number>();
    let newest: string | null = null;
    for (const row of body.data) {
      if (newest === null || row.date > newest) newest = row.date;
      if (row.category === "without_mirrors") figures.set(row.date, (figures.get(row.date) ?? 0) + row.downloads);
    }
    // pypistats omits days without downloads, so an absent day up to the newest day it lists is 0;
    // later days (and today, never complete) are pending. A package without a single download in
    // 180 days therefore stays pending: zeros we cannot tell from "not published yet" are not written.
    // An answer without a single row publishes nothing: every day stays pending, none becomes 0.
    return { ...publishedSeries(from, range.to, newest === null ? null : minDay(newest, addDays(today, -1)), figures), leftOut };
  },
};
