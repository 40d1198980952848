-- oss-pulse schema, version 2: registry packages and their downloads.
-- Only what the registries said is stored here; 30-day sums and daily figures derived from
-- totals are computed by the model (src/model/downloads.ts), so they can be recomputed.

-- A package on one registry, by its canonical name (PyPI normalised, Docker `library/x`), so that
-- two spellings in the config share one series. `status` 'gone' marks a package the registry no
-- longer knows; its history is kept and it is tried again on the next run.
CREATE TABLE packages (
  id            INTEGER PRIMARY KEY,
  registry      TEXT NOT NULL,
  name          TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'gone')),
  status_reason TEXT,
  status_at     TEXT,
  first_seen_at TEXT NOT NULL,
  UNIQUE (registry, name)
);

CREATE TABLE project_packages (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, package_id)
) WITHOUT ROWID;
CREATE INDEX project_packages_by_package ON project_packages (package_id);

-- Downloads per UTC day as the registry published them (npm, pypistats, crates.io). A row is a
-- published figure, 0 included; a day without a row is unknown, never zero. Re-fetching a day
-- overwrites it (a registry may correct a recent day).
CREATE TABLE package_downloads (
  package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  day        TEXT NOT NULL,
  downloads  INTEGER NOT NULL CHECK (downloads >= 0),
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;

-- Days asked for that the registry had not published yet. They are fetched again by the next
-- collect and the row is deleted when the figure arrives; meanwhile the 30-day sum that needs
-- them says "pending" rather than "missing". `since` is when the day was first found pending.
CREATE TABLE package_pending_days (
  package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  day        TEXT NOT NULL,
  since      TEXT NOT NULL,
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;

-- What the registry said on a day: all-time `total` (Docker pulls, crates.io, Hugging Face,
-- release assets) and/or `last30` when it states a 30-day figure (Hugging Face); NULL when it
-- does not say. `extra` is a JSON object of other raw counts (likes, stars). One row per
-- package per UTC day: a second snapshot on the same day replaces the first.
CREATE TABLE package_snapshots (
  package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  day        TEXT NOT NULL,
  taken_at   TEXT NOT NULL,
  total      INTEGER CHECK (total >= 0),
  last30     INTEGER CHECK (last30 >= 0),
  extra      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;

-- A total lower than the previous snapshot's (a counter reset, a deleted asset, a rename).
-- Recorded so that it can be explained; the model never turns it into negative downloads.
CREATE TABLE package_total_drops (
  package_id     INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
  day            TEXT NOT NULL,
  previous_day   TEXT NOT NULL,
  previous_total INTEGER NOT NULL,
  total          INTEGER NOT NULL,
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;

-- Daily figures per package with names, for analysts.
CREATE VIEW daily_package_downloads AS
SELECT p.registry, p.name, d.day, d.downloads
FROM package_downloads d JOIN packages p ON p.id = d.package_id;
