import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../src/util/paths.js";

// The layout of docs/architecture.md, held against the import statements of src/**/*.ts.

const SRC = join(packageRoot, "src");

/** What each top-level part of src/ may import (besides itself). Keep in step with docs/architecture.md. */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  util: ["errors"],
  github: ["errors", "util"],
  registries: ["errors", "util", "github"],
  config: ["errors", "util", "github", "registries"],
  model: ["util", "config"],
  store: ["errors", "util", "config", "github", "registries"],
  coordination: ["errors", "util", "store"],
  report: ["util", "model"],
  jobs: ["errors", "util", "config", "github", "registries", "model", "store", "coordination", "report"],
  daemon: ["errors", "util", "store", "coordination", "jobs"],
  cli: ["errors", "util", "config", "github", "registries", "store", "coordination", "report", "jobs", "daemon"],
};

interface SourceFile {
  path: string;
  part: string;
  text: string;
  /** Relative imports, resolved to paths under src/. */
  local: string[];
  /** Package and node: imports. */
  external: string[];
}

function partOf(pathUnderSrc: string): string {
  return pathUnderSrc.split("/")[0]!.replace(/\.(ts|js)$/, "");
}

function sources(): SourceFile[] {
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => f.split("\\").join("/"));
  return files.map((path) => {
    const text = readFileSync(join(SRC, path), "utf8");
    const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]!);
    const local = specifiers
      .filter((s) => s.startsWith("."))
      .map((s) => relative(SRC, resolve(SRC, dirname(path), s)).split("\\").join("/"));
    return { path, part: partOf(path), text, local, external: specifiers.filter((s) => !s.startsWith(".")) };
  });
}

const files = sources();

describe("the layout of src/", () => {
  it("reads the imports it judges (a parser that sees none would pass anything)", () => {
    const model = files.find((f) => f.path === "model/evaluate.ts")!;
    expect(model.local).toContain("model/score.js");
    expect(files.find((f) => f.path === "jobs/score.ts")!.local).toEqual(expect.arrayContaining(["store/series.js", "model/evaluate.js"]));
  });

  it("knows every top-level part", () => {
    expect([...new Set(files.map((f) => f.part))].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it("has each part import only what docs/architecture.md allows it", () => {
    const wrong = files.flatMap((f) =>
      f.local.filter((target) => partOf(target) !== f.part && !ALLOWED[f.part]!.includes(partOf(target))).map((target) => `${f.path} imports ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it("has no import cycle between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      for (const target of f.local) {
        const to = partOf(target);
        if (to !== f.part) edges.set(f.part, (edges.get(f.part) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (part: string, trail: string[]): void => {
      if (state.get(part) === "done") return;
      if (state.get(part) === "open") {
        cycles.push([...trail.slice(trail.indexOf(part)), part].join(" -> "));
        return;
      }
      state.set(part, "open");
      for (const next of edges.get(part) ?? []) visit(next, [...trail, part]);
      state.set(part, "done");
    };
    for (const part of edges.keys()) visit(part, []);
    expect(cycles).toEqual([]);
  });

  it("speaks SQL only in src/store", () => {
    const outside = files.filter((f) => f.part !== "store" && /\.prepare\(|\.exec\(|\.pragma\(|\.transaction\(/.test(f.text)).map((f) => f.path);
    expect(outside).toEqual([]);
    const driver = files.filter((f) => f.part !== "store" && f.external.includes("better-sqlite3")).map((f) => f.path);
    expect(driver).toEqual([]);
  });

  it("keeps the model free of I/O: no store, no database, no files, no network", () => {
    const model = files.filter((f) => f.part === "model");
    expect(model.length).toBeGreaterThan(0);
    const io = model.flatMap((f) => [...f.local.filter((t) => partOf(t) === "store"), ...f.external.filter((e) => e !== "node:crypto")].map((what) => `${f.path}: ${what}`));
    expect(io).toEqual([]);
  });
});
