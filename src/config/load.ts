import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, errorMessage } from "../errors.js";
import { packageRoot } from "../util/paths.js";
import { registerSecret } from "../util/secrets.js";
import { type Config, configSchema } from "./schema.js";

export const DEFAULT_CONFIG_PATH = "config/oss-pulse.yaml";
export const EXAMPLE_CONFIG_PATH = join(packageRoot, "config", "oss-pulse.example.yaml");

export interface LoadedConfig {
  config: Config;
  /** The file actually read. */
  path: string;
  /** True when no config was given and the shipped example was used. */
  usedExample: boolean;
}

/**
 * Reads and validates the config. Every problem is collected and thrown at once as
 * `path: message` lines; nothing has been written when this throws.
 */
export function loadConfig(path: string | undefined): LoadedConfig {
  let file = path ?? DEFAULT_CONFIG_PATH;
  let usedExample = false;
  if (!existsSync(file)) {
    if (path !== undefined) throw new ConfigError([`${file}: no such file`]);
    file = EXAMPLE_CONFIG_PATH;
    usedExample = true;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}): check its permissions, or name another file with --config`]);
  }
  return { config: parseConfig(text, file), path: file, usedExample };
}

export function parseConfig(text: string, source = "config"): Config {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${source}: ${e.message.split("\n")[0]}`));
  }
  let data: unknown;
  try {
    // The yaml library refuses a document whose aliases expand past a limit (a "billion laughs" bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([`${source}: ${errorMessage(error).split("\n")[0]}`]);
  }
  const result = configSchema.safeParse(data ?? {});
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  return result.data;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
      continue;
    }
    lines.push(`${formatPath(issue.path)}: ${issue.message}`);
  }
  return lines;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * GitHub tokens come from the environment only: GITHUB_TOKENS (several, comma or space
 * separated), else GITHUB_TOKEN, else GH_TOKEN. A variable set but blank is an error.
 */
export function loadTokens(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const read = (name: string): string[] | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    const values = raw.split(/[\s,]+/).filter((v) => v.length > 0);
    if (values.length === 0) problems.push(`${name}: is set but empty`);
    return values;
  };
  const tokens = read("GITHUB_TOKENS") ?? read("GITHUB_TOKEN") ?? read("GH_TOKEN") ?? [];
  if (problems.length > 0) throw new ConfigError(problems);
  for (const token of tokens) registerSecret(token);
  return tokens;
}
