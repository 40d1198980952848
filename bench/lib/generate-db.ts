/**
 * A seeded generator of realistic oss-pulse databases in the real schema, for benchmarks.
 *
 * `generateDatabase(path, { projects, years, seed, endDay })` writes projects × years of raw
 * facts (several repos per project, quiet repos, commits by people and bots, issues and pull
 * requests opened, closed and merged, releases with assets, daily snapshots from the day
 * tracking started, star history from the repo's creation, downloads per package per day) and
 * a config YAML naming those projects, and returns what it made. The same seed gives the same
 * database. Rows go through the store's own functions where they take a batch, and through
 * the same INSERT shapes as the app elsewhere; one transaction per project.
 *
 * 300 projects × 5 years is about 4.5 million facts.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { configSchema, type Config } from "../../src/config/schema.js";
import type { CommitItem, IssueItem, ReleaseItem } from "../../src/github/schemas.js";
import { upsertCommits, upsertIssues, upsertReleases } from "../../src/store/facts.js";
import { openDb } from "../../src/store/open.js";
import { syncProjectPackages, upsertDailyDownloads, upsertPackageSnapshot } from "../../src/store/packages.js";
import { syncProjects, updateIdentity, findRepo } from "../../src/store/repos.js";
import { completeSync } from "../../src/store/sync.js";
import { BEGINNING } from "../../src/util/time.js";
import { type Day, addDays, dayRange } from "../../src/util/time.js";
import { prng } from "../../tests/support/fake-github/generate.js";

export interface GenerateOptions {
  projects: number;
  years: number;
  seed?: number;
  /** The last day with facts (UTC); every stream is synced past its end. Default 2026-11-27. */
  endDay?: Day;
  /** Where to write the config YAML. Default: `oss-pulse.yaml` next to the database. */
  configPath?: string;
}

export interface FactCounts {
  commits: number;
  issues: number;
  releases: number;
  release_assets: number;
  repo_snapshots: number;
  star_history: number;
  package_downloads: number;
  package_snapshots: number;
}

export interface GeneratedDatabase {
  path: string;
  configPath: string;
  config: Config;
  startDay: Day;
  endDay: Day;
  /** An instant on the day after `endDay`: pass it as OSS_PULSE_NOW so `endDay` is complete. */
  now: string;
  projects: number;
  repos: number;
  packages: number;
  facts: FactCounts;
  totalFacts: number;
}

