import { describe, expect, it } from "vitest";
import { modelSchema } from "../../src/config/schema.js";
import { type ProjectData, type RepoData, evaluate } from "../../src/model/evaluate.js";
import { dayRange } from "../../src/util/time.js";

const zero = { commits: 0, issues_opened: 0, issues_closed: 0, prs_opened: 0, prs_merged: 0, releases: 0 };
const DAYS = dayRange("2026-01-01", "2026-01-10");

/** A repo complete over the ten days, with `commits` commits a day and constant stars. */
function repo(name: string, commits: number, stars: number, contributors: [string, string][], member?: RepoData["member"]): RepoData {
  const whole = { from: "0001-01-01", to: "2026-01-10" };
  const days = new Map<string, string[]>();
  for (const [who, day] of contributors) days.set(who, [...(days.get(who) ?? []), day]);
  return {
    name,
    createdDay: "2025-12-01",
    goneDay: null,
    streams: { commits: whole, issues: whole, releases: whole, stars: { from: null, to: null } },
    snapshots: new Map(DAYS.map((d) => [d, stars])),
    firstSnapshot: DAYS[0]!,
    starsAdded: [],
    events: new Map(DAYS.map((d) => [d, { ...zero, commits }])),
    contributorDays: days,
    ...(member ? { member } : {}),
  };
}

function projectOf(repos: RepoData[]): ProjectData {
  // The project-wide aggregates, as the store gives them: every repo, every day.
  const events = new Map(DAYS.map((d) => [d, { ...zero, commits: repos.reduce((s, r) => s + (r.events!.get(d)?.commits ?? 0), 0) }]));
  const contributorDays = new Map<string, string[]>();
  for (const r of repos) for (const [who, days] of r.contributorDays!) contributorDays.set(who, [...new Set([...(contributorDays.get(who) ?? []), ...days])].sort());
  return { name: "p", repos, events, contributorDays, firstDay: DAYS[0]! };
}

describe("evaluate with membership intervals", () => {
  const model = modelSchema.parse({ name: "m", window: 3 });
  const always = repo("o/always", 1, 100, [["alice", "2026-01-01"]]);
  // Joined on the 5th, left on the 8th: it counts on the 5th, 6th and 7th.
  const visitor = repo("o/visitor", 10, 50, [["alice", "2026-01-02"], ["bob", "2026-01-06"]], [{ from: "2026-01-05", to: "2026-01-08" }]);
  const scores = evaluate(projectOf([always, visitor]), model, "2026-01-03", "2026-01-09");
  const on = (day: string) => scores.find((s) => s.day === day)!;

  it.each([
    ["before it joined", "2026-01-04", { activity: 3, contributors: 1, users: 100 }],
    ["the day it joined: its whole window counts", "2026-01-05", { activity: 33, contributors: 1, users: 150 }],
    ["while a member: its contributors once, the shared one deduplicated", "2026-01-07", { activity: 33, contributors: 2, users: 150 }],
    ["from the day it left: nothing of it counts", "2026-01-08", { activity: 3, contributors: 1, users: 100 }],
  ])("counts the repo only on its days: %s", (_name, day, parts) => {
    expect(on(day)).toMatchObject({ ...parts, complete: true });
  });

  it("scores every day once, in order, across the cuts", () => {
    expect(scores.map((s) => s.day)).toEqual(dayRange("2026-01-03", "2026-01-09"));
  });

  it("counts a package's downloads only on the days it belonged", () => {
    const withPackage = evaluate(projectOf([always]), model, "2026-01-04", "2026-01-06", [
      { label: "npm:x", values: [7, 7, 7], member: [{ from: "2026-01-05", to: null }] },
    ]);
    expect(withPackage.map((s) => s.users)).toEqual([100, 107, 107]);
  });

  it("needs no data for a part weighed 0", () => {
    const noStars = modelSchema.parse({ name: "n", window: 3, users: { stars: 0 } });
    const unknownStars = { ...always, snapshots: new Map<string, number>(), firstSnapshot: null };
    const [s] = evaluate(projectOf([unknownStars]), noStars, "2026-01-05", "2026-01-05");
    expect(s).toMatchObject({ users: 0, complete: true });
  });
});
