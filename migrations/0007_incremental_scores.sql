-- Incremental scoring and linear latest-score views.
--
-- score_dirty: the earliest day whose inputs changed since the scorer last looked, per repo,
-- package or project. The triggers below write it whenever a fact that feeds a score is
-- inserted, changed or deleted, whatever code (or analyst) writes it; the scorer folds the
-- repo and package marks into their projects, re-scores each marked project from its mark to
-- today, and clears the mark. '0001-01-01' means the whole history.
CREATE TABLE score_dirty (
  scope    TEXT NOT NULL CHECK (scope IN ('repo', 'package', 'project')),
  id       INTEGER NOT NULL,
  from_day TEXT NOT NULL,
  PRIMARY KEY (scope, id)
) WITHOUT ROWID;

-- What the scorer knew when it last scored a project: the first day of its history, and a hash
-- of the config inputs that are not model parameters (the bot list).
CREATE TABLE score_state (
  project_id  INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  first_day   TEXT,
  inputs_hash TEXT NOT NULL
);

-- Each contributor's first counted day in a project (bots excluded), kept by the scorer so that
-- re-scoring recent days needs only recent commits to know who is new.
CREATE TABLE score_contributors (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  who        TEXT NOT NULL,
  first_day  TEXT NOT NULL,
  PRIMARY KEY (project_id, who)
) WITHOUT ROWID;

-- The newest complete day of a series is one seek, like the newest day (the primary key).
CREATE INDEX scores_complete ON scores (project_id, model, day) WHERE complete = 1;

-- Facts never move between repos or packages (the id is part of every key), so each trigger
-- marks the row's own repo or package. An update marks the earlier of the old and new days of
-- what changed, and only when something the scorer reads changed.

CREATE TRIGGER commits_mark_insert AFTER INSERT ON commits BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, substr(NEW.committed_at, 1, 10))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER commits_mark_update AFTER UPDATE ON commits
WHEN OLD.committed_at IS NOT NEW.committed_at OR OLD.author_login IS NOT NEW.author_login
  OR OLD.author_type IS NOT NEW.author_type OR OLD.author_email IS NOT NEW.author_email BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, min(substr(OLD.committed_at, 1, 10), substr(NEW.committed_at, 1, 10)))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER commits_mark_delete AFTER DELETE ON commits BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, substr(OLD.committed_at, 1, 10))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER issues_mark_insert AFTER INSERT ON issues BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, min(substr(NEW.created_at, 1, 10),
    COALESCE(substr(NEW.closed_at, 1, 10), '9999-12-31'), COALESCE(substr(NEW.merged_at, 1, 10), '9999-12-31')))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
-- An issue updated on GitHub (a comment, a label) changes updated_at and state only: no mark.
CREATE TRIGGER issues_mark_update AFTER UPDATE ON issues
WHEN OLD.is_pull IS NOT NEW.is_pull OR OLD.created_at IS NOT NEW.created_at
  OR OLD.closed_at IS NOT NEW.closed_at OR OLD.merged_at IS NOT NEW.merged_at BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, min(
    CASE WHEN OLD.is_pull IS NOT NEW.is_pull OR OLD.created_at IS NOT NEW.created_at
         THEN min(substr(OLD.created_at, 1, 10), substr(NEW.created_at, 1, 10)) ELSE '9999-12-31' END,
    CASE WHEN OLD.is_pull IS NOT NEW.is_pull OR OLD.closed_at IS NOT NEW.closed_at
         THEN min(COALESCE(substr(OLD.closed_at, 1, 10), '9999-12-31'), COALESCE(substr(NEW.closed_at, 1, 10), '9999-12-31')) ELSE '9999-12-31' END,
    CASE WHEN OLD.is_pull IS NOT NEW.is_pull OR OLD.merged_at IS NOT NEW.merged_at
         THEN min(COALESCE(substr(OLD.merged_at, 1, 10), '9999-12-31'), COALESCE(substr(NEW.merged_at, 1, 10), '9999-12-31')) ELSE '9999-12-31' END))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER issues_mark_delete AFTER DELETE ON issues BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, min(substr(OLD.created_at, 1, 10),
    COALESCE(substr(OLD.closed_at, 1, 10), '9999-12-31'), COALESCE(substr(OLD.merged_at, 1, 10), '9999-12-31')))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER releases_mark_insert AFTER INSERT ON releases WHEN NEW.published_at IS NOT NULL BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, substr(NEW.published_at, 1, 10))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER releases_mark_update AFTER UPDATE ON releases
