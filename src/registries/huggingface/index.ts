import { parseWith } from "../../util/validate.js";
import { joinUrl } from "../http.js";
import type { RegistryCollector } from "../types.js";
import { HfRepoInfo } from "./schema.js";

// Repository ids as huggingface_hub validates them (utils/_validators.py validate_repo_id):
// "owner/name", letters, digits, '-', '_', '.', at most 96 each, no "--" or "..", no '-' or '.' at either end.
const PART_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

// expand[] is a whitelist: the answer holds only the fields named, so every field read is asked for.
const EXPAND = new URLSearchParams(["downloads", "downloadsAllTime", "likes"].map((field): [string, string] => ["expand[]", field])).toString();

/** One collector per kind of repository: a model and a dataset may share a name. */
function huggingFace<Id extends string>(id: Id, kind: "models" | "datasets"): RegistryCollector<Id> {
  return {
    id,
    title: `Hugging Face ${kind}`,
    historyDays: 0,
    defaults: { baseUrl: "https://huggingface.co" },
    nameProblem(name) {
      const parts = name.split("/");
      if (parts.length !== 2) return `${JSON.stringify(name)} is not a Hugging Face repository id: use "owner/name"`;
      if (parts.some((part) => !PART_RE.test(part) || part.includes("--") || part.includes(".."))) {
        return `${JSON.stringify(name)} is not a valid Hugging Face repository id`;
      }
      return null;
    },
    normalizeName: (name) => name,
    async snapshot(name, ctx) {
      const source = `${id}:${name}`;
      const url = `${joinUrl(ctx.baseUrl, `/api/${kind}/${name}`)}?${EXPAND}`;
      // The Hub answers 401, not 404, for a repository that does not exist, so as not to reveal
      // private ones (huggingface_hub utils/_http.py, hf_raise_for_status: RepositoryNotFoundError).
      const body = parseWith(HfRepoInfo, await ctx.http.getJson(url, { source, goneStatuses: [401, 404] }), source);
      return { total: body.downloadsAllTime, last30: body.downloads, extra: { likes: body.likes } };
    },
  };
}

export const huggingfaceModel = huggingFace("huggingface-model", "models");
export const huggingfaceDataset = huggingFace("huggingface-dataset", "datasets");
