import { type WriteStream, createWriteStream, mkdirSync, openSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError, FatalError, errorMessage } from "../errors.js";
import { fileKind } from "./sqlite-file.js";

/**
 * The one rule for every file a command writes: an SQLite database is never overwritten, and
 * no other existing file is either unless `force` is given. Checked before any work is done.
 */
export function outputFileProblem(path: string, flag: string, force: boolean): string | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return null; // absent: free to write
  }
  if (stat.isDirectory()) return `${flag}: ${path} is a directory; name a file`;
  if (fileKind(path) === "sqlite") return `${flag}: ${path} is an SQLite database; refusing to overwrite it (even with --force)`;
  if (!force) return `${flag}: ${path} already exists; pass --force to overwrite it`;
  return null;
}

/** Writes `content` to `path` under the rule above, creating its directory. Throws ConfigError (exit 2) when refused. */
export function writeOutputFile(path: string, content: string, options: { flag: string; force: boolean }): void {
  const problem = outputFileProblem(path, options.flag, options.force);
  if (problem) throw new ConfigError([problem]);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  } catch (error) {
    throw new FatalError(`cannot write ${path}: ${fileProblem(error)}; choose another ${options.flag}`);
  }
}

/** A stream to `path` under the same rule, for output written as it is made. */
export function openOutputStream(path: string, options: { flag: string; force: boolean }): WriteStream {
  const problem = outputFileProblem(path, options.flag, options.force);
  if (problem) throw new ConfigError([problem]);
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Opened now, so that a path that cannot be written fails here, before any work.
    return createWriteStream(path, { fd: openSync(path, "w") });
  } catch (error) {
    throw new FatalError(`cannot write ${path}: ${fileProblem(error)}; choose another ${options.flag}`);
  }
}

/** What a failed file-system call means, in words (EACCES and friends say little to most people). */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOTDIR":
    case "EEXIST":
      return "a part of the path is a file, not a directory";
    case "ENOENT":
      return "a directory on the path does not exist";
    case "ENOSPC":
      return "the disk is full";
    default:
      return errorMessage(error);
  }
}

