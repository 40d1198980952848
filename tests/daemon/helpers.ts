import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDb } from "../../src/store/open.js";

/** A migrated database in a fresh temporary directory. */
export function tempDb(): { db: Db; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), "oss-pulse-daemon-")), "pulse.db");
  return { db: openDb(path), path };
}

export function insertRun(db: Db, run: { kind?: string; trigger?: string; status: string; startedAt: string; error?: string }): number {
  const info = db
    .prepare("INSERT INTO runs (kind, trigger, started_at, finished_at, status, error, pid) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(run.kind ?? "collect", run.trigger ?? "schedule", run.startedAt, run.startedAt, run.status, run.error ?? null, 1);
  return Number(info.lastInsertRowid);
}
