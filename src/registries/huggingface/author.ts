import { z } from "zod";
import { HostError, ResponseShapeError } from "../../errors.js";
import { parseWith } from "../../util/validate.js";
import { countSchema, joinUrl } from "../http.js";
import type { CollectorContext, PackageSnapshot } from "../types.js";
import { huggingfaceDataset, huggingfaceModel } from "./index.js";

/**
 * One item of `GET /api/models?author=NAME` (and /api/datasets) with
 * `expand[]=downloads&expand[]=downloadsAllTime&expand[]=likes`: the same counts as the info
 * endpoint (schema.ts), for every repository of the author in one answer a page
 * (https://huggingface.co/docs/hub/api#get-apimodels; huggingface_hub hf_api.py list_models).
 */
export const HfListItem = z.object({ id: z.string(), downloads: countSchema, downloadsAllTime: countSchema, likes: countSchema });
export type HfListItem = z.infer<typeof HfListItem>;

export interface AuthorPackage {
  name: string;
  snapshot: PackageSnapshot;
}

const KINDS = { "huggingface-model": { kind: "models", collector: huggingfaceModel }, "huggingface-dataset": { kind: "datasets", collector: huggingfaceDataset } } as const;

/** Registries whose packages can be tracked as "author/*". */
export const AUTHOR_REGISTRIES = Object.keys(KINDS);

const PAGE = 1000;
const EXPAND = ["downloads", "downloadsAllTime", "likes"].map((field) => `expand%5B%5D=${field}`).join("&");

/** The problem with an author name for a registry, or null (checked like a repository id's first part). */
export function authorProblem(registry: string, author: string): string | null {
  const entry = KINDS[registry as keyof typeof KINDS];
  if (!entry) return `registry "${registry}" cannot list an author's packages (only ${AUTHOR_REGISTRIES.join(", ")})`;
  return entry.collector.nameProblem(`${author}/x`) === null ? null : `${JSON.stringify(author)} is not a valid Hugging Face author`;
}

/**
 * Every public repository of an author with its counts, one request a page of 1000, following
 * the `Link` rel="next" header only within the same listing on the configured host. Each id is
 * checked like a configured name (a name from the server builds no URL unchecked) and must be
 * the author's; one bad id refuses the whole listing.
 */
export async function listAuthor(registry: string, author: string, ctx: CollectorContext): Promise<AuthorPackage[]> {
  const entry = KINDS[registry as keyof typeof KINDS];
  if (!entry) throw new Error(authorProblem(registry, author) ?? registry);
  const source = `${registry}:${author}/*`;
  const first = `${joinUrl(ctx.baseUrl, `/api/${entry.kind}`)}?author=${encodeURIComponent(author)}&limit=${PAGE}&${EXPAND}`;
  const base = new URL(first);
  const out: AuthorPackage[] = [];
  const seen = new Set<string>();
  for (let url: string | null = first; url !== null; ) {
    if (seen.has(url)) throw new HostError(`${source}: the listing's next page repeats itself`, base.host);
    seen.add(url);
    let link: string | null = null;
    const body = await ctx.http.getJson(url, { source, onHeaders: (h) => (link = h.get("link")) });
    for (const item of parseWith(z.array(HfListItem), body, source)) {
      const problem = entry.collector.nameProblem(item.id);
      if (problem || item.id.split("/")[0]!.toLowerCase() !== author.toLowerCase()) {
        throw new ResponseShapeError(source, [`id: ${problem ?? `${JSON.stringify(item.id)} is not a repository of ${author}`}`]);
      }
      out.push({ name: item.id, snapshot: { total: item.downloadsAllTime, last30: item.downloads, extra: { likes: item.likes } } });
    }
    url = nextPage(link, base);
  }
  return out;
}

/** The `rel="next"` target when it is the same listing on the same host; null at the end. */
function nextPage(link: string | null, base: URL): string | null {
  const match = (link ?? "").match(/<([^>]+)>;\s*rel="next"/);
  if (!match?.[1]) return null;
  const next = new URL(match[1], base);
  if (next.origin !== base.origin || next.pathname !== base.pathname) {
    throw new HostError(`${base.pathname}: the listing's next page points elsewhere (${next.origin}${next.pathname})`, base.host);
  }
  return next.toString();
}
