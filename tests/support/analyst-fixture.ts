import { parseConfig } from "../../src/config/load.js";
import type { CommitItem, IssueItem, ReleaseItem } from "../../src/github/schemas.js";
import { score } from "../../src/jobs/score.js";
import { upsertCommits, upsertIssues, upsertReleases } from "../../src/store/facts.js";
import { type Db, openDb } from "../../src/store/open.js";
import { listProjectPackages, syncProjectPackages, upsertDailyDownloads } from "../../src/store/packages.js";
import { ensureRepo, syncProjects, updateIdentity, upsertRepoSnapshot } from "../../src/store/repos.js";
import { finishRun, recordTarget, startRun } from "../../src/store/runs.js";
import { completeSync } from "../../src/store/sync.js";
import { BEGINNING } from "../../src/util/time.js";
import { silentLogger } from "../../src/util/log.js";
import { addDays, dayRange } from "../../src/util/time.js";

/**
 * A small, fully known history for two projects, written through the store's own functions and
 * scored by the real scorer. Tests compute their expected answers from `facts`, not from SQL.
 */
export const NOW = new Date("2026-06-30T12:00:00Z");
export const FIRST_DAY = "2026-01-01";
export const TODAY = "2026-06-30";

export const CONFIG_YAML = `
bots: [ci-robot]
projects:
  - name: ours
    repos: [acme/core, acme/cli]
    packages:
      - { registry: npm, name: acme }
  - name: rival
    repos: [rival/engine]
    packages:
      - { registry: npm, name: rival }
models:
  - name: seed
  - name: balanced
    k: 12
    m: 0.1
    n: 0.0007
    users: { stars: 1, downloads: 0.01 }
defaultModel: seed
`;

export interface FixtureCommit { repo: string; sha: string; day: string; login: string | null; email: string; type?: string }
export interface FixtureIssue { repo: string; number: number; pull: boolean; created: string; closed: string | null; merged: string | null }
export interface FixtureFacts {
  commits: FixtureCommit[];
  issues: FixtureIssue[];
  releases: { repo: string; id: number; day: string; draft: boolean }[];
  /** Stars snapshotted per repo per day (tracking starts on 2026-05-01). */
  stars: { repo: string; day: string; stars: number }[];
  downloads: { pkg: string; day: string; downloads: number }[];
  runs: { kind: "collect"; started: string; failed: { target: string; error: string }[] }[];
}

