import nock from "nock";
import { describe, expect, it } from "vitest";
import { HostError, ResponseShapeError } from "../../src/errors.js";
import { authorProblem, listAuthor } from "../../src/registries/huggingface/author.js";
import { huggingfaceDataset, huggingfaceModel } from "../../src/registries/huggingface/index.js";
import { contextFor, fakeTime, useNock } from "./helpers.js";

const API = "https://huggingface.co";
const LIST = { author: "meta-llama", limit: "1000", "expand[]": ["downloads", "downloadsAllTime", "likes"] };
const item = (id: string, downloads: number) => ({ _id: `x-${id}`, id, downloads, downloadsAllTime: downloads * 10, likes: 1 });

// Shape: https://huggingface.co/docs/hub/api#get-apimodels (an array of repository infos with the
// expanded fields; the next page in a Link header, as huggingface.js list-models.ts reads it).
describe("Hugging Face author listing", () => {
  useNock();

  it("reads every page of an author's models, following Link rel=next, with the counts of each", async () => {
    const scope = nock(API)
      .get("/api/models")
      .query(LIST)
      .reply(200, [item("meta-llama/Llama-3.1-8B", 5_000), item("meta-llama/Llama-3.1-70B", 2_000)], {
        link: `<${API}/api/models?author=meta-llama&limit=1000&cursor=abc>; rel="next"`,
      })
      .get("/api/models")
      .query({ author: "meta-llama", limit: "1000", cursor: "abc" })
      .reply(200, [item("meta-llama/Llama-Guard-3-8B", 700)]);
    const packages = await listAuthor("huggingface-model", "meta-llama", contextFor(huggingfaceModel, fakeTime()));
    scope.done();
    expect(packages).toEqual([
      { name: "meta-llama/Llama-3.1-8B", snapshot: { total: 50_000, last30: 5_000, extra: { likes: 1 } } },
      { name: "meta-llama/Llama-3.1-70B", snapshot: { total: 20_000, last30: 2_000, extra: { likes: 1 } } },
      { name: "meta-llama/Llama-Guard-3-8B", snapshot: { total: 7_000, last30: 700, extra: { likes: 1 } } },
    ]);
  });

  it("lists datasets from /api/datasets", async () => {
    const scope = nock(API).get("/api/datasets").query(LIST).reply(200, [item("meta-llama/evals", 3)]);
    const packages = await listAuthor("huggingface-dataset", "meta-llama", contextFor(huggingfaceDataset, fakeTime()));
    scope.done();
    expect(packages.map((p) => p.name)).toEqual(["meta-llama/evals"]);
  });

  it.each([
    ["an id of another author", "someone/else"],
    ["an id that is not a repository id", "meta-llama/../../x"],
  ])("refuses the whole listing on %s", async (_name, id) => {
    const scope = nock(API).get("/api/models").query(LIST).reply(200, [item("meta-llama/ok", 1), item(id, 1)]);
    await expect(listAuthor("huggingface-model", "meta-llama", contextFor(huggingfaceModel, fakeTime()))).rejects.toThrow(ResponseShapeError);
    scope.done();
  });

  it("follows a next page only on the same listing of the same host", async () => {
    const scope = nock(API)
      .get("/api/models")
      .query(LIST)
      .reply(200, [item("meta-llama/a", 1)], { link: `<https://elsewhere.test/api/models?cursor=1>; rel="next"` });
    await expect(listAuthor("huggingface-model", "meta-llama", contextFor(huggingfaceModel, fakeTime()))).rejects.toThrow(HostError);
    scope.done();
  });

  it.each([
    ["huggingface-model", "meta-llama", null],
    ["huggingface-model", "-bad", /not a valid Hugging Face author/],
    ["npm", "meta-llama", /cannot list an author's packages/],
  ])("checks %s author %s", (registry, author, problem) => {
    const found = authorProblem(registry, author);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});
