import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/open.js";
import { packageRoot } from "../../src/util/paths.js";

/**
 * docs/schema.md names each relation in a `### \`name\` (table|view)` heading and each column as
 * `\`column\`` in the first cell of a table row, or, for a view that repeats another's columns,
 * in the paragraph under its heading.
 */
function documented(markdown: string): Map<string, Set<string>> {
  const rows = new Map<string, Set<string>>();
  const prose = new Map<string, Set<string>>();
  let name: string | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^### `([a-z0-9_]+)` \((table|view)\)/.exec(line);
    if (heading) {
      name = heading[1]!;
      rows.set(name, new Set());
      prose.set(name, new Set());
      continue;
    }
    if (line.startsWith("## ")) name = undefined;
    if (!name) continue;
    const cell = /^\| `([a-z0-9_]+)` \|/.exec(line);
    if (cell) rows.get(name)!.add(cell[1]!);
    else if (!line.startsWith("|")) for (const m of line.matchAll(/`([a-z0-9_]+)`/g)) prose.get(name)!.add(m[1]!);
  }
  // A relation with a table of columns is described by its rows; one without, by its paragraph.
  return new Map([...rows].map(([n, set]) => [n, set.size > 0 ? set : prose.get(n)!]));
}

describe("docs/schema.md", () => {
  it("describes every table, view and column of a freshly migrated database, and nothing else", () => {
    const db = openDb(":memory:");
    const actual = new Map<string, string[]>();
    for (const name of db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]) {
      actual.set(name, db.prepare("SELECT name FROM pragma_table_info(?)").pluck().all(name) as string[]);
    }
    const doc = documented(readFileSync(join(packageRoot, "docs/schema.md"), "utf8"));
    const problems: string[] = [];
    for (const [name, columns] of actual) {
      const described = doc.get(name);
      if (!described) {
        problems.push(`not in docs/schema.md: ${name} (${columns.join(", ")})`);
        continue;
      }
      for (const column of columns) if (!described.has(column)) problems.push(`not in docs/schema.md: ${name}.${column}`);
    }
    for (const [name, described] of doc) {
      const columns = actual.get(name);
      if (!columns) {
        problems.push(`docs/schema.md names ${name}, which the database does not have`);
        continue;
      }
      for (const column of described) if (!columns.includes(column)) problems.push(`docs/schema.md names ${name}.${column}, which does not exist`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