/** A deterministic generator, so the fixture is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

export function fixtureFacts(): FixtureFacts {
  const rnd = lcg(42);
  const days = dayRange(FIRST_DAY, TODAY);
  const people = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"];
  const repos = ["acme/core", "acme/cli", "rival/engine"];
  const facts: FixtureFacts = { commits: [], issues: [], releases: [], stars: [], downloads: [], runs: [] };
  let sha = 0;
  let number = 0;
  days.forEach((day, i) => {
    for (const repo of repos) {
      // rival grows faster from April on; ours is steady.
      const busy = repo.startsWith("rival") ? (day >= "2026-04-01" ? 0.7 : 0.2) : 0.4;
      if (rnd() < busy) {
        // People join over time: only the first few are around early on.
        const pool = people.slice(0, Math.min(people.length, 2 + Math.floor(i / 25)));
        const who = pool[Math.floor(rnd() * pool.length)]!;
        const linked = rnd() < 0.8;
        facts.commits.push({ repo, sha: `c${++sha}`, day, login: linked ? who : null, email: `${who}@example.com` });
      }
      if (rnd() < 0.1) facts.commits.push({ repo, sha: `c${++sha}`, day, login: "dependabot[bot]", email: "bot@example.com", type: "Bot" });
      if (rnd() < 0.05) facts.commits.push({ repo, sha: `c${++sha}`, day, login: "ci-robot", email: "ci@example.com" });
      if (rnd() < 0.3) {
        const pull = rnd() < 0.5;
        const closeAfter = Math.floor(rnd() * 20);
        const closed = addDays(day, closeAfter) <= TODAY && rnd() < 0.7 ? addDays(day, closeAfter) : null;
        facts.issues.push({ repo, number: ++number, pull, created: day, closed, merged: pull && closed && rnd() < 0.8 ? closed : null });
      }
      if (i % 30 === 5) facts.releases.push({ repo, id: 1000 + facts.releases.length, day, draft: i % 60 === 5 && repo === "acme/cli" });
      if (day >= "2026-05-01") {
        const base = repo === "rival/engine" ? 500 : repo === "acme/core" ? 800 : 100;
        const growth = repo === "rival/engine" ? 12 : 4;
        facts.stars.push({ repo, day, stars: base + growth * dayRange("2026-05-01", day).length });
      }
    }
    // npm publishes a day after it ends; "rival" lacks 2026-06-10..12 (a registry outage).
    if (day < TODAY) {
      facts.downloads.push({ pkg: "npm:acme", day, downloads: 100 + Math.floor(rnd() * 50) });
      if (!(day >= "2026-06-10" && day <= "2026-06-12")) facts.downloads.push({ pkg: "npm:rival", day, downloads: 80 + i });
    }
  });
  facts.runs.push({ kind: "collect", started: "2026-06-20T03:00:00Z", failed: [{ target: "rival/engine", error: "HTTP 502 from GitHub" }] });
  facts.runs.push({ kind: "collect", started: "2026-06-29T03:00:00Z", failed: [{ target: "npm:rival", error: "registry timed out" }] });
  facts.runs.push({ kind: "collect", started: "2026-06-30T03:00:00Z", failed: [] });
  return facts;
}

export function buildFixture(path = ":memory:"): { db: Db; facts: FixtureFacts } {
  const db = openDb(path);
  const config = parseConfig(CONFIG_YAML);
  const facts = fixtureFacts();
  syncProjects(db, config, NOW);
  const repoIds = new Map<string, number>();
  for (const name of ["acme/core", "acme/cli", "rival/engine"]) {
    const repo = ensureRepo(db, name, NOW);
    repoIds.set(name, repo.id);
    updateIdentity(db, repo, { githubId: 100 + repoIds.size, fullName: name, defaultBranch: "main", createdAt: "2025-12-01T00:00:00Z" }, NOW);
    const commits: CommitItem[] = facts.commits.filter((c) => c.repo === name).map((c) => ({
      sha: c.sha,
      commit: { author: { name: c.login ?? c.email, email: c.email, date: `${c.day}T10:00:00Z` }, committer: { date: `${c.day}T10:00:00Z` } },
      author: c.login ? { login: c.login, type: c.type ?? "User" } : null,
      parents: [],
    }) as CommitItem);
    upsertCommits(db, repo.id, commits);
    const issues: IssueItem[] = facts.issues.filter((i) => i.repo === name).map((i) => ({
      number: i.number,
      state: i.closed ? "closed" : "open",
      user: { login: "ann", type: "User" },
      created_at: `${i.created}T09:00:00Z`,
      updated_at: `${i.closed ?? i.created}T09:00:00Z`,
      closed_at: i.closed ? `${i.closed}T09:00:00Z` : null,
      ...(i.pull ? { pull_request: { merged_at: i.merged ? `${i.merged}T09:00:00Z` : null } } : {}),
    }) as IssueItem);
    upsertIssues(db, repo.id, issues);
    const releases: ReleaseItem[] = facts.releases.filter((r) => r.repo === name).map((r) => ({
      id: r.id, tag_name: `v${r.id}`, name: null, draft: r.draft, prerelease: false, created_at: `${r.day}T08:00:00Z`,
      published_at: r.draft ? null : `${r.day}T08:00:00Z`, assets: [],
    }));
    upsertReleases(db, repo.id, releases);
    for (const s of facts.stars.filter((x) => x.repo === name)) {
      upsertRepoSnapshot(db, repo.id, s.day, new Date(`${s.day}T12:00:00Z`), { stars: s.stars, forks: null, watchers: null, openIssues: null, openPrs: null, releases: null, releaseDownloads: null });
    }
    for (const stream of ["commits", "issues", "releases"] as const) completeSync(db, repo.id, stream, BEGINNING, NOW, NOW);
    // Star history (retained stars) covers the days before tracking started: none were given.
    completeSync(db, repo.id, "stars", BEGINNING, NOW, NOW);
  }
  for (const project of config.projects) {
    const projectId = db.prepare("SELECT id FROM projects WHERE name = ?").pluck().get(project.name) as number;
    syncProjectPackages(db, projectId, project.packages, NOW);
    for (const pkg of listProjectPackages(db, project.name)) {
      const label = `${pkg.registry}:${pkg.name}`;
      upsertDailyDownloads(db, pkg.id, facts.downloads.filter((d) => d.pkg === label), NOW);
    }
  }
  for (const run of facts.runs) {
    const at = new Date(run.started);
    const id = startRun(db, run.kind, "daemon", at);
    for (const repo of repoIds.keys()) {
      const failure = run.failed.find((f) => f.target === repo);
      recordTarget(db, id, failure ? { target: repo, outcome: "failed", error: failure.error } : { target: repo, outcome: "ok" });
    }
    for (const f of run.failed.filter((x) => !repoIds.has(x.target))) recordTarget(db, id, { target: f.target, outcome: "failed", error: f.error });
    finishRun(db, id, { status: run.failed.length > 0 ? "partial" : "ok", requests: 10, points: 10, now: new Date(at.getTime() + 600_000) });
  }
  score({ db, config, clock: () => NOW, log: silentLogger });
  return { db, facts };
}