WHEN OLD.published_at IS NOT NEW.published_at OR OLD.is_draft IS NOT NEW.is_draft BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id,
    min(COALESCE(substr(OLD.published_at, 1, 10), '9999-12-31'), COALESCE(substr(NEW.published_at, 1, 10), '9999-12-31')))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER releases_mark_delete AFTER DELETE ON releases WHEN OLD.published_at IS NOT NULL BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, substr(OLD.published_at, 1, 10))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER repo_snapshots_mark_insert AFTER INSERT ON repo_snapshots BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER repo_snapshots_mark_update AFTER UPDATE ON repo_snapshots
WHEN OLD.stars IS NOT NEW.stars OR OLD.day IS NOT NEW.day BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, min(OLD.day, NEW.day))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER repo_snapshots_mark_delete AFTER DELETE ON repo_snapshots BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, OLD.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER star_history_mark_insert AFTER INSERT ON star_history BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER star_history_mark_update AFTER UPDATE ON star_history
WHEN OLD.stars_added IS NOT NEW.stars_added OR OLD.day IS NOT NEW.day BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, min(OLD.day, NEW.day))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER star_history_mark_delete AFTER DELETE ON star_history BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, OLD.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

-- A stream synced up to an instant is complete on the days before that instant's day: synced
-- further, the days from the old instant's day on change; a change of where it is covered from
-- touches every day.
CREATE TRIGGER sync_state_mark_insert AFTER INSERT ON sync_state BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER sync_state_mark_update AFTER UPDATE ON sync_state
WHEN OLD.covered_from IS NOT NEW.covered_from OR OLD.synced_to IS NOT NEW.synced_to OR OLD.stream IS NOT NEW.stream BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.repo_id,
    CASE WHEN OLD.covered_from IS NOT NEW.covered_from OR OLD.stream IS NOT NEW.stream
           OR OLD.synced_to IS NULL OR NEW.synced_to IS NULL THEN '0001-01-01'
         ELSE substr(min(OLD.synced_to, NEW.synced_to), 1, 10) END)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER sync_state_mark_delete AFTER DELETE ON sync_state BEGIN
  INSERT INTO score_dirty VALUES ('repo', OLD.repo_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

-- A repo's name (in what a score lacks) or creation day touches every day; found gone or
-- blocked, the days from then on.
CREATE TRIGGER repos_mark_update AFTER UPDATE ON repos
WHEN OLD.full_name IS NOT NEW.full_name COLLATE BINARY OR OLD.created_at IS NOT NEW.created_at
  OR (CASE WHEN OLD.status IN ('gone', 'blocked') THEN substr(OLD.status_at, 1, 10) END)
     IS NOT (CASE WHEN NEW.status IN ('gone', 'blocked') THEN substr(NEW.status_at, 1, 10) END) BEGIN
  INSERT INTO score_dirty VALUES ('repo', NEW.id,
    CASE WHEN OLD.full_name IS NOT NEW.full_name COLLATE BINARY OR OLD.created_at IS NOT NEW.created_at THEN '0001-01-01'
         ELSE min(COALESCE(CASE WHEN OLD.status IN ('gone', 'blocked') THEN substr(OLD.status_at, 1, 10) END, '9999-12-31'),
                  COALESCE(CASE WHEN NEW.status IN ('gone', 'blocked') THEN substr(NEW.status_at, 1, 10) END, '9999-12-31')) END)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER project_repos_mark_insert AFTER INSERT ON project_repos BEGIN
  INSERT INTO score_dirty VALUES ('project', NEW.project_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER project_repos_mark_delete AFTER DELETE ON project_repos BEGIN
  INSERT INTO score_dirty VALUES ('project', OLD.project_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER project_packages_mark_insert AFTER INSERT ON project_packages BEGIN
  INSERT INTO score_dirty VALUES ('project', NEW.project_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER project_packages_mark_delete AFTER DELETE ON project_packages BEGIN
  INSERT INTO score_dirty VALUES ('project', OLD.project_id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

-- A package's label (in what a score lacks) touches every day.
CREATE TRIGGER packages_mark_update AFTER UPDATE ON packages
WHEN OLD.registry IS NOT NEW.registry OR OLD.name IS NOT NEW.name BEGIN
  INSERT INTO score_dirty VALUES ('package', NEW.id, '0001-01-01')
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER package_downloads_mark_insert AFTER INSERT ON package_downloads BEGIN
  INSERT INTO score_dirty VALUES ('package', NEW.package_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER package_downloads_mark_update AFTER UPDATE ON package_downloads
WHEN OLD.downloads IS NOT NEW.downloads OR OLD.day IS NOT NEW.day BEGIN
  INSERT INTO score_dirty VALUES ('package', NEW.package_id, min(OLD.day, NEW.day))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER package_downloads_mark_delete AFTER DELETE ON package_downloads BEGIN
  INSERT INTO score_dirty VALUES ('package', OLD.package_id, OLD.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER package_pending_days_mark_insert AFTER INSERT ON package_pending_days BEGIN
  INSERT INTO score_dirty VALUES ('package', NEW.package_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER package_pending_days_mark_delete AFTER DELETE ON package_pending_days BEGIN
  INSERT INTO score_dirty VALUES ('package', OLD.package_id, OLD.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

CREATE TRIGGER package_snapshots_mark_insert AFTER INSERT ON package_snapshots BEGIN
  INSERT INTO score_dirty VALUES ('package', NEW.package_id, NEW.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER package_snapshots_mark_update AFTER UPDATE ON package_snapshots
WHEN OLD.total IS NOT NEW.total OR OLD.last30 IS NOT NEW.last30 OR OLD.day IS NOT NEW.day BEGIN
  INSERT INTO score_dirty VALUES ('package', NEW.package_id, min(OLD.day, NEW.day))
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;
CREATE TRIGGER package_snapshots_mark_delete AFTER DELETE ON package_snapshots BEGIN
  INSERT INTO score_dirty VALUES ('package', OLD.package_id, OLD.day)
  ON CONFLICT (scope, id) DO UPDATE SET from_day = excluded.from_day WHERE excluded.from_day < score_dirty.from_day;
END;

-- The newest day of each series, and the newest complete one: one seek per project and model
-- (the primary key, and the partial index above), not a subquery per score row. CROSS JOIN
-- keeps SQLite to that order: projects, models, then the one row of scores.
DROP VIEW latest_scores;
CREATE VIEW latest_scores AS
SELECT p.name AS project, s.model, s.day, s.f, s.activity AS a, s.contributors AS n, s.users AS u,
       s.b, s.c, s.d, s.b_share, s.c_share, s.d_share, s.complete, s.missing, s.params_hash, s.computed_at
FROM projects p CROSS JOIN models m
CROSS JOIN scores s ON s.project_id = p.id AND s.model = m.name
  AND s.day = (SELECT MAX(x.day) FROM scores x WHERE x.project_id = p.id AND x.model = m.name);

DROP VIEW latest_complete_scores;
CREATE VIEW latest_complete_scores AS
SELECT p.name AS project, s.model, s.day, s.f, s.activity AS a, s.contributors AS n, s.users AS u,
       s.b, s.c, s.d, s.b_share, s.c_share, s.d_share, s.complete, s.missing, s.params_hash, s.computed_at
FROM projects p CROSS JOIN models m
CROSS JOIN scores s ON s.project_id = p.id AND s.model = m.name
  AND s.day = (SELECT MAX(x.day) FROM scores x WHERE x.project_id = p.id AND x.model = m.name AND x.complete = 1);
