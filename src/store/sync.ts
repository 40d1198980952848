import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

export type Stream = "commits" | "issues" | "releases" | "stars";

/** The resume point of a crawl: the next page to ask for, and what the crawl started from. */
export interface Cursor {
  next?: string | null;
  since?: string;
  /** Incremental issue crawls: the page within equal `updated_at` values, and its size. */
  page?: number;
  perPage?: number;
  /** A commit crawl that met the root commit has read the whole history. */
  reachedRoot?: boolean;
  /** Backfill: where the crawl will end and what it covers when done. */
  mode?: "collect" | "backfill";
  coversFrom?: string;
  startedAt?: string;
}

export interface SyncState {
  coveredFrom: string | null;
  syncedTo: string | null;
  cursor: Cursor | null;
}

export function getSync(db: Db, repoId: number, stream: Stream): SyncState | undefined {
  const row = db.prepare("SELECT covered_from, synced_to, cursor FROM sync_state WHERE repo_id = ? AND stream = ?").get(repoId, stream) as
    | { covered_from: string | null; synced_to: string | null; cursor: string | null }
    | undefined;
  if (!row) return undefined;
  return { coveredFrom: row.covered_from, syncedTo: row.synced_to, cursor: row.cursor ? (JSON.parse(row.cursor) as Cursor) : null };
}

/** Writes the cursor (call inside the page's transaction). */
export function saveCursor(db: Db, repoId: number, stream: Stream, cursor: Cursor | null, now: Date): void {
  db.prepare(
    `INSERT INTO sync_state (repo_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (repo_id, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
  ).run(repoId, stream, cursor ? JSON.stringify(cursor) : null, toIso(now));
}

/** A crawl finished: the stream is complete from `coveredFrom` (kept if already earlier) up to `syncedTo`. */
export function completeSync(db: Db, repoId: number, stream: Stream, coveredFrom: string | null, syncedTo: Date, now: Date): void {
  db.prepare(
    `INSERT INTO sync_state (repo_id, stream, covered_from, synced_to, cursor, updated_at) VALUES (?, ?, ?, ?, NULL, ?)
     ON CONFLICT (repo_id, stream) DO UPDATE SET
       covered_from = CASE WHEN sync_state.covered_from IS NULL OR excluded.covered_from < sync_state.covered_from
                           THEN excluded.covered_from ELSE sync_state.covered_from END,
       synced_to = CASE WHEN sync_state.synced_to IS NULL OR excluded.synced_to > sync_state.synced_to
                        THEN excluded.synced_to ELSE sync_state.synced_to END,
       cursor = NULL, updated_at = excluded.updated_at`,
  ).run(repoId, stream, coveredFrom, toIso(syncedTo), toIso(now));
}

export function getEtag(db: Db, url: string, scope: string): string | undefined {
  const row = db.prepare("SELECT url, etag FROM http_cache WHERE endpoint = ? AND scope = ?").get(endpointOf(url), scope) as
    | { url: string; etag: string | null }
    | undefined;
  return row && row.url === url && row.etag !== null ? row.etag : undefined;
}

/**
 * Records the first page of a list read from an endpoint (call in the page's transaction).
 * Its ETag is kept only when that page was the whole list: then a 304 means nothing changed.
 */
export function saveFirstPage(db: Db, page: { url: string; scope: string; etag: string | null; next: string | null }, now: Date): void {
  const number = new URLSearchParams(page.url.split("?")[1] ?? "").get("page");
  if (number !== null && number !== "1") return;
  db.prepare(
    `INSERT INTO http_cache (endpoint, scope, url, etag, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (endpoint, scope) DO UPDATE SET url = excluded.url, etag = excluded.etag, updated_at = excluded.updated_at`,
  ).run(endpointOf(page.url), page.scope, page.url, page.next === null ? page.etag : null, toIso(now));
}

function endpointOf(url: string): string {
  return url.split("?")[0] ?? url;
}

/** Per stream, the instant up to which a repo's stream is complete (null: never synced). */
export function syncedToByStream(db: Db, repoId: number): Record<Stream, string | null> {
  const syncedTo: Record<Stream, string | null> = { commits: null, issues: null, releases: null, stars: null };
  const rows = db.prepare("SELECT stream, synced_to FROM sync_state WHERE repo_id = ?").all(repoId) as { stream: Stream; synced_to: string | null }[];
  for (const row of rows) syncedTo[row.stream] = row.synced_to;
  return syncedTo;
}
