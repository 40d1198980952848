-- oss-pulse schema, version 3: leases, so that one process at a time writes.
-- "daemon" is held by a running daemon for its whole life (a second daemon refuses to start);
-- "writer" is held while a collection runs, by the daemon or by the CLI.
-- A lease is renewed while held. It may be taken over once `expires_at` has passed, or at once
-- when `host` is this machine and process `pid` no longer exists (killed with SIGKILL).
-- `owner` is a random id of one acquisition: only it can renew or release the row.
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  owner       TEXT NOT NULL,
  host        TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  renewed_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);
