import { ConfigError } from "../errors.js";
import type { Config, ProjectConfig } from "./schema.js";

/**
 * The configured projects that `--project` names (in any case), in the order given; every
 * project when no name is given. Every command checks its names here, before it writes
 * anything, and a name the config does not know is refused with all the others at once.
 */
export function selectProjects(config: Config, names?: readonly string[]): ProjectConfig[] {
  if (!names) return config.projects;
  const find = (name: string) => config.projects.find((p) => p.name.toLowerCase() === name.toLowerCase());
  const unknown = names.filter((name) => !find(name));
  if (unknown.length > 0) throw new ConfigError(unknown.map((name) => `--project: no project named "${name}" in the config`));
  return [...new Set(names.map((name) => find(name)!))];
}
