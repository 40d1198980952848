import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { failingRepos } from "../support/failing-repos.js";

const NOW = "2026-11-28T12:00:00Z";
const TOKEN = "test-token-faults";

describe.each([
  ["with a token (GraphQL snapshots)", { GITHUB_TOKEN: TOKEN }],
  ["without a token (REST only)", {}],
])("collect with failing repos, %s", (_label, tokenEnv) => {
  let fake: FakeGitHub;
  let db: string;
  let config: string;

  beforeAll(async () => {
    const make = (name: string, id: number) =>
      generateRepo({ owner: "acme", name, id, seed: id, commits: 40, issues: 10, pulls: 10, releases: 2, startDay: "2026-10-01", endDay: "2026-11-27" });
    fake = await startFakeGitHub({ repos: failingRepos(make, "fine"), tokens: [TOKEN] });
    fake.state.renameRepo("acme/old", "acme/new");
    const dir = tempDir();
    db = join(dir, "pulse.db");
    config = writeConfig(
      dir,
      `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [acme/fine, acme/old, acme/deleted, acme/blocked, acme/empty]\n`,
    );
  });

  afterAll(async () => {
    await fake?.close();
  });

  it("records each failing repo and collects the others", async () => {
    const run = await runCli(["--config", config, "--json", "collect"], { env: { ...tokenEnv, OSS_PULSE_NOW: NOW } });
    expect(run.stderr).not.toMatch(/unexpected error/);
    const summary = JSON.parse(run.stdout) as { targets: { target: string; outcome: string; error?: string }[] };
    const outcome = Object.fromEntries(summary.targets.map((t) => [t.target, t.outcome]));
    expect(outcome).toEqual({ "acme/fine": "ok", "acme/old": "ok", "acme/deleted": "gone", "acme/blocked": "blocked", "acme/empty": "ok" });
    expect(run.stderr).toMatch(/acme\/old was renamed to acme\/new/);

    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare("SELECT full_name, status FROM repos ORDER BY id").all()).toEqual([
      { full_name: "acme/fine", status: "active" },
      { full_name: "acme/new", status: "active" },
      { full_name: "acme/deleted", status: "gone" },
      { full_name: "acme/blocked", status: "blocked" },
      { full_name: "acme/empty", status: "active" },
    ]);
    expect(sqlite.prepare("SELECT old_name FROM repo_aliases").pluck().all()).toEqual(["acme/old"]);
    const commits = sqlite.prepare("SELECT r.full_name, COUNT(c.sha) AS n FROM repos r LEFT JOIN commits c ON c.repo_id = r.id GROUP BY r.id ORDER BY r.id").all();
    expect(commits).toEqual([
      { full_name: "acme/fine", n: 40 },
      { full_name: "acme/new", n: 40 },
      { full_name: "acme/deleted", n: 0 },
      { full_name: "acme/blocked", n: 0 },
      { full_name: "acme/empty", n: 0 },
    ]);
    const targets = sqlite.prepare("SELECT target, outcome FROM run_targets ORDER BY target").all();
    expect(targets).toHaveLength(5);
    sqlite.close();
  });

  it("takes the snapshots through REST when GraphQL fails", async () => {
    const handle = fake.state.addFault({ path: "/graphql", respond: { status: 502, body: { message: "Server Error" } } });
    const run = await runCli(["--config", config, "--json", "collect"], { env: { ...tokenEnv, OSS_PULSE_NOW: "2026-11-29T12:00:00Z" } });
    handle.remove();
    const summary = JSON.parse(run.stdout) as { targets: { target: string; outcome: string }[] };
    expect(summary.targets.find((t) => t.target === "acme/fine")?.outcome).toBe("ok");
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare("SELECT COUNT(*) FROM repo_snapshots s JOIN repos r ON r.id = s.repo_id WHERE r.full_name = 'acme/fine' AND s.day = '2026-11-29'").pluck().get()).toBe(1);
    sqlite.close();
  });

  it("keeps following the renamed repo under its config name on the next run", async () => {
    const run = await runCli(["--config", config, "--json", "collect"], { env: { ...tokenEnv, OSS_PULSE_NOW: NOW } });
    const summary = JSON.parse(run.stdout) as { targets: { target: string; outcome: string }[] };
    expect(summary.targets.find((t) => t.target === "acme/new")?.outcome).toBe("ok");
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare("SELECT COUNT(*) FROM repos").pluck().get()).toBe(5);
    sqlite.close();
  });
});
