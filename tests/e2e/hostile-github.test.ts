import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, type FakeRepo, generateRepo, startFakeGitHub } from "../support/fake-github/index.js";
import { runCli, tempDir, writeConfig } from "../support/cli.js";

/** Hostile GitHub answers fed to the real CLI; each case asserts what is (not) stored. */

const NOW = "2026-11-28T12:00:00Z";
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const make = (name: string, id: number, extra: Partial<Parameters<typeof generateRepo>[0]> = {}): FakeRepo =>
  generateRepo({ owner: "acme", name, id, seed: id, commits: 30, issues: 8, pulls: 4, releases: 2, startDay: "2026-10-01", endDay: "2026-11-27", ...extra });

async function setup(repos: FakeRepo[]): Promise<{ fake: FakeGitHub; db: string; config: string }> {
  fake = await startFakeGitHub({ repos });
  const dir = tempDir();
  const db = join(dir, "pulse.db");
  const names = repos.map((r) => `acme/${r.name}`).join(", ");
  const config = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url}, retryBaseMs: 1 }\nprojects:\n  - name: p\n    repos: [${names}]\n`);
  return { fake, db, config };
}

interface Summary {
  status: string;
  targets: { target: string; outcome: string; error?: string }[];
}

async function collect(config: string, env: Record<string, string> = {}): Promise<{ summary: Summary; stderr: string; code: number | null }> {
  const run = await runCli(["--config", config, "--json", "collect"], { env: { OSS_PULSE_NOW: NOW, ...env } });
  expect(run.stderr).not.toMatch(/unexpected error/);
  return { summary: JSON.parse(run.stdout) as Summary, stderr: run.stderr, code: run.code };
}

function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare(sql).all(...params) as T[];
  } finally {
    sqlite.close();
  }
}

async function realBody(fake: FakeGitHub, path: string): Promise<unknown> {
  return (await fetch(`${fake.url}${path}`)).json();
}

describe("counts", () => {
  it("refuses a negative star count: the repo fails naming the field, and no snapshot is stored", async () => {
    const { fake, db, config } = await setup([make("fine", 1), make("neg", 2)]);
    const body = (await realBody(fake, "/repos/acme/neg")) as Record<string, unknown>;
    fake.addFault({ path: "/repos/acme/neg", respond: { status: 200, body: { ...body, stargazers_count: -5 } } });
    const { summary } = await collect(config);
    const neg = summary.targets.find((t) => t.target === "acme/neg")!;
    expect(neg.outcome).toBe("failed");
    expect(neg.error).toMatch(/stargazers_count: .*>=0/);
    expect(summary.targets.find((t) => t.target === "acme/fine")?.outcome).toBe("ok");
    expect(query(db, "SELECT s.stars FROM repo_snapshots s JOIN repos r ON r.id = s.repo_id WHERE r.full_name = 'acme/neg'")).toEqual([]);
    expect(query<{ stars: number }>(db, "SELECT MIN(stars) AS stars FROM repo_snapshots")[0]!.stars).toBeGreaterThanOrEqual(0);
  });
});
