import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "../support/cli.js";
import { type DailyFigures, type FakeRegistries, addDays, daysFrom, startFakeRegistries } from "../support/fake-registries.js";
import { type Loopback, listenLoopback } from "../support/loopback.js";

/**
 * Registries on different hosts are collected at the same time, each host's packages one after
 * another, with crates.io's one request a second kept. The built CLI collects from the loopback
 * registries through timing proxies: each proxy holds every request 150 ms before passing it on,
 * and notes when it arrived and when it was answered.
 */

const TODAY = "2026-09-01";
const HOLD_MS = 150;

interface Timed {
  host: "npm" | "pypi" | "crates";
  start: number;
  end: number;
}

function daily(base: number): DailyFigures {
  return Object.fromEntries(daysFrom(addDays(TODAY, -60), TODAY).map((d, i) => [d, base + (i % 7)]));
}

describe("registries collected concurrently, each host politely", () => {
  let registries: FakeRegistries;
  const proxies: Loopback[] = [];
  const timed: Timed[] = [];
  let config: string;

  async function timingProxy(host: Timed["host"], target: string): Promise<string> {
    const proxy = await listenLoopback((req, res) => {
      const start = Date.now();
      setTimeout(() => {
        void fetch(`${target}${req.url ?? "/"}`, { headers: { "user-agent": req.headers["user-agent"] ?? "" } }).then(async (answer) => {
          const body = await answer.text();
          timed.push({ host, start, end: Date.now() });
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(body);
        });
      }, HOLD_MS);
    });
    proxies.push(proxy);
    return proxy.url;
  }

  beforeAll(async () => {
    registries = await startFakeRegistries({
      today: TODAY,
      npm: { "pkg-a": { daily: daily(100) }, "pkg-b": { daily: daily(200) } },
      pypi: { "pkg-a": { daily: daily(10) }, "pkg-b": { daily: daily(20) } },
      crates: { "pkg-a": { daily: daily(5), downloadsBefore: 1000 }, "pkg-b": { daily: daily(6), downloadsBefore: 2000 } },
      docker: {},
      huggingfaceModels: {},
      huggingfaceDatasets: {},
    });
    const npm = await timingProxy("npm", registries.urls.npm);
    const pypi = await timingProxy("pypi", registries.urls.pypi);
    const crates = await timingProxy("crates", registries.urls.crates);
    const dir = tempDir();
    config = writeConfig(
      dir,
      `database: ${join(dir, "pulse.db")}
registries:
  npm: { baseUrl: "${npm}" }
  pypi: { baseUrl: "${pypi}" }
  crates: { baseUrl: "${crates}" }
projects:
  - name: p
    packages:
      - { registry: npm, name: pkg-a }
      - { registry: crates, name: pkg-a }
      - { registry: pypi, name: pkg-a }
      - { registry: npm, name: pkg-b }
      - { registry: crates, name: pkg-b }
      - { registry: pypi, name: pkg-b }
`,
    );
  });
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    await registries?.close();
  });

  it("overlaps the hosts' requests, never one host's own, and keeps crates.io's 1 s spacing", { timeout: 60_000 }, async () => {
    const result = await runCli(["--config", config, "--json", "collect"], { env: { OSS_PULSE_NOW: `${TODAY}T12:00:00Z` } });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; targets: { target: string; outcome: string; requests: number }[] };
    expect(summary.status).toBe("ok");
    // In the config's order, each with its own requests (not its neighbours' on other hosts).
    expect(summary.targets.map((t) => `${t.target} ${t.outcome}`)).toEqual([
      "npm:pkg-a ok",
      "crates:pkg-a ok",
      "pypi:pkg-a ok",
      "npm:pkg-b ok",
      "crates:pkg-b ok",
      "pypi:pkg-b ok",
    ]);
    for (const host of ["npm", "pypi", "crates"] as const) {
      const sent = summary.targets.filter((t) => t.target.startsWith(`${host}:`)).reduce((sum, t) => sum + t.requests, 0);
      expect(sent, host).toBe(timed.filter((t) => t.host === host).length);
    }

    const overlap = (a: Timed, b: Timed) => a.start < b.end && b.start < a.end;
    // Different hosts at the same time.
    const npm = timed.filter((t) => t.host === "npm");
    const others = timed.filter((t) => t.host !== "npm");
    expect(npm.some((a) => others.some((b) => overlap(a, b)))).toBe(true);
    for (const host of ["npm", "pypi", "crates"] as const) {
      const own = timed.filter((t) => t.host === host).sort((a, b) => a.start - b.start);
      expect(own.length, host).toBeGreaterThanOrEqual(2);
      // One host's requests one after another.
      for (let i = 1; i < own.length; i++) expect(own[i]!.start, host).toBeGreaterThanOrEqual(own[i - 1]!.end);
      // crates.io: a second between two requests as sent. Arrival times carry the loopback's own
      // jitter, so the bound is looser; without the spacing they would follow about HOLD_MS apart.
      if (host === "crates") for (let i = 1; i < own.length; i++) expect(own[i]!.start - own[i - 1]!.start).toBeGreaterThanOrEqual(700);
    }
  });
});
