import nock from "nock";
import { describe, expect, it } from "vitest";
import { ResponseShapeError, UnavailableError } from "../../src/errors.js";
import { downloads30 } from "../../src/model/downloads.js";
import { huggingfaceDataset, huggingfaceModel } from "../../src/registries/huggingface/index.js";
import { HTML_429, contextFor, fakeTime, useNock } from "./helpers.js";

const API = "https://huggingface.co";
const EXPAND = { "expand[]": ["downloads", "downloadsAllTime", "likes"] };

describe("Hugging Face", () => {
  useNock();

  it("asks for every field it reads with expand[] (a whitelist) and reads a model's counts", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/models/google-bert/bert-base-uncased")
      .query(EXPAND)
      .reply(200, { _id: "621ffdc036468d709f174338", id: "google-bert/bert-base-uncased", downloads: 60_000_000, downloadsAllTime: 1_500_000_000, likes: 2300 });
    const snapshot = await huggingfaceModel.snapshot!("google-bert/bert-base-uncased", contextFor(huggingfaceModel, time));
    scope.done();
    expect(snapshot).toEqual({ total: 1_500_000_000, last30: 60_000_000, extra: { likes: 2300 } });
  });

  it("reads a dataset from /api/datasets", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/datasets/openai/gsm8k")
      .query(EXPAND)
      .reply(200, { id: "openai/gsm8k", downloads: 400_000, downloadsAllTime: 9_000_000, likes: 900 });
    const snapshot = await huggingfaceDataset.snapshot!("openai/gsm8k", contextFor(huggingfaceDataset, time));
    scope.done();
    expect(snapshot.last30).toBe(400_000);
  });

  it("has no history: the stated 30-day figure counts from the first day, totals give daily differences", async () => {
    expect(huggingfaceModel.history).toBeUndefined();
    const snapshots: { day: string; total: number | null; last30: number | null }[] = [];
    for (const [day, last30, total] of [["2026-11-20", 600, 10_000], ["2026-11-21", 610, 10_020]] as const) {
      const time = fakeTime(`${day}T03:00:00Z`);
      const scope = nock(API).get("/api/models/acme/tiny").query(EXPAND).reply(200, { downloads: last30, downloadsAllTime: total, likes: 1 });
      const snapshot = await huggingfaceModel.snapshot!("acme/tiny", contextFor(huggingfaceModel, time));
      scope.done();
      snapshots.push({ day, total: snapshot.total, last30: snapshot.last30 });
    }
    expect(downloads30({ daily: [], pending: [], snapshots }, ["2026-11-20", "2026-11-21", "2026-11-22"])).toEqual([
      { day: "2026-11-20", downloads: 600, method: "stated" },
      { day: "2026-11-21", downloads: 610, method: "stated" },
      { day: "2026-11-22", downloads: null, missing: "no snapshot of the total on 2026-11-22" },
    ]);
  });

  it.each([401, 404])("a repository that does not exist (%i: the Hub hides private ones) is 'gone'", async (status) => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/models/acme/missing")
      .query(EXPAND)
      .reply(status, { error: "Repository not found" }, { "x-error-code": "RepoNotFound" });
    const error = await huggingfaceModel.snapshot!("acme/missing", contextFor(huggingfaceModel, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).target).toBe("huggingface-model:acme/missing");
  });

  it("backs off on a 429 (HTML, then Retry-After), then goes on", async () => {
    const time = fakeTime();
    const scope = nock(API)
      .get("/api/models/acme/tiny")
      .query(EXPAND)
      .reply(429, HTML_429, { "content-type": "text/html" })
      .get("/api/models/acme/tiny")
      .query(EXPAND)
      .reply(429, { error: "rate limited" }, { "retry-after": "3" })
      .get("/api/models/acme/tiny")
      .query(EXPAND)
      .reply(200, { downloads: 1, downloadsAllTime: 2, likes: 0 });
    const snapshot = await huggingfaceModel.snapshot!("acme/tiny", contextFor(huggingfaceModel, time));
    scope.done();
    expect(snapshot.total).toBe(2);
    expect(time.sleeps).toEqual([1000, 3000]);
  });

  it("a response without an expanded field (the whitelist dropped it) is a ResponseShapeError naming it", async () => {
    const time = fakeTime();
    const scope = nock(API).get("/api/models/acme/tiny").query(EXPAND).reply(200, { _id: "x", id: "acme/tiny", downloads: 1, likes: 0 });
    const error = await huggingfaceModel.snapshot!("acme/tiny", contextFor(huggingfaceModel, time)).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(String(error)).toMatch(/huggingface-model:acme\/tiny: unexpected response: downloadsAllTime: /);
  });

  it.each([
    ["google-bert/bert-base-uncased", null],
    ["meta-llama/Llama-3.1-8B", null],
    ["bert-base-uncased", 'use "owner/name"'],
    ["acme/bad--name", "not a valid Hugging Face repository id"],
    ["acme/.hidden", "not a valid Hugging Face repository id"],
    ["acme/" + "x".repeat(97), "not a valid Hugging Face repository id"],
  ])("name %s: %s", (name, problem) => {
    if (problem === null) expect(huggingfaceModel.nameProblem(name)).toBeNull();
    else expect(huggingfaceDataset.nameProblem(name)).toContain(problem);
  });
});
