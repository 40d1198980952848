import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { registriesConfigSchema } from "../../src/registries/config.js";
import { collectors, getCollector, registryIds } from "../../src/registries/index.js";
import type { RegistryCollector } from "../../src/registries/types.js";

const registriesDir = join(dirname(fileURLToPath(import.meta.url)), "../../src/registries");
const folders = readdirSync(registriesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function isCollector(value: unknown): value is RegistryCollector {
  return typeof value === "object" && value !== null && typeof (value as RegistryCollector).id === "string" && "nameProblem" in value;
}

describe("the registry list and the folders agree", () => {
  it("every folder has an index.ts and a schema.ts", () => {
    for (const folder of folders) {
      expect(existsSync(join(registriesDir, folder, "index.ts")), `${folder}/index.ts`).toBe(true);
      expect(existsSync(join(registriesDir, folder, "schema.ts")), `${folder}/schema.ts`).toBe(true);
    }
  });

  it("every collector a folder exports is in the list, under the folder's name", async () => {
    const exported: string[] = [];
    for (const folder of folders) {
      const module = (await import(join(registriesDir, folder, "index.ts"))) as Record<string, unknown>;
      const found = Object.values(module).filter(isCollector);
      expect(found.length, `${folder} exports no collector`).toBeGreaterThan(0);
      for (const collector of found) {
        expect(collector.id === folder || collector.id.startsWith(`${folder}-`), `${collector.id} lives in ${folder}/`).toBe(true);
        expect(getCollector(collector.id), `${collector.id} is missing from src/registries/index.ts`).toBe(collector);
        exported.push(collector.id);
      }
    }
    expect(exported.sort()).toEqual([...registryIds].sort());
  });

  it("ids are unique, and each registry with an API of its own has a config entry with a base URL", () => {
    expect(new Set(registryIds).size).toBe(registryIds.length);
    const config = registriesConfigSchema.parse({}) as Record<string, { baseUrl: string } | undefined>;
    for (const collector of collectors as readonly RegistryCollector[]) {
      if (collector.defaults) expect(config[collector.id]?.baseUrl).toBe(collector.defaults.baseUrl);
      else expect(config[collector.id]).toBeUndefined();
    }
  });
});