const FIRST = ["ada", "alan", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances", "guido", "yukihiro", "radia", "john", "sophie", "tim", "anita", "bjarne", "hedy", "rob", "jean"];
const LAST = ["lovelace", "turing", "hopper", "torvalds", "hamilton", "thompson", "liskov", "ritchie", "allen", "rossum", "matsumoto", "perlman", "backus", "wilson", "berners", "borg", "stroustrup", "lamarr", "pike", "sammet"];
const DOMAINS = ["gmail.com", "example.com", "users.noreply.github.com", "fastmail.com", "corp.example.org"];
const BOTS: { login: string; email: string }[] = [
  { login: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" },
  { login: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" },
  { login: "renovate[bot]", email: "29139614+renovate[bot]@users.noreply.github.com" },
];
const DAILY_REGISTRIES = ["npm", "pypi", "crates"] as const;

export function generateDatabase(path: string, options: GenerateOptions): GeneratedDatabase {
  const rand = prng(options.seed ?? 1);
  const endDay = options.endDay ?? "2026-11-27";
  const days = Math.round(options.years * 365.25);
  const startDay = addDays(endDay, -(days - 1));
  const allDays = dayRange(startDay, endDay);
  const syncedTo = new Date(`${addDays(endDay, 1)}T06:00:00Z`);
  const now = `${addDays(endDay, 1)}T12:00:00Z`;

  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const poisson = (lambda: number): number => {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rand();
    while (p > limit) {
      k++;
      p *= rand();
    }
    return k;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const hex = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(rand() * 16)];
    return s;
  };
  const instant = (day: Day) => `${day}T${String(int(0, 23)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}:${String(int(0, 59)).padStart(2, "0")}Z`;

  // The projects: a few large, many small (log-normal sizes), 1 to 5 repos, 0 to 3 packages.
  interface RepoPlan { name: string; created: Day; tracked: Day; rate: number; stars: number }
  interface PackagePlan { registry: string; name: string; rate: number; firstDay: Day }
  interface ProjectPlan { name: string; size: number; repos: RepoPlan[]; packages: PackagePlan[] }
  const plans: ProjectPlan[] = [];
  for (let p = 0; p < options.projects; p++) {
    const name = `proj-${String(p).padStart(4, "0")}`;
    const org = `org${String(p).padStart(4, "0")}`;
    const size = Math.exp(gauss() * 0.9 - 0.4);
    const repos: RepoPlan[] = [];
    const repoCount = int(1, 5);
    for (let r = 0; r < repoCount; r++) {
      const created = addDays(startDay, int(-900, Math.floor(days * 0.5)));
      // A quarter of repos are quiet: a few commits a year.
      const quiet = r > 0 && rand() < 0.25;
      repos.push({
        name: `${org}/${r === 0 ? "core" : `repo-${r}`}`,
        created,
        tracked: addDays(startDay, int(0, Math.floor(days * 0.6))),
        rate: (quiet ? 0.01 : 1.2 / (1 + r)) * size,
        stars: quiet ? 0.2 : 6 * size / (1 + r),
      });
    }
    const packages: PackagePlan[] = [];
    const packageCount = int(0, 3);
    for (let k = 0; k < packageCount; k++) {
      const registry = k === 2 && rand() < 0.5 ? "docker" : pick(DAILY_REGISTRIES);
      const pkgName = registry === "docker" ? `${org}/server` : registry === "crates" ? `${name.replace(/-/g, "_")}_${k}` : `${name}-pkg${k}`;
      packages.push({ registry, name: pkgName, rate: 200 * size * (1 + rand() * 3), firstDay: addDays(startDay, int(0, Math.floor(days * 0.3))) });
    }
    plans.push({ name, size, repos, packages });
  }

  const config = configSchema.parse({
    database: path,
    bots: ["release-robot"],
    projects: plans.map((p) => ({
      name: p.name,
      repos: p.repos.map((r) => r.name),
      packages: p.packages.map(({ registry, name }) => ({ registry, name })),
    })),
    models: [
      { name: "seed" },
      { name: "balanced", k: 12, m: 0.1, n: 0.0007, users: { stars: 1, downloads: 0.01 } },
    ],
    defaultModel: "balanced",
  });
  const configPath = options.configPath ?? join(dirname(path), "oss-pulse.yaml");
  writeFileSync(configPath, configYaml(config));

  const facts: FactCounts = { commits: 0, issues: 0, releases: 0, release_assets: 0, repo_snapshots: 0, star_history: 0, package_downloads: 0, package_snapshots: 0 };
  const db = openDb(path);
  try {
    const writtenAt = new Date(now);
    syncProjects(db, config, writtenAt);
    const snapshot = db.prepare(
      `INSERT INTO repo_snapshots (repo_id, day, taken_at, stars, forks, watchers, open_issues, open_prs, releases, release_downloads)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const starDay = db.prepare("INSERT INTO star_history (repo_id, day, stars_added) VALUES (?, ?, ?)");
    const projectId = db.prepare("SELECT id FROM projects WHERE name = ?").pluck();
    let githubId = 1000;
    for (const plan of plans) {
      db.transaction(() => {
        // Each project has its own people: a few regulars, many drive-by contributors.
        const people = Array.from({ length: Math.max(3, Math.round(40 * plan.size)) }, (_, i) => {
          const first = pick(FIRST);
          const last = pick(LAST);
          const login = `${first}-${last}-${plan.name.slice(5)}-${i}`;
          const linked = rand() < 0.85;
          return { login: linked ? login : null, email: `${first}.${last}${i}@${pick(DOMAINS)}`, name: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}` };
        });
        const author = () => {
          if (rand() < 0.08) return { ...pick(BOTS), bot: true, name: "bot" };
          // Regulars write most commits: the square of a uniform number favours the first people.
          const who = people[Math.floor(rand() * rand() * people.length)]!;
          return { ...who, bot: false };
        };
        for (const repoPlan of plan.repos) {
          const repo = findRepo(db, repoPlan.name)!;
          updateIdentity(db, repo, { githubId: githubId++, fullName: repoPlan.name, defaultBranch: "main", createdAt: `${repoPlan.created}T10:00:00Z` }, writtenAt);
          const commits: CommitItem[] = [];
          const issues: IssueItem[] = [];
          const releases: ReleaseItem[] = [];
          let issueNumber = 0;
          let stars = 0;
          let releaseCount = 0;
          const from = repoPlan.created > startDay ? repoPlan.created : startDay;
          for (let i = 0; i < allDays.length; i++) {
            const day = allDays[i]!;
            if (day < from) continue;
            // Activity rises and falls over the years.
            const phase = 0.5 + Math.sin((i / days) * Math.PI * (1 + plan.size)) ** 2;
            for (let n = poisson(repoPlan.rate * phase); n > 0; n--) {
              const a = author();
              const committed = instant(day);
              commits.push({
                sha: hex(40),
                commit: { author: { name: a.name, email: a.email, date: committed }, committer: { date: committed } },
                author: a.login ? { login: a.login, type: a.bot ? "Bot" : "User" } : null,
                parents: [{ sha: "0".repeat(40) }],
              });
            }
            for (let n = poisson(repoPlan.rate * phase * 0.5); n > 0; n--) {
              const isPull = rand() < 0.45;
              const created = instant(day);
              const closes = rand() < (isPull ? 0.85 : 0.7);
              const closedDay = addDays(day, Math.floor(-Math.log(rand() || 1e-9) * 12));
              const closed = closes && closedDay <= endDay ? instant(closedDay) : null;
              const merged = isPull && closed !== null && rand() < 0.75 ? closed : null;
              const a = author();
              issues.push({
                number: ++issueNumber,
                state: closed ? "closed" : "open",
                user: a.login ? { login: a.login, type: a.bot ? "Bot" : "User" } : { login: `user-${int(1, 99999)}`, type: "User" },
                created_at: created,
                updated_at: closed ?? created,
                closed_at: closed,
                ...(isPull ? { pull_request: { merged_at: merged } } : {}),
              });
            }
            if (repoPlan.rate > 0.05 && rand() < 0.02) {
              releaseCount++;
              const published = instant(day);
              const id = githubId * 1000 + releaseCount;
              releases.push({
                id,
                tag_name: `v${Math.floor(releaseCount / 10)}.${releaseCount % 10}.0`,
                name: rand() < 0.8 ? `Release ${releaseCount}` : null,
                draft: false,
                prerelease: rand() < 0.15,
                created_at: published,
                published_at: published,
                assets: Array.from({ length: int(0, 2) }, (_, k) => ({ id: id * 10 + k, name: `dist-${k}.tar.gz`, download_count: int(0, 50_000), updated_at: published })),
              });
            }
            const added = poisson(repoPlan.stars * phase);
            stars += added;
            if (day >= repoPlan.created) {
              starDay.run(repo.id, day, added);
              facts.star_history++;
            }
            if (day >= repoPlan.tracked) {
              snapshot.run(repo.id, day, `${day}T03:00:12Z`, stars + int(0, 3), Math.round(stars / 8), Math.round(stars / 30), int(0, 200), int(0, 40), releaseCount, null);
              facts.repo_snapshots++;
            }
          }
          upsertCommits(db, repo.id, commits);
          upsertIssues(db, repo.id, issues);
          upsertReleases(db, repo.id, releases);
          facts.commits += commits.length;
          facts.issues += issues.length;
          facts.releases += releases.length;
          facts.release_assets += releases.reduce((n, r) => n + r.assets.length, 0);
          for (const stream of ["commits", "issues", "releases"] as const) {
            completeSync(db, repo.id, stream, stream === "commits" ? BEGINNING : repoPlan.created, syncedTo, writtenAt);
          }
          completeSync(db, repo.id, "stars", repoPlan.created, syncedTo, writtenAt);
        }
        const ids = syncProjectPackages(db, projectId.get(plan.name) as number, plan.packages, writtenAt);
        plan.packages.forEach((pkg, k) => {
          const id = ids[k]!;
          if (pkg.registry === "docker") {
            let total = 0;
            for (const day of dayRange(pkg.firstDay, endDay)) {
              total += poisson(pkg.rate);
              upsertPackageSnapshot(db, id, day, { total, last30: null }, new Date(`${day}T03:00:40Z`));
              facts.package_snapshots++;
            }
            return;
          }
          const rows = allDays.map((day) => ({ day, downloads: day < pkg.firstDay ? 0 : poisson(pkg.rate * (0.6 + rand() * 0.8)) }));
          upsertDailyDownloads(db, id, rows, writtenAt);
          facts.package_downloads += rows.length;
        });
      }).immediate();
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
  const totalFacts = Object.values(facts).reduce((a, b) => a + b, 0);
  return {
    path,
    configPath,
    config,
    startDay,
    endDay,
    now,
    projects: plans.length,
    repos: plans.reduce((n, p) => n + p.repos.length, 0),
    packages: plans.reduce((n, p) => n + p.packages.length, 0),
    facts,
    totalFacts,
  };
}

/** The config as YAML (written by hand: names here are plain, no quoting needed but the database path). */
function configYaml(config: Config): string {
  const lines = [`database: ${JSON.stringify(config.database)}`, `bots: [${config.bots.join(", ")}]`, "projects:"];
  for (const p of config.projects) {
    lines.push(`  - name: ${p.name}`, `    repos: [${p.repos.join(", ")}]`);
    if (p.packages.length > 0) lines.push(`    packages:`, ...p.packages.map((k) => `      - { registry: ${k.registry}, name: ${JSON.stringify(k.name)} }`));
  }
  lines.push("models:", "  - name: seed", "  - name: balanced", "    k: 12", "    m: 0.1", "    n: 0.0007", "    users: { stars: 1, downloads: 0.01 }", `defaultModel: ${config.defaultModel}`);
  return `${lines.join("\n")}\n`;
}
