import { crates } from "./crates/index.js";
import { docker } from "./docker/index.js";
import { githubReleases } from "./github-releases/index.js";
import { huggingfaceDataset, huggingfaceModel } from "./huggingface/index.js";
import { npm } from "./npm/index.js";
import { pypi } from "./pypi/index.js";
import type { RegistryCollector } from "./types.js";

/**
 * Every registry collector oss-pulse has: one line each. A test checks this list against the
 * folders: an id is its folder's name, or the folder's name and a suffix (huggingface-model).
 */
export const collectors = [
  npm,
  pypi,
  crates,
  docker,
  huggingfaceModel,
  huggingfaceDataset,
  githubReleases,
] as const satisfies readonly RegistryCollector[];

export type RegistryId = (typeof collectors)[number]["id"];
export const registryIds: string[] = collectors.map((c: RegistryCollector) => c.id);

export function getCollector(id: string): RegistryCollector | undefined {
  return (collectors as readonly RegistryCollector[]).find((c) => c.id === id);
}

export function packageNameProblem(registry: string, name: string): string | null {
  const collector = getCollector(registry);
  if (!collector) return `unknown registry "${registry}"`;
  return collector.nameProblem(name);
}
