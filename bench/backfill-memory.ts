/**
 * Backfills one synthetic repo of 200,000 commits and 50,000 issues and pull requests from the
 * loopback GitHub, and prints the CLI's peak RSS (target: under 250 MB, because results are
 * streamed to the database page by page), its requests against the pagination floor, and time.
 *
 *   npm run build && node dist/bench/backfill-memory.js [commits] [issues]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateRepo, startFakeGitHub } from "../tests/support/fake-github/index.js";
import { CLI, tempDir, writeConfig } from "../tests/support/cli.js";

const commits = Number(process.argv[2] ?? 200_000);
const issues = Number(process.argv[3] ?? 50_000);
const TOKEN = "bench-token";

function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const started = Date.now();
const repo = generateRepo({
  owner: "bench",
  name: "huge",
  id: 1,
  seed: 42,
  commits,
  issues: Math.round(issues * 0.6),
  pulls: issues - Math.round(issues * 0.6),
  releases: 300,
  startDay: "2016-01-01",
  endDay: "2026-11-20",
  contributors: 2000,
});
console.log(`generated ${repo.commits.length} commits, ${repo.issues.length} issues/PRs, ${repo.starHistory.length} star weeks in ${Date.now() - started} ms`);
const fake = await startFakeGitHub({ repos: [repo], tokens: [TOKEN] });
const dir = tempDir();
const db = join(dir, "bench.db");
const config = writeConfig(dir, `database: ${db}\ngithub: { apiUrl: ${fake.url} }\nprojects:\n  - name: huge\n    repos: [bench/huge]\n`);

const t0 = Date.now();
const child = spawn(process.execPath, [CLI, "--config", config, "--quiet", "backfill", "--json"], {
  env: { PATH: process.env.PATH, GITHUB_TOKEN: TOKEN, OSS_PULSE_NOW: "2026-11-28T12:00:00Z" },
  stdio: ["ignore", "pipe", "inherit"],
});
let peak = 0;
const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 50);
let stdout = "";
child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
clearInterval(poll);
const seconds = (Date.now() - t0) / 1000;
await fake.close();

const floor = Math.ceil(repo.commits.length / 100) + Math.ceil(repo.issues.length / 100) + Math.ceil(repo.releases.length / 100) + Math.ceil(repo.starHistory.length / 30);
const summary = JSON.parse(stdout || "{}") as { requests?: number; status?: string };
console.log(`exit code            ${code} (${summary.status ?? "?"})`);
console.log(`peak RSS             ${(peak / 1024 / 1024).toFixed(1)} MB (target < 250 MB)`);
console.log(`requests             ${fake.requests.length} served, ${summary.requests ?? "?"} counted by the CLI`);
console.log(`pagination floor     ${floor} (allowed: ${Math.ceil(floor * 1.02) + 5})`);
console.log(`wall time            ${seconds.toFixed(1)} s (${Math.round((repo.commits.length + repo.issues.length) / seconds)} items/s)`);
process.exitCode = code === 0 && peak < 250 * 1024 * 1024 ? 0 : 1;
