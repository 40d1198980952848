import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { score } from "../../src/jobs/score.js";
import { openDb } from "../../src/store/open.js";
import { ensureRepo, syncProjects } from "../../src/store/repos.js";
import { silentLogger } from "../../src/util/log.js";

const yaml = (window: number) => `projects:\n  - name: p\n    repos: [o/r]\nmodels:\n  - name: m\n    window: ${window}\n`;

function seed(db: ReturnType<typeof openDb>) {
  const now = new Date("2026-01-10T12:00:00Z");
  syncProjects(db, parseConfig(yaml(3)), now);
  const repo = ensureRepo(db, "o/r", now);
  db.prepare("UPDATE repos SET created_at = '2026-01-01T00:00:00Z' WHERE id = ?").run(repo.id);
  const commit = db.prepare("INSERT INTO commits (repo_id, sha, committed_at, author_login) VALUES (?, ?, ?, 'alice')");
  commit.run(repo.id, "a", "2026-01-02T10:00:00Z");
  commit.run(repo.id, "b", "2026-01-06T10:00:00Z");
  for (const stream of ["commits", "issues", "releases"]) {
    db.prepare("INSERT INTO sync_state (repo_id, stream, covered_from, synced_to, updated_at) VALUES (?, ?, '0001-01-01', '2026-01-10T12:00:00Z', '')").run(repo.id, stream);
  }
  db.prepare("INSERT INTO repo_snapshots (repo_id, day, taken_at, stars) VALUES (?, '2026-01-09', '2026-01-09T12:00:00Z', 4)").run(repo.id);
  return repo.id;
}

describe("score job", () => {
  const ctx = (db: ReturnType<typeof openDb>, window: number) => ({ db, config: parseConfig(yaml(window)), clock: () => new Date("2026-01-10T12:00:00Z"), log: silentLogger });

  it("scores every day from the first event and re-scores all of a model's history when its parameters change", () => {
    const db = openDb(":memory:");
    seed(db);
    expect(score(ctx(db, 3)).rescored).toEqual([]);
    const rows = () => db.prepare("SELECT day, activity, complete FROM scores ORDER BY day").all() as { day: string; activity: number; complete: number }[];
    expect(rows().map((r) => r.day)).toEqual(["2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-10"]);
    expect(rows().find((r) => r.day === "2026-01-09")).toEqual({ day: "2026-01-09", activity: 0, complete: 1 });
    const summary = score(ctx(db, 5));
    expect(summary.rescored).toEqual(["m"]);
    expect(rows().find((r) => r.day === "2026-01-09")).toEqual({ day: "2026-01-09", activity: 1, complete: 1 });
  });

  it("drops rows for days that are no longer the project's", () => {
    const db = openDb(":memory:");
    const repoId = seed(db);
    score(ctx(db, 3));
    db.prepare("DELETE FROM commits WHERE repo_id = ? AND sha = 'a'").run(repoId);
    score(ctx(db, 3));
    expect(db.prepare("SELECT MIN(day) FROM scores").pluck().get()).toBe("2026-01-06");
  });
});
