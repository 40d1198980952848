-- oss-pulse schema, version 1.
-- Raw facts are keyed by natural keys so that every collection is an idempotent upsert.
-- Days are UTC 'YYYY-MM-DD' strings; instants are ISO-8601 UTC strings ending in 'Z'.

CREATE TABLE projects (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- A GitHub repository. `full_name` is the current name; older names live in repo_aliases.
-- Series are keyed by `id` so a rename never splits a history.
CREATE TABLE repos (
  id             INTEGER PRIMARY KEY,
  full_name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  github_id      INTEGER UNIQUE,
  default_branch TEXT,
  created_at     TEXT,
  status         TEXT NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active', 'gone', 'blocked', 'empty')),
  status_reason  TEXT,
  status_at      TEXT,
  first_seen_at  TEXT NOT NULL
);

CREATE TABLE repo_aliases (
  old_name   TEXT PRIMARY KEY COLLATE NOCASE,
  repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  renamed_at TEXT NOT NULL
);

CREATE TABLE project_repos (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, repo_id)
) WITHOUT ROWID;

-- Commits on the default branch. The day a commit counts on is its committer date (UTC).
CREATE TABLE commits (
  repo_id      INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  sha          TEXT NOT NULL,
  committed_at TEXT NOT NULL,
  authored_at  TEXT,
  author_login TEXT,
  author_type  TEXT,
  author_email TEXT,
  author_name  TEXT,
  PRIMARY KEY (repo_id, sha)
) WITHOUT ROWID;
CREATE INDEX commits_by_day ON commits (repo_id, committed_at);

-- Issues and pull requests (GitHub numbers them in one sequence per repo).
CREATE TABLE issues (
  repo_id      INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  number       INTEGER NOT NULL,
  is_pull      INTEGER NOT NULL CHECK (is_pull IN (0, 1)),
  author_login TEXT,
  author_type  TEXT,
  state        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  closed_at    TEXT,
  merged_at    TEXT,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (repo_id, number)
) WITHOUT ROWID;

CREATE TABLE releases (
  repo_id       INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  release_id    INTEGER NOT NULL,
  tag_name      TEXT NOT NULL,
  name          TEXT,
  is_draft      INTEGER NOT NULL CHECK (is_draft IN (0, 1)),
  is_prerelease INTEGER NOT NULL CHECK (is_prerelease IN (0, 1)),
  created_at    TEXT,
  published_at  TEXT,
  PRIMARY KEY (repo_id, release_id)
) WITHOUT ROWID;

-- Current cumulative download count of each release asset (what GitHub says now).
CREATE TABLE release_assets (
  repo_id        INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  asset_id       INTEGER NOT NULL,
  release_id     INTEGER NOT NULL,
  name           TEXT NOT NULL,
  download_count INTEGER NOT NULL,
  updated_at     TEXT,
  PRIMARY KEY (repo_id, asset_id)
) WITHOUT ROWID;

-- One snapshot of counts per repo per UTC day; a second collect on the same day replaces it.
-- NULL means the source did not say (never a fake 0).
CREATE TABLE repo_snapshots (
  repo_id           INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  day               TEXT NOT NULL,
  taken_at          TEXT NOT NULL,
  stars             INTEGER NOT NULL,
  forks             INTEGER,
  watchers          INTEGER,
  open_issues       INTEGER,
  open_prs          INTEGER,
  releases          INTEGER,
  release_downloads INTEGER,
  PRIMARY KEY (repo_id, day)
) WITHOUT ROWID;

-- Stars given on each day that are still present today, from GET /stargazers/history
-- ("retained stars"). Unstars are invisible here: it is not the star count of a past day.
-- The daily snapshots above are the truth from the day tracking starts.
CREATE TABLE star_history (
  repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  day         TEXT NOT NULL,
  stars_added INTEGER NOT NULL,
  PRIMARY KEY (repo_id, day)
) WITHOUT ROWID;

-- What has been collected, per repo and stream: the resume cursor of a crawl in progress,
-- the first day from which the stream is complete, and the instant up to which it is complete.
CREATE TABLE sync_state (
  repo_id      INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  stream       TEXT NOT NULL CHECK (stream IN ('commits', 'issues', 'releases', 'stars')),
  covered_from TEXT,
  synced_to    TEXT,
  cursor       TEXT,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (repo_id, stream)
) WITHOUT ROWID;

-- Validators for conditional requests: the latest first page read from each list endpoint
-- (path without query), with its ETag when that page was the whole list (NULL otherwise: a 304
-- on the first page of a longer list would hide changes further on). It is sent only when the
-- next request is the same URL. `scope` separates identities (GitHub varies on
-- Authorization); it is a label, never a token.
CREATE TABLE http_cache (
  endpoint   TEXT NOT NULL,
  scope      TEXT NOT NULL,
  url        TEXT NOT NULL,
  etag       TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (endpoint, scope)
) WITHOUT ROWID;

CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('collect', 'backfill', 'score')),
  trigger     TEXT NOT NULL DEFAULT 'cli',
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL DEFAULT 'running'
              CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
  requests    INTEGER NOT NULL DEFAULT 0,
  points      INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  pid         INTEGER
);

