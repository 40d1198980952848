import { joinUrl } from "../http.js";
import { parseWith } from "../../util/validate.js";
import type { RegistryCollector } from "../types.js";
import { DockerRepository } from "./schema.js";

// Namespaces and repository names: lower-case letters and digits, single separators '.', '_', '-'.
const PART_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

// Official images live in the "library" namespace (badges/shields services/docker/docker-helpers.js).
function normalizeName(name: string): string {
  return name.includes("/") ? name : `library/${name}`;
}

export const docker: RegistryCollector<"docker"> = {
  id: "docker",
  title: "Docker Hub",
  historyDays: 0,
  defaults: { baseUrl: "https://hub.docker.com" },
  nameProblem(name) {
    const parts = name.split("/");
    if (parts.length > 2) return `${JSON.stringify(name)} is not a Docker Hub repository: use "namespace/name", or "name" for an official image`;
    const bad = parts.find((part) => part.length > 255 || !PART_RE.test(part));
    if (bad !== undefined) return `${JSON.stringify(bad)} is not a valid Docker Hub name (lower-case letters, digits, '.', '_', '-')`;
    return null;
  },
  normalizeName,
  async snapshot(name, ctx) {
    const source = `docker:${name}`;
    const [namespace, repository] = normalizeName(name).split("/") as [string, string];
    const url = joinUrl(ctx.baseUrl, `/v2/namespaces/${namespace}/repositories/${repository}`);
    const body = parseWith(DockerRepository, await ctx.http.getJson(url, { source }), source);
    // pull_count is cumulative since the repository was created; Docker Hub keeps no history of it.
    const extra: Record<string, number> = {};
    if (body.star_count !== undefined) extra.stars = body.star_count;
    return { total: body.pull_count, last30: null, extra };
  },
};
