import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { CLI, runCli, tempDir, writeConfig } from "../support/cli.js";
import { failingRepos } from "../support/failing-repos.js";

const NOW = "2026-11-28T12:00:00Z";
const TOKEN = "test-token-backfill-faults";
let fake: FakeGitHub | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const make = (name: string, id: number, size = 300) =>
  generateRepo({ owner: "acme", name, id, seed: id, commits: size, issues: size / 2, pulls: size / 2, releases: 3, startDay: "2026-03-01", endDay: "2026-11-20" });

describe("backfill faults", () => {
  it("goes on past renamed, gone, blocked and empty repos, and shrinks pages that answer 502", async () => {
    fake = await startFakeGitHub({ repos: failingRepos((name, id) => make(name, id), "big"), tokens: [TOKEN] });
    fake.state.renameRepo("acme/old", "acme/new");
    // The big repo's issue pages time out at 100 items (GitHub answers 502), not at 50.
    fake.state.addFault({ path: "/repos/acme/big/issues", query: { per_page: "100" }, respond: { status: 502, body: { message: "Server Error" } } });
    const dir = tempDir();
    const db = join(dir, "pulse.db");
    const cfg = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [acme/big, acme/old, acme/deleted, acme/blocked, acme/empty]\n`);
    const run = await runCli(["--config", cfg, "--json", "backfill"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW } });
    const summary = JSON.parse(run.stdout) as { targets: { target: string; outcome: string }[] };
    expect(Object.fromEntries(summary.targets.map((t) => [t.target, t.outcome]))).toEqual({
      "acme/big": "ok",
      "acme/old": "ok",
      "acme/deleted": "gone",
      "acme/blocked": "blocked",
      "acme/empty": "ok",
    });
    const sqlite = new Database(db, { readonly: true });
    const issues = sqlite.prepare("SELECT r.full_name AS repo, COUNT(i.number) AS n FROM repos r LEFT JOIN issues i ON i.repo_id = r.id GROUP BY r.id ORDER BY r.id").all();
    expect(issues).toEqual([
      { repo: "acme/big", n: 300 },
      { repo: "acme/new", n: 300 },
      { repo: "acme/deleted", n: 0 },
      { repo: "acme/blocked", n: 0 },
      { repo: "acme/empty", n: 300 },
    ]);
    sqlite.close();
    expect(fake.requests.some((r) => r.path === "/repos/acme/big/issues" && r.query.per_page === "50" && r.status === 200)).toBe(true);
  });

  it("fails clearly, naming the endpoint and page, when even small pages answer 502, and resumes later", async () => {
    fake = await startFakeGitHub({ repos: [make("big", 1, 1000), make("other", 2)], tokens: [TOKEN] });
    // Page 4 fails at every page size the client tries (100, then 50 and 25 from the same item).
    const handles = [
      ["100", "4"],
      ["50", "7"],
      ["25", "13"],
    ].map(([size, page]) => fake!.state.addFault({ path: "/repos/acme/big/commits", query: { per_page: size!, page: page! }, respond: { status: 502, body: { message: "Server Error" } } }));
    const dir = tempDir();
    const db = join(dir, "pulse.db");
    const cfg = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [acme/big, acme/other]\n`);
    const first = await runCli(["--config", cfg, "--json", "backfill", "--only", "commits"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW } });
    expect(first.code).toBe(1);
    const summary = JSON.parse(first.stdout) as { targets: { target: string; outcome: string; error?: string }[] };
    const big = summary.targets.find((t) => t.target === "acme/big")!;
    expect(big.outcome).toBe("failed");
    expect(big.error).toMatch(/GET \/repos\/acme\/big\/commits \(page \d+, per_page \d+\): 502/);
    expect(summary.targets.find((t) => t.target === "acme/other")?.outcome).toBe("ok");
    const count = () => {
      const sqlite = new Database(db, { readonly: true });
      const n = sqlite.prepare("SELECT COUNT(*) FROM commits c JOIN repos r ON r.id = c.repo_id WHERE r.full_name = 'acme/big'").pluck().get() as number;
      sqlite.close();
      return n;
    };
    expect(count()).toBe(300); // pages 1-3 stay committed
    for (const h of handles) h.remove();
    fake.resetLog();
    const second = await runCli(["--config", cfg, "--json", "backfill", "--only", "commits"], { env: { GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW } });
    expect(second.code).toBe(0);
    expect(count()).toBe(1000);
    // It resumed at the failed page: pages 1-3 of the big repo were not fetched again.
    const pages = fake.requests.filter((r) => r.path.includes("/commits") && r.path.includes("big")).map((r) => r.query.page ?? "1");
    expect(pages).not.toContain("1");
  });

  it("leaves no holes and no duplicates when issues change during a long crawl", async () => {
    const repo = generateRepo({ owner: "acme", name: "busy", id: 9, seed: 9, commits: 50, issues: 1500, pulls: 500, releases: 1, startDay: "2026-01-01", endDay: "2026-11-20" });
    fake = await startFakeGitHub({ repos: [repo], tokens: [TOKEN], latencyMs: 60 });
    const dir = tempDir();
    const db = join(dir, "pulse.db");
    const cfg = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [acme/busy]\n`);
    const child = spawn(process.execPath, [CLI, "--config", cfg, "-q", "backfill", "--only", "issues"], { env: { PATH: process.env.PATH, GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: NOW }, stdio: "ignore" });
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    // While it crawls: edit early issues (they move to the end of the updated-order) and open new ones.
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull(); // still crawling
    const edited = [3, 10, 250, 700];
    for (const n of edited) fake.state.updateIssue("acme/busy", n, { state: "closed", closedAt: "2026-11-28T11:00:00Z", updatedAt: "2026-11-28T11:00:00Z" });
    fake.state.addIssues("acme/busy", [
      { number: 2001, isPull: false, authorLogin: "zed", authorType: "User", state: "open", createdAt: "2026-11-28T11:30:00Z", closedAt: null, mergedAt: null, updatedAt: "2026-11-28T11:30:00Z" },
    ]);
    expect(await done).toBe(0);
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare("SELECT COUNT(*) FROM issues").pluck().get()).toBe(2001);
    expect(sqlite.prepare("SELECT COUNT(DISTINCT number) FROM issues").pluck().get()).toBe(2001);
    for (const n of edited) {
      expect(sqlite.prepare("SELECT state, updated_at FROM issues WHERE number = ?").get(n)).toEqual({ state: "closed", updated_at: "2026-11-28T11:00:00Z" });
    }
    sqlite.close();
  }, 60_000);
});
