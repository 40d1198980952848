import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { type FakeRegistries, startFakeRegistries } from "../support/fake-registries.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { ONES, expectedA, expectedN, retainedStars } from "../support/expected.js";

const TOKEN = "portfolio-test-token";
const DAY0 = "2026-11-19";
const DAY1 = "2026-11-20";
const DAY2 = "2026-11-21";
const DAY3 = "2026-11-22";
const WINDOW = 30;
const FORKS = ["r03", "r07"];
const ARCHIVED = "r05";
const REMOVED = "r04";
const ADDED = "r13";

interface ScoreRow { project: string; model: string; day: string; a: number; n: number; u: number; complete: boolean; missing: string[] }

describe("a portfolio: every public repository of an owner, as it changes", () => {
  let fake: FakeGitHub;
  let hub: FakeRegistries;
  let dbPath: string;
  let config: string;
  const env = (day: string) => ({ GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: `${day}T12:00:00Z` });
  const repo = (name: string) => fake.state.getRepo(`acme/${name}`)!;
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(dbPath, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const cli = async (args: string[], day: string) => {
    hub.setToday(day);
    const run = await runCli(["--config", config, ...args], { env: env(day) });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return run;
  };

  beforeAll(async () => {
    const repos: FakeRepo[] = [];
    for (let i = 1; i <= 12; i++) {
      const name = `r${String(i).padStart(2, "0")}`;
      const r = generateRepo({ owner: "acme", name, id: 500 + i, seed: 40 + i, commits: 40, issues: 12, pulls: 10, releases: 2, startDay: "2026-08-01", endDay: DAY1 });
      r.createdAt = `2026-07-${String(10 + i).padStart(2, "0")}T00:00:00Z`;
      if (FORKS.includes(name)) r.fork = true;
      if (name === ARCHIVED) r.archived = true;
      repos.push(r);
    }
    fake = await startFakeGitHub({ repos, tokens: [TOKEN] });
    const models = Object.fromEntries(
      ["acme/m1", "acme/m2", "acme/m3", "acme/m4", "acme/m5", "other/x1"].map((id, i) => [id, { downloads: 1000 * (i + 1), downloadsAllTime: 50_000 * (i + 1), likes: i }]),
    );
    hub = await startFakeRegistries({ today: DAY1, npm: {}, pypi: {}, crates: {}, docker: {}, huggingfaceModels: models, huggingfaceDatasets: {} });
    const dir = tempDir();
    dbPath = join(dir, "pulse.db");
    config = writeConfig(
      dir,
      `database: ${dbPath}
github:
  apiUrl: ${fake.url}
  retryBaseMs: 1
registries:
  huggingface-model: { baseUrl: "${hub.urls["huggingface-model"]}" }
projects:
  - name: acme
    repos: [acme/*]
  - name: acme-models
    repos: [acme/r01]
    packages:
      - { registry: huggingface-model, name: "acme/*" }
models:
  - name: seed
    window: ${WINDOW}
`,
    );
  });

  afterAll(async () => {
    await fake?.close();
    await hub?.close();
  });

  it("lists the owner once and takes every public repository but the forks, archived ones included", async () => {
    await cli(["collect"], DAY1);
    await cli(["backfill"], DAY1);
    const listings = fake.requests.filter((r) => r.path === "/orgs/acme/repos");
    expect(listings).toHaveLength(1);
    const members = query<{ name: string; joined_day: string; via: string }>(
      `SELECT r.full_name AS name, m.joined_day, m.via FROM repo_membership m JOIN repos r ON r.id = m.repo_id
       WHERE m.project_id = (SELECT id FROM projects WHERE name = 'acme') ORDER BY name`,
    );
    const expected = [...Array(12).keys()].map((i) => `acme/r${String(i + 1).padStart(2, "0")}`).filter((n) => !FORKS.some((f) => n.endsWith(f)));
    expect(members.map((m) => m.name)).toEqual(expected);
    expect(members.every((m) => m.joined_day === "0001-01-01" && m.via === "owner:acme")).toBe(true);
    // A fork is never crawled.
    expect(fake.requests.some((r) => FORKS.some((f) => r.path.startsWith(`/repos/acme/${f}/`)))).toBe(false);
  });

  it("takes in a repository that appeared, reading its whole history once, and lets one that disappeared go", async () => {
    // Transferred in with months of history before the model's window.
    const added = generateRepo({ owner: "acme", name: ADDED, id: 600, seed: 77, commits: 60, issues: 20, pulls: 10, releases: 3, startDay: "2026-03-01", endDay: DAY1 });
    fake.state.addRepo(added);
    repo(REMOVED).unavailable = 404;
    fake.resetLog();
    await cli(["collect"], DAY2);

    const rows = query<{ name: string; joined_day: string; left_day: string | null; left_reason: string | null; backfill: string | null }>(
      `SELECT r.full_name AS name, m.joined_day, m.left_day, m.left_reason, m.backfill FROM repo_membership m JOIN repos r ON r.id = m.repo_id
       WHERE m.project_id = (SELECT id FROM projects WHERE name = 'acme')`,
    );
    const joined = rows.find((r) => r.name === `acme/${ADDED}`)!;
    expect(joined).toMatchObject({ joined_day: DAY2, left_day: null, backfill: "done" });
    const left = rows.find((r) => r.name === `acme/${REMOVED}`)!;
    // Last read on day 1 at noon: day 1 is not known whole, so it stops counting from day 1.
    expect(left).toMatchObject({ joined_day: "0001-01-01", left_day: DAY1 });
    expect(left.left_reason).toMatch(/listing/);
    expect(rows.filter((r) => r.left_day === null)).toHaveLength(10);

    // The joined repo's whole history, months before the window; the departed repo's kept.
    const count = (table: string, name: string) =>
      query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE repo_id = (SELECT id FROM repos WHERE full_name = ?)`, `acme/${name}`)[0]!.n;
    expect(count("commits", ADDED)).toBe(added.commits.length);
    expect(count("issues", ADDED)).toBe(added.issues.length);
    expect(added.commits[0]!.committedAt < "2026-04-01").toBe(true);
    expect(count("star_history", ADDED)).toBeGreaterThan(0);
    expect(count("commits", REMOVED)).toBe(repo(REMOVED).commits.length);
    expect(count("issues", REMOVED)).toBe(repo(REMOVED).issues.length);
  });

  it("says in status and score how many repositories each project covers, and what joined or left in the last collect", async () => {
    const status = await runCli(["--config", config, "--json", "status"], { env: env(DAY2) });
    const report = JSON.parse(status.stdout) as {
      coverage: { project: string; repos: number; packages: number; changes: { name: string; change: string; day: string; reason: string | null }[] }[];
      projects: { name: string; repos: { repo: string }[] }[];
    };
    const acme = report.coverage.find((c) => c.project === "acme")!;
    expect(acme).toMatchObject({ repos: 10, packages: 0 });
    expect(acme.changes.map((c) => `${c.change} ${c.name} ${c.day}`).sort()).toEqual([`joined acme/${ADDED} ${DAY2}`, `left acme/${REMOVED} ${DAY1}`]);
    expect(report.coverage.find((c) => c.project === "acme-models")).toMatchObject({ repos: 1, packages: 5, changes: [] });
    // The freshness table lists the members found through the owner, not "acme/*".
    expect(report.projects.find((p) => p.name === "acme")!.repos.map((r) => r.repo)).toContain(`acme/${ADDED}`);
    const score = await cli(["score", "--no-compute"], DAY2);
    expect(score.stderr).toMatch(/acme: 10 repositories, 0 packages; in the last collect 1 joined, 1 left/);
    expect(score.stderr).toContain(`+ acme/${ADDED} joined (counts from ${DAY2})`);
    expect(score.stderr).toMatch(new RegExp(`- acme/${REMOVED} left \\(stops counting on ${DAY1}: .*listing`));
  });

  it("sends the listing conditionally: an unchanged owner costs a 304", async () => {
    fake.resetLog();
    await cli(["collect"], DAY3);
    const listing = fake.requests.filter((r) => r.path === "/orgs/acme/repos");
    expect(listing.map((r) => r.status)).toEqual([304]);
  });

  it("scores A, N and U of each day over what belonged to the project that day", async () => {
    const run = await cli(["score", "--json", "--from", DAY0, "--to", DAY2], DAY3);
    const rows = (JSON.parse(run.stdout) as ScoreRow[]).filter((r) => r.project === "acme");
    const founders = [...Array(12).keys()].map((i) => `r${String(i + 1).padStart(2, "0")}`).filter((n) => !FORKS.includes(n));
    const membersOn: Record<string, string[]> = {
      [DAY0]: founders,
      [DAY1]: founders.filter((n) => n !== REMOVED),
      [DAY2]: [...founders.filter((n) => n !== REMOVED), ADDED],
    };
    for (const [day, names] of Object.entries(membersOn)) {
      const repos = names.map(repo);
      // Before tracking started, stars are the retained ones of the star history; then the snapshots.
      const U = repos.reduce((sum, r) => sum + (day < DAY1 ? retainedStars(r, day) : r.stars), 0);
      const row = rows.find((r) => r.day === day)!;
      expect(row, day).toMatchObject({ complete: true, missing: [], a: expectedA(repos, day, ONES, WINDOW), n: expectedN(repos, day), u: U });
    }
    // Shared contributors count once across the repositories.
    const all = membersOn[DAY2]!.map(repo);
    expect(expectedN(all, DAY2)).toBeLessThan(all.reduce((s, r) => s + expectedN([r], DAY2), 0));
  });

  it("takes every model of a Hugging Face author from its listing, one request, and follows who joins and leaves", async () => {
    // Listed once a run (three collects and a backfill so far), with the counts in the same
    // answer: no model is asked about on its own.
    const sent = hub.requests.filter((r) => r.registry === "huggingface-model");
    expect(sent.map((r) => r.path)).toEqual(["/api/models", "/api/models", "/api/models", "/api/models"]);
    const members = (project: string) =>
      query<{ name: string; joined_day: string; left_day: string | null }>(
        `SELECT k.name, m.joined_day, m.left_day FROM package_membership m JOIN packages k ON k.id = m.package_id
         WHERE m.project_id = (SELECT id FROM projects WHERE name = ?) ORDER BY k.name, m.joined_day`,
        project,
      );
    expect(members("acme-models")).toEqual(["m1", "m2", "m3", "m4", "m5"].map((m) => ({ name: `acme/${m}`, joined_day: "0001-01-01", left_day: null })));
  });

  it("scores U over the models that belonged to the project each day", async () => {
    // Day 4: a model published, one deleted, and the others' downloads moved.
    const DAY4 = "2026-11-23";
    const DAY5 = "2026-11-24";
    const m = hub.data.huggingfaceModels;
    m["acme/m6"] = { downloads: 7_777, downloadsAllTime: 9_999, likes: 3 };
    delete m["acme/m2"];
    m["acme/m1"]!.downloads = 1_500;
    const before = hub.requests.length;
    await cli(["collect"], DAY4);
    expect(hub.requests.slice(before).map((r) => `${r.path}${r.search.includes("author=acme") ? "?author=acme" : ""}`)).toEqual(["/api/models?author=acme"]);
    const rows = query<{ name: string; joined_day: string; left_day: string | null }>(
      `SELECT k.name, m.joined_day, m.left_day FROM package_membership m JOIN packages k ON k.id = m.package_id ORDER BY k.name`,
    );
    expect(rows.find((r) => r.name === "acme/m6")).toEqual({ name: "acme/m6", joined_day: DAY4, left_day: null });
    expect(rows.find((r) => r.name === "acme/m2")).toEqual({ name: "acme/m2", joined_day: "0001-01-01", left_day: DAY4 });
    await cli(["collect"], DAY5);
    const run = await cli(["score", "--json", "--project", "acme-models", "--from", DAY3, "--to", DAY4], DAY5);
    const scores = JSON.parse(run.stdout) as ScoreRow[];
    const stars = repo("r01").stars;
    // Day 3: m1..m5 as listed then; day 4: m2 gone, m6 in, m1's new figure.
    const u3 = stars + 1000 + 2000 + 3000 + 4000 + 5000;
    const u4 = stars + 1500 + 3000 + 4000 + 5000 + 7777;
    expect(scores.find((r) => r.day === DAY3)).toMatchObject({ complete: true, u: u3 });
    expect(scores.find((r) => r.day === DAY4)).toMatchObject({ complete: true, u: u4 });
  });
});
