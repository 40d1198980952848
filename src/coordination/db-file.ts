import { statSync } from "node:fs";

/**
 * Which file a database path names: its device and inode. A daemon holds its database open for
 * days; when someone deletes or replaces the file under it, the daemon's handle still points at
 * the old inode, and everything it writes from then on lands in a file nobody can open, while a
 * second daemon would start on the new one. Comparing the path's inode with the one opened
 * tells the two apart.
 */
export interface DbFileWatch {
  /** Null while the path still names the file opened; else what happened to it. */
  check(): string | null;
}

export function watchDbFile(path: string): DbFileWatch | null {
  const opened = identity(path);
  if (opened === null) return null; // In memory, or not a file oss-pulse can stat: nothing to watch.
  return {
    check() {
      const now = identity(path);
      if (now === null) return `the database file ${path} was deleted`;
      if (now.dev !== opened.dev || now.ino !== opened.ino) return `the database file ${path} was replaced by another file`;
      return null;
    },
  };
}

function identity(path: string): { dev: number; ino: number } | null {
  try {
    const s = statSync(path);
    return s.isFile() ? { dev: s.dev, ino: s.ino } : null;
  } catch {
    return null;
  }
}
