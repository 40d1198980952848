-- oss-pulse schema, version 9: what the last sync saw of each stream, so a repository where
-- nothing moved is not listed again. A marker is GitHub's own word for the stream's newest state
-- (the default branch's head oid, the newest updatedAt of issues and pull requests, the newest
-- release, or the repository's pushed_at without a token); it is written only after the stream's
-- crawl succeeded, so a failed crawl is retried the next day.
CREATE TABLE change_markers (
  repo_id  INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  stream   TEXT NOT NULL CHECK (stream IN ('commits', 'issues', 'releases')),
  marker   TEXT NOT NULL,
  seen_at  TEXT NOT NULL,
  PRIMARY KEY (repo_id, stream)
) WITHOUT ROWID;
