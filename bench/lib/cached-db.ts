import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type GeneratedDatabase, type GenerateOptions, generateDatabase } from "./generate-db.js";

/** Where generated databases are kept between runs (git ignores it). */
export const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bench", ".cache");

/**
 * A generated database, made once per set of parameters and generator source: the key holds
 * the options and a hash of generate-db.ts, so a change of either makes a new one. The file is
 * written under a temporary name and renamed when complete. Treat it as read-only: copy it
 * before writing to it.
 */
export function cachedDatabase(options: Omit<GenerateOptions, "configPath">): GeneratedDatabase {
  const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "generate-db.js"));
  const version = createHash("sha256").update(source).digest("hex").slice(0, 10);
  const key = `${options.projects}x${options.years}-seed${options.seed ?? 1}-${options.endDay ?? "default"}-${version}`;
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `${key}.db`);
  const meta = join(CACHE_DIR, `${key}.json`);
  if (existsSync(path) && existsSync(meta)) return JSON.parse(readFileSync(meta, "utf8")) as GeneratedDatabase;
  const partial = join(CACHE_DIR, `${key}.partial.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  const made = generateDatabase(partial, { ...options, configPath: join(CACHE_DIR, `${key}.yaml`) });
  renameSync(partial, path);
  const result: GeneratedDatabase = { ...made, path };
  writeFileSync(meta, JSON.stringify(result, null, 2));
  return result;
}
