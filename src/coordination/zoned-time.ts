/**
 * Wall-clock time in an IANA timezone, to walk cron slots day by day. Only Intl is used, so
 * the answer follows the same timezone data node-cron reads.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

export function wallTimeOf(instantMs: number, zone: string): WallTime {
  if (zone === "UTC") {
    const d = new Date(instantMs);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

function asUtcMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/**
 * The instant showing wall time `w` in `zone`. A wall time skipped by a DST jump maps to an
 * instant whose wall time differs; callers check the instant against the cron expression.
 */
export function instantOf(w: WallTime, zone: string): number {
  const guess = asUtcMs(w);
  if (zone === "UTC") return guess;
  const offsetAt = (ms: number) => asUtcMs(wallTimeOf(ms, zone)) - Math.floor(ms / 1000) * 1000;
  const first = guess - offsetAt(guess);
  const second = guess - offsetAt(first);
  return second;
}

/** The calendar day `n` days after `w` (wall-clock arithmetic, time of day kept). */
export function addWallDays(w: WallTime, n: number): WallTime {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + n));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function secondsOfDay(hour: number, minute: number, second: number): number {
  return hour * 3600 + minute * 60 + second;
}