-- Outcome of one run for one target (a repo `owner/name`, or a package `registry:name`).
CREATE TABLE run_targets (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  target   TEXT NOT NULL,
  outcome  TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'gone', 'blocked', 'empty', 'skipped')),
  error    TEXT,
  requests INTEGER NOT NULL DEFAULT 0,
  points   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, target)
) WITHOUT ROWID;

-- Last rate-limit budget seen per resource.
CREATE TABLE rate_limits (
  resource    TEXT NOT NULL,
  token       TEXT NOT NULL,
  quota       INTEGER NOT NULL,
  remaining   INTEGER NOT NULL,
  reset_at    TEXT NOT NULL,
  observed_at TEXT NOT NULL,
  PRIMARY KEY (resource, token)
) WITHOUT ROWID;

-- The models as last scored: a change of params_hash re-scores the model's whole history.
CREATE TABLE models (
  name        TEXT PRIMARY KEY,
  params_hash TEXT NOT NULL,
  params      TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- f = alpha*B + beta*C + gamma*D with B = k*ln(1+A), C = m*N, D = n*U.
-- A part is NULL when its inputs are unknown; `missing` then names what is missing and f is NULL.
CREATE TABLE scores (
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  model        TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
  day          TEXT NOT NULL,
  params_hash  TEXT NOT NULL,
  activity     REAL,
  contributors INTEGER,
  users        REAL,
  b            REAL,
  c            REAL,
  d            REAL,
  f            REAL,
  -- share of f from each part: alpha*B/f, beta*C/f, gamma*D/f (NULL when f is NULL or 0)
  b_share      REAL,
  c_share      REAL,
  d_share      REAL,
  complete     INTEGER NOT NULL CHECK (complete IN (0, 1)),
  missing      TEXT,
  computed_at  TEXT NOT NULL,
  PRIMARY KEY (project_id, model, day)
) WITHOUT ROWID;

-- Views for analysts ----------------------------------------------------------------------

-- Events per repo per UTC day, by kind, as A(x) counts them (drafts excluded, PRs merged only).
CREATE VIEW daily_repo_activity AS
SELECT repo_id, day,
       SUM(kind = 'commit')        AS commits,
       SUM(kind = 'issue_opened')  AS issues_opened,
       SUM(kind = 'issue_closed')  AS issues_closed,
       SUM(kind = 'pr_opened')     AS prs_opened,
       SUM(kind = 'pr_merged')     AS prs_merged,
       SUM(kind = 'release')       AS releases
FROM (
  SELECT repo_id, substr(committed_at, 1, 10) AS day, 'commit' AS kind FROM commits
  UNION ALL SELECT repo_id, substr(created_at, 1, 10), 'issue_opened' FROM issues WHERE is_pull = 0
  UNION ALL SELECT repo_id, substr(closed_at, 1, 10), 'issue_closed' FROM issues WHERE is_pull = 0 AND closed_at IS NOT NULL
  UNION ALL SELECT repo_id, substr(created_at, 1, 10), 'pr_opened' FROM issues WHERE is_pull = 1
  UNION ALL SELECT repo_id, substr(merged_at, 1, 10), 'pr_merged' FROM issues WHERE is_pull = 1 AND merged_at IS NOT NULL
  UNION ALL SELECT repo_id, substr(published_at, 1, 10), 'release' FROM releases WHERE is_draft = 0 AND published_at IS NOT NULL
)
GROUP BY repo_id, day;

-- The same per project (a repo in two projects counts in both).
CREATE VIEW daily_project_activity AS
SELECT p.name AS project, a.day,
       SUM(a.commits) AS commits, SUM(a.issues_opened) AS issues_opened,
       SUM(a.issues_closed) AS issues_closed, SUM(a.prs_opened) AS prs_opened,
       SUM(a.prs_merged) AS prs_merged, SUM(a.releases) AS releases
FROM daily_repo_activity a
JOIN project_repos pr ON pr.repo_id = a.repo_id
JOIN projects p ON p.id = pr.project_id
GROUP BY p.name, a.day;

-- Daily star and fork counts per repo, from the daily snapshots.
CREATE VIEW daily_repo_metrics AS
SELECT r.full_name AS repo, s.day, s.stars, s.forks, s.watchers, s.open_issues, s.open_prs,
       s.releases, s.release_downloads, s.taken_at
FROM repo_snapshots s JOIN repos r ON r.id = s.repo_id;

-- Every score with its parts and each part's share of f.
CREATE VIEW score_history AS
SELECT p.name AS project, s.model, s.day, s.f,
       s.activity AS a, s.contributors AS n, s.users AS u,
       s.b, s.c, s.d,
       s.b_share, s.c_share, s.d_share,
       s.complete, s.missing, s.params_hash, s.computed_at
FROM scores s JOIN projects p ON p.id = s.project_id;

-- The newest day scored for each project and model.
CREATE VIEW latest_scores AS
SELECT h.* FROM score_history h
WHERE h.day = (SELECT MAX(s2.day) FROM scores s2 JOIN projects p2 ON p2.id = s2.project_id
               WHERE p2.name = h.project AND s2.model = h.model);

-- The newest complete day for each project and model (today is often incomplete: registries
-- publish a day's downloads after it ends).
CREATE VIEW latest_complete_scores AS
SELECT h.* FROM score_history h
WHERE h.day = (SELECT MAX(s2.day) FROM scores s2 JOIN projects p2 ON p2.id = s2.project_id
               WHERE p2.name = h.project AND s2.model = h.model AND s2.complete = 1);
