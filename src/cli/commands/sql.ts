import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { type Cell, tableLines, writeOut } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

interface SqlOptions {
  param: string[];
  format: string;
}

export function registerSql(program: Command): void {
  program
    .command("sql")
    .description("run one read-only query on the database and print its rows (nothing can be written)")
    .argument("<query>", "one SELECT, WITH, VALUES or EXPLAIN statement; named parameters as :name")
    .option("--param <name=value>", "a named parameter (repeat for more); numbers are bound as numbers", collect, [])
    .option("--format <format>", "table, csv or json", "table")
    .action(async (query: string, opts: SqlOptions) => {
      const global = program.opts<GlobalOptions>();
      const format = global.json ? "json" : opts.format;
      if (!["table", "csv", "json"].includes(format)) throw new ConfigError(["--format: must be table, csv or json"]);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ columnNames, iterateRows, openReadOnly, parseParams, prepareQuery }, { OutputClosed, RowSink }, { loadSettings }] = await Promise.all([
        import("../../store/query.js"),
        import("../rows.js"),
        import("../runtime.js"),
      ]);
      const params = parseParams(opts.param);
      const settings = loadSettings(global);
      const db = openReadOnly(settings.dbPath);
      try {
        const stmt = prepareQuery(db, query).raw(true);
        const columns = columnNames(stmt);
        if (format === "table") {
          // Read twice (the widths first), so that a table of any length holds one row at a time.
          let count = 0;
          const rows = function* (): Generator<Cell[]> {
            count = 0;
            for (const row of iterateRows(stmt, params)) {
              count++;
              yield row.map(tableCell);
            }
          };
          await writeOut(tableLines(columns, rows));
          process.stdout.write(`(${count} row${count === 1 ? "" : "s"})\n`);
          return;
        }
        const sink = new RowSink(1, format as "csv" | "json", columns);
        try {
          for (const row of iterateRows(stmt, params)) sink.write(row);
          sink.end();
        } catch (error) {
          if (!(error instanceof OutputClosed)) throw error;
        }
      } finally {
        db.close();
      }
    });
}

function tableCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return `x'${value.toString("hex")}'`;
  return typeof value === "number" || typeof value === "string" ? value : String(value);
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
