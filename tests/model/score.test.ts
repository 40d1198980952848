import { describe, expect, it } from "vitest";
import { SEED_MODEL, modelSchema } from "../../src/config/schema.js";
import { type ProjectData, evaluate } from "../../src/model/evaluate.js";
import { paramsHash, scoreDay, windowSums } from "../../src/model/score.js";

const zero = { commits: 0, issues_opened: 0, issues_closed: 0, prs_opened: 0, prs_merged: 0, releases: 0 };

describe("scoreDay", () => {
  it.each([
    ["an idle project scores 0, not minus infinity", { activity: 0, contributors: 0, users: 0 }, 0],
    ["the seed model adds ln(1+A), N and U", { activity: Math.E - 1, contributors: 3, users: 10 }, 14],
  ])("%s", (_name, parts, f) => {
    const s = scoreDay(SEED_MODEL, "2026-01-01", { ...parts, missing: [] });
    expect(s.f).toBeCloseTo(f, 10);
    expect(s.complete).toBe(true);
  });

  it("leaves f unknown when a part is missing, never treating it as zero", () => {
    const s = scoreDay(SEED_MODEL, "2026-01-01", { activity: 5, contributors: 2, users: null, missing: ["stars:o/r"] });
    expect(s.f).toBeNull();
    expect(s.d).toBeNull();
    expect(s.b).toBeCloseTo(Math.log(6));
    expect(s.complete).toBe(false);
  });

  it("gives each weighted part's share of f", () => {
    const model = modelSchema.parse({ name: "x", alpha: 2, k: 1, m: 1, n: 1 });
    const s = scoreDay(model, "2026-01-01", { activity: Math.E - 1, contributors: 1, users: 1, missing: [] });
    expect(s.f).toBeCloseTo(4);
    expect(s.bShare).toBeCloseTo(0.5);
    expect(s.cShare).toBeCloseTo(0.25);
    expect(s.dShare).toBeCloseTo(0.25);
  });
});

describe("paramsHash", () => {
  it("ignores the name and description but not a weight", () => {
    const a = modelSchema.parse({ name: "a", description: "one" });
    const b = modelSchema.parse({ name: "b" });
    const c = modelSchema.parse({ name: "a", events: { commits: 2 } });
    expect(paramsHash(a)).toBe(paramsHash(b));
    expect(paramsHash(a)).not.toBe(paramsHash(c));
  });
});

describe("windowSums", () => {
  it("sums the trailing window, day included", () => {
    expect(windowSums([1, 2, 3, 4, 5], 3)).toEqual([1, 3, 6, 9, 12]);
    expect(windowSums([1, 2], 1)).toEqual([1, 2]);
  });
});

function project(overrides: Partial<ProjectData> = {}): ProjectData {
  const cov = { from: "2026-01-01", to: "2026-01-10" };
  // The commits were read from the very beginning (a backfill, or a crawl that met the root commit).
  const whole = { from: "0001-01-01", to: "2026-01-10" };
  return {
    name: "p",
    repos: [
      {
        name: "o/r",
        createdDay: "2026-01-01",
        goneDay: null,
        streams: { commits: whole, issues: cov, releases: cov, stars: { from: null, to: null } },
        snapshots: new Map([["2026-01-10", 7]]),
        firstSnapshot: "2026-01-10",
        starsAdded: [],
      },
    ],
    events: new Map([
      ["2026-01-02", { ...zero, commits: 2, issues_opened: 1 }],
      ["2026-01-09", { ...zero, prs_merged: 1, releases: 1 }],
    ]),
    contributorDays: new Map([
      ["alice", ["2026-01-02", "2026-01-09"]],
      ["bob@example.com", ["2026-01-09"]],
    ]),
    firstDay: "2026-01-02",
    ...overrides,
  };
}

describe("evaluate", () => {
  const model = modelSchema.parse({ name: "w", window: 7 });

  it("sums weighted events over the window and counts contributors once", () => {
    const [last] = evaluate(project(), model, "2026-01-10", "2026-01-10");
    // Window 2026-01-04..10: one merged PR and one release.
    expect(last!.activity).toBe(2);
    expect(last!.contributors).toBe(2);
    expect(last!.users).toBe(7);
    expect(last!.f).toBeCloseTo(Math.log(3) + 2 + 7);
  });

  it("counts active contributors within the window only", () => {
    const active = modelSchema.parse({ name: "a", window: 3, contributors: "active" });
    const scores = evaluate(project(), active, "2026-01-04", "2026-01-10");
    expect(scores.map((s) => s.contributors)).toEqual([1, 0, 0, 0, 0, 2, 2]);
  });

  it("names the stars it lacks on a day without a snapshot", () => {
    const [day9] = evaluate(project(), model, "2026-01-09", "2026-01-09");
    expect(day9!.users).toBeNull();
    expect(day9!.missing).toContain("stars:o/r");
    expect(day9!.f).toBeNull();
  });

  it("marks activity missing when the window reaches before what was collected", () => {
    const data = project();
    data.repos[0]!.createdDay = "2025-12-01";
    data.repos[0]!.streams.commits = { from: "2026-01-01", to: "2026-01-10" };
    const [s] = evaluate(data, model, "2026-01-05", "2026-01-05");
    expect(s!.activity).toBeNull();
    expect(s!.missing).toEqual(expect.arrayContaining(["commits:o/r", "issues:o/r", "releases:o/r", "contributors:o/r"]));
  });

  it("needs the whole commit history for cumulative N, even for a repo created inside the window", () => {
    const data = project();
    data.repos[0]!.streams.commits = { from: "2026-01-01", to: "2026-01-10" };
    const [s] = evaluate(data, model, "2026-01-10", "2026-01-10");
    expect(s!.activity).toBe(2);
    expect(s!.contributors).toBeNull();
    expect(s!.missing).toEqual(["contributors:o/r"]);
  });

  it("does not count a day past the last sync as complete", () => {
    const [s] = evaluate(project(), model, "2026-01-11", "2026-01-11");
    expect(s!.missing).toEqual(expect.arrayContaining(["commits:o/r", "issues:o/r", "releases:o/r", "contributors:o/r", "stars:o/r"]));
  });

  it("counts nothing of a repo from the day it was found deleted", () => {
    const data = project();
    data.repos[0]!.goneDay = "2026-01-08";
    data.repos[0]!.streams.commits.to = "2026-01-07";
    data.repos[0]!.streams.issues = { from: "2026-01-01", to: "2026-01-07" };
    data.repos[0]!.streams.releases = { from: "2026-01-01", to: "2026-01-07" };
    const [s] = evaluate(data, model, "2026-01-12", "2026-01-12");
    expect(s!.missing).toEqual([]);
    expect(s!.users).toBe(0);
  });

  it("uses retained stars from the star history before tracking started", () => {
    const data = project();
    data.repos[0]!.streams.stars = { from: "2026-01-01", to: "2026-01-10" };
    data.repos[0]!.starsAdded = [["2026-01-03", 2], ["2026-01-05", 3]];
    const scores = evaluate(data, model, "2026-01-04", "2026-01-05");
    expect(scores.map((s) => s.users)).toEqual([2, 5]);
  });
});
