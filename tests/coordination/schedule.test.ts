import cron from "node-cron";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CronSchedule } from "../../src/coordination/schedule.js";

const at = (iso: string) => new Date(iso);
const schedules: CronSchedule[] = [];
function schedule(expression: string, timezone = "UTC"): CronSchedule {
  const s = new CronSchedule(expression, timezone);
  schedules.push(s);
  return s;
}

afterEach(() => {
  for (const s of schedules.splice(0)) s.dispose();
  vi.useRealTimers();
});

describe("CronSchedule.previous: the latest slot at or before now", () => {
  it.each([
    ["daily, later the same day", "0 3 * * *", "UTC", "2026-01-10T04:00:00Z", "2026-01-10T03:00:00.000Z"],
    ["daily, before today's slot", "0 3 * * *", "UTC", "2026-01-10T02:59:59Z", "2026-01-09T03:00:00.000Z"],
    ["daily, exactly on the slot", "0 3 * * *", "UTC", "2026-01-10T03:00:00Z", "2026-01-10T03:00:00.000Z"],
    ["every two seconds (6 fields)", "*/2 * * * * *", "UTC", "2026-01-10T04:00:05.500Z", "2026-01-10T04:00:04.000Z"],
    ["weekly on Monday, from a Saturday", "0 9 * * 1", "UTC", "2026-01-10T12:00:00Z", "2026-01-05T09:00:00.000Z"],
    ["a nickname", "@daily", "UTC", "2026-01-10T12:00:00Z", "2026-01-10T00:00:00.000Z"],
    ["last day of the month", "0 0 L * *", "UTC", "2026-03-15T00:00:00Z", "2026-02-28T00:00:00.000Z"],
    ["29 February, years back", "0 0 29 2 *", "UTC", "2027-06-01T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["in a timezone (Paris, winter: UTC+1)", "0 3 * * *", "Europe/Paris", "2026-01-10T12:00:00Z", "2026-01-10T02:00:00.000Z"],
    ["in a timezone (Paris, summer: UTC+2)", "0 3 * * *", "Europe/Paris", "2026-07-10T12:00:00Z", "2026-07-10T01:00:00.000Z"],
    ["a time inside the spring-forward gap skips that day", "30 2 * * *", "America/New_York", "2026-03-08T12:00:00Z", "2026-03-07T07:30:00.000Z"],
  ])("%s", (_name, expression, zone, now, expected) => {
    expect(schedule(expression, zone).previous(at(now))?.toISOString()).toBe(expected);
  });
});

describe("CronSchedule.next: the earliest slot after now", () => {
  it.each([
    ["daily, on the slot itself", "0 3 * * *", "UTC", "2026-01-10T03:00:00Z", "2026-01-11T03:00:00.000Z"],
    ["every two seconds", "*/2 * * * * *", "UTC", "2026-01-10T04:00:05.500Z", "2026-01-10T04:00:06.000Z"],
    ["in New York across the spring-forward day", "30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-09T06:30:00.000Z"],
  ])("%s", (_name, expression, zone, now, expected) => {
    expect(schedule(expression, zone).next(at(now))?.toISOString()).toBe(expected);
  });

  // node-cron is the reference for the meaning of an expression: its own forward search must
  // agree with ours, and no slot may lie between previous(t) and next(t).
  it.each([
    ["0 3 * * *", "UTC"],
    ["*/15 * * * *", "Europe/Paris"],
    ["0 9 * * 1-5", "America/New_York"],
    ["0 0 L * *", "Asia/Tokyo"],
    ["0 30 1 * * 0", "Europe/London"],
    ["0 0 12 15W * *", "UTC"],
  ])("agrees with node-cron for %s (%s)", (expression, zone) => {
    const s = schedule(expression, zone);
    const reference = cron.createTask(expression, () => undefined, { timezone: zone });
    try {
      vi.useFakeTimers();
      // Every 37 hours through a year with both DST changes in it.
      for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 37 * 3_600_000) {
        vi.setSystemTime(t);
        const now = new Date(t);
        const next = s.next(now)!;
        expect(next.toISOString()).toBe(reference.getNextRuns(1)[0]!.toISOString());
        const previous = s.previous(now)!;
        expect(previous.getTime()).toBeLessThanOrEqual(t);
        expect(s.next(previous)!.toISOString()).toBe(next.toISOString());
        expect(reference.match(previous)).toBe(true);
      }
    } finally {
      void reference.destroy();
    }
  });
});
