import { addDays, dayOf, minDay } from "../../util/time.js";
import { joinUrl } from "../http.js";
import { parseWith } from "../../util/validate.js";
import { laterDay, publishedSeries } from "../series.js";
import type { RegistryCollector } from "../types.js";
import { CrateDownloads, CrateInfo } from "./schema.js";

// crates.io: ASCII letters, digits, '-' and '_', starting with a letter, at most 64 characters
// (rust-lang/crates.io crates_io_database models/krate.rs).
const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** The downloads endpoint covers the last 90 days (crates.io recent_crate_downloads). */
const KEPT_DAYS = 90;

export const crates: RegistryCollector<"crates"> = {
  id: "crates",
  title: "crates.io",
  historyDays: KEPT_DAYS,
  // The crates.io data access policy asks for at most one request a second and a User-Agent
  // that identifies the application (crates.io/data-access); the config may not go below 1 s.
  defaults: {
    baseUrl: "https://crates.io",
    userAgent: "oss-pulse (https://github.com/oss-pulse/oss-pulse)",
    minIntervalMs: 1000,
  },
  nameProblem(name) {
    if (!NAME_RE.test(name)) return `${JSON.stringify(name)} is not a valid crate name (letters, digits, '-', '_'; at most 64)`;
    return null;
  },
  // crates.io looks names up without regard to case.
  normalizeName: (name) => name.toLowerCase(),
  async snapshot(name, ctx) {
    const source = `crates:${name}`;
    const body = parseWith(CrateInfo, await ctx.http.getJson(joinUrl(ctx.baseUrl, `/api/v1/crates/${name}`), { source }), source);
    const extra: Record<string, number> = {};
    if (body.crate.recent_downloads !== null) extra.recent90 = body.crate.recent_downloads;
    return { total: body.crate.downloads, last30: null, extra };
  },
  async history(name, range, ctx) {
    const source = `crates:${name}`;
    const today = dayOf(ctx.now);
    const from = laterDay(range.from, addDays(today, -(KEPT_DAYS - 1)));
    if (from > range.to) return { from, days: [], pending: [] };
    const url = joinUrl(ctx.baseUrl, `/api/v1/crates/${name}/downloads`);
    const leftOut: string[] = [];
    const body = parseWith(CrateDownloads(ctx.now), await ctx.http.getJson(url, { source }), source, leftOut);
    const figures = new Map<string, number>();
    let newest: string | null = null;
    for (const row of [...body.version_downloads, ...body.meta.extra_downloads]) {
      figures.set(row.date, (figures.get(row.date) ?? 0) + row.downloads);
      if (newest === null || row.date > newest) newest = row.date;
    }
    // Today is still counting, so it is pending; earlier days are re-fetched by every collect
    // within the 30-day window, which corrects a day whose download logs arrived late.
    // An answer without a single row publishes nothing: every day stays pending, none becomes 0.
    return { ...publishedSeries(from, range.to, newest === null ? null : minDay(newest, addDays(today, -1)), figures), leftOut };
  },
};
