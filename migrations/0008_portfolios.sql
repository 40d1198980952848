-- oss-pulse schema, version 8: portfolios (every repository of an owner), membership over time.

-- The last complete listing of a GitHub owner's public repositories (GET /orgs/{org}/repos or
-- GET /users/{user}/repos), replaced as a whole after each complete listing. What a project
-- takes from it (forks, archived, name patterns, stars) is decided when membership is synced.
CREATE TABLE owners (
  name            TEXT PRIMARY KEY COLLATE NOCASE,
  kind            TEXT NOT NULL CHECK (kind IN ('org', 'user')),
  first_listed_at TEXT NOT NULL,
  listed_at       TEXT NOT NULL
);

CREATE TABLE owner_repos (
  owner     TEXT NOT NULL COLLATE NOCASE REFERENCES owners(name) ON DELETE CASCADE,
  repo_id   INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  fork      INTEGER NOT NULL CHECK (fork IN (0, 1)),
  archived  INTEGER NOT NULL CHECK (archived IN (0, 1)),
  stars     INTEGER NOT NULL,
  PRIMARY KEY (owner, repo_id)
) WITHOUT ROWID;

-- Where a project's members come from ('config', 'owner:NAME'), and since when. A source seen
-- for the first time brings its members in from the beginning of their history; a member that
-- appears in a source already known joins on the day it appeared.
CREATE TABLE project_sources (
  project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  source        TEXT NOT NULL COLLATE NOCASE,
  first_seen_at TEXT NOT NULL,
  PRIMARY KEY (project_id, source)
) WITHOUT ROWID;

-- Membership of a repository in a project over time: it counts on the days
-- joined_day <= day < left_day (left_day NULL: still a member). joined_day '0001-01-01' means
-- "from the beginning of its history". project_repos keeps the current members (what a collect
-- crawls); this table keeps every interval, so a departed repository's history still counts on
-- the days it belonged. `backfill` is 'pending' until a late joiner's history has been read once.
CREATE TABLE repo_membership (
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  joined_day  TEXT NOT NULL,
  joined_at   TEXT NOT NULL,
  via         TEXT NOT NULL,
  left_day    TEXT,
  left_at     TEXT,
  left_reason TEXT,
  backfill    TEXT CHECK (backfill IN ('pending', 'done')),
  PRIMARY KEY (project_id, repo_id, joined_at)
) WITHOUT ROWID;
CREATE INDEX repo_membership_by_repo ON repo_membership (repo_id);

-- Members from before membership was recorded joined at the beginning: they are no news.
INSERT INTO repo_membership (project_id, repo_id, joined_day, joined_at, via)
  SELECT project_id, repo_id, '0001-01-01', '0001-01-01T00:00:00Z', 'config' FROM project_repos;
INSERT INTO project_sources (project_id, source, first_seen_at)
  SELECT DISTINCT project_id, 'config', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM project_repos;

-- Events per project and day, of the repositories that belonged to the project that day.
DROP VIEW daily_project_activity;
CREATE VIEW daily_project_activity AS
SELECT p.name AS project, a.day,
       SUM(a.commits) AS commits, SUM(a.issues_opened) AS issues_opened,
       SUM(a.issues_closed) AS issues_closed, SUM(a.prs_opened) AS prs_opened,
       SUM(a.prs_merged) AS prs_merged, SUM(a.releases) AS releases
FROM daily_repo_activity a
JOIN repo_membership m ON m.repo_id = a.repo_id AND a.day >= m.joined_day AND (m.left_day IS NULL OR a.day < m.left_day)
JOIN projects p ON p.id = m.project_id
GROUP BY p.name, a.day;

-- The last complete listing of a registry author's public packages (Hugging Face:
-- GET /api/models?author=NAME), replaced as a whole after each complete listing.
CREATE TABLE author_packages (
  registry   TEXT NOT NULL,
  author     TEXT NOT NULL COLLATE NOCASE,
  package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  listed_at  TEXT NOT NULL,
  PRIMARY KEY (registry, author, package_id)
) WITHOUT ROWID;

-- Membership of a package in a project over time, as repo_membership for repositories.
CREATE TABLE package_membership (
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  package_id  INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  joined_day  TEXT NOT NULL,
  joined_at   TEXT NOT NULL,
  via         TEXT NOT NULL,
  left_day    TEXT,
  left_at     TEXT,
  left_reason TEXT,
  PRIMARY KEY (project_id, package_id, joined_at)
) WITHOUT ROWID;
CREATE INDEX package_membership_by_package ON package_membership (package_id);

INSERT INTO package_membership (project_id, package_id, joined_day, joined_at, via)
  SELECT project_id, package_id, '0001-01-01', '0001-01-01T00:00:00Z', 'config' FROM project_packages;

-- Views and clones per repo and UTC day, from GET /repos/{o}/{r}/traffic/views and /clones
-- (GitHub keeps 14 days; oss-pulse keeps them for good). A day the answer covered without an
-- entry is stored as 0. A row fetched on its own day is partial and is rewritten by the next
-- collect; a day is complete once a row for it was fetched after it ended (fetched_at).
CREATE TABLE repo_traffic (
  repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('views', 'clones')),
  day        TEXT NOT NULL,
  count      INTEGER NOT NULL CHECK (count >= 0),
  uniques    INTEGER NOT NULL CHECK (uniques >= 0),
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (repo_id, kind, day)
) WITHOUT ROWID;

-- Repos whose traffic the token may not read (403: no push access): not asked again for 30 days,
-- and said once, when first refused.
CREATE TABLE traffic_denied (
  repo_id   INTEGER PRIMARY KEY REFERENCES repos(id) ON DELETE CASCADE,
  reason    TEXT NOT NULL,
  denied_at TEXT NOT NULL
);

-- Traffic feeds U when a model weighs it: a new or changed day marks its repo for re-scoring,
-- as the facts of 0007 do; a refusal recorded or lifted changes every day of the repo.
CREATE TRIGGER repo_traffic_mark_insert AFTER INSERT ON repo_traffic BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER repo_traffic_mark_update AFTER UPDATE ON repo_traffic
WHEN OLD.count IS NOT NEW.count OR OLD.fetched_at IS NOT NEW.fetched_at BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER traffic_denied_mark_insert AFTER INSERT ON traffic_denied BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER traffic_denied_mark_delete AFTER DELETE ON traffic_denied BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
