import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/util/paths.js";
import { CLI, tempDir } from "../support/cli.js";

/** Runs the built CLI with a module hook that records every module it loads. */
function loadedModules(args: string[]): { code: number | null; stdout: string; modules: string[] } {
  const dir = tempDir();
  const log = join(dir, "modules.log");
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + "\\n");
  return result;
}
`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  writeFileSync(log, "");
  const run = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, CLI, ...args], { encoding: "utf8" });
  const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { code: run.status, stdout: run.stdout, modules: [...new Set(loaded.flatMap(sourcesOf))] };
}

/** The files a loaded module was made from: a chunk of the bundled CLI names them in its source map. */
function sourcesOf(url: string): string[] {
  if (!url.startsWith("file:")) return [url];
  const path = fileURLToPath(url);
  if (dirname(path) !== dirname(CLI) || !existsSync(`${path}.map`)) return [url];
  const map = JSON.parse(readFileSync(`${path}.map`, "utf8")) as { sources: string[] };
  return [url, ...map.sources.map((source) => pathToFileURL(resolve(dirname(path), source)).href)];
}

const HEAVY = ["zod", "yaml", "pino", "pino-pretty", "@octokit", "better-sqlite3", "node-cron", "cli-progress"];

describe("the fixed cost of a command", () => {
  it.each([[["--help"]], [["score", "--help"]], [["backfill", "--help"]], [["status", "--help"]]])("%j loads none of the commands' dependencies", (args) => {
    const { code, stdout, modules } = loadedModules(args);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: oss-pulse");
    expect(modules.some((m) => m.includes("/node_modules/commander/"))).toBe(true);
    const heavy = modules.filter((m) => HEAVY.some((name) => m.includes(`/node_modules/${name}/`)));
    expect(heavy).toEqual([]);
  });

  it("a command loads what it needs when it runs", () => {
    const { modules } = loadedModules(["--config", "/nonexistent/oss-pulse.yaml", "score"]);
    expect(modules.some((m) => m.includes("/node_modules/zod/"))).toBe(true);
  });
});

describe("the log's dependencies", () => {
  /** Creates a logger in a fresh process and lists the CommonJS modules loaded by then. */
  function required(format: "human" | "json"): string[] {
    const script = `
      import { createRequire } from "node:module";
      const { createLogger } = await import(${JSON.stringify(pathToFileURL(join(packageRoot, "dist/src/util/log.js")).href)});
      createLogger({ format: ${JSON.stringify(format)}, level: "silent" });
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as string[];
  }

  it("JSON lines (services, pipes, files) load no pretty-printer", () => {
    expect(required("json").filter((m) => m.includes("/node_modules/pino-pretty/"))).toEqual([]);
  });

  it("human lines load it when asked", () => {
    expect(required("human").some((m) => m.includes("/node_modules/pino-pretty/"))).toBe(true);
  });
});
