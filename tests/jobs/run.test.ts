import { describe, expect, it } from "vitest";
import { runStatus } from "../../src/jobs/run.js";
import { STOPPING, type TargetResult } from "../../src/store/runs.js";

const ok: TargetResult = { target: "o/ok", outcome: "ok" };
const gone: TargetResult = { target: "o/gone", outcome: "gone", error: "404" };
const failed: TargetResult = { target: "o/failed", outcome: "failed", error: "502" };
const stopped: TargetResult = { target: "o/later", outcome: "skipped", error: STOPPING };

describe("a run's status from its targets", () => {
  it.each([
    ["every target ended well (gone is a lasting answer, not a failure)", [ok, gone], { fatal: false, stoppedEarly: false }, "ok"],
    ["some target failed", [ok, failed], { fatal: false, stoppedEarly: false }, "partial"],
    ["no target succeeded", [failed], { fatal: false, stoppedEarly: false }, "failed"],
    ["a fatal error (a rejected token), whatever the targets", [ok], { fatal: true, stoppedEarly: false }, "failed"],
    ["stopped before all targets were done, even with a failure", [ok, failed, stopped], { fatal: false, stoppedEarly: true }, "interrupted"],
    ["a fatal error outranks a stop", [stopped], { fatal: true, stoppedEarly: true }, "failed"],
    ["no targets at all", [], { fatal: false, stoppedEarly: false }, "ok"],
  ] as const)("%s", (_name, targets, options, expected) => {
    expect(runStatus(targets, options)).toBe(expected);
  });
});
