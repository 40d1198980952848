import { toIso } from "../util/time.js";
import type { Db } from "./open.js";

/** The streams whose newest state the snapshot reports (see migrations/0009_change_markers.sql). */
export type MarkedStream = "commits" | "issues" | "releases";

export type Markers = Record<MarkedStream, string | null>;

/** What the last successful sync of each stream saw; null where none has been recorded. */
export function getMarkers(db: Db, repoId: number): Markers {
  const markers: Markers = { commits: null, issues: null, releases: null };
  const rows = db.prepare("SELECT stream, marker FROM change_markers WHERE repo_id = ?").all(repoId) as { stream: MarkedStream; marker: string }[];
  for (const row of rows) markers[row.stream] = row.marker;
  return markers;
}

export function setMarker(db: Db, repoId: number, stream: MarkedStream, marker: string, now: Date): void {
  db.prepare(
    `INSERT INTO change_markers (repo_id, stream, marker, seen_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (repo_id, stream) DO UPDATE SET marker = excluded.marker, seen_at = excluded.seen_at`,
  ).run(repoId, stream, marker, toIso(now));
}
