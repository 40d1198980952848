import { closeSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import type { RowFormat } from "../rows.js";
import type { GlobalOptions } from "../runtime.js";
import { collect } from "./sql.js";

interface ExportOptions {
  query?: string;
  param: string[];
  format: string;
  out?: string;
  force?: boolean;
  progress: boolean;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("stream a view, a table or a query to CSV or JSON lines, row by row")
    .argument("[name]", "a table or view (see docs/schema.md)")
    .option("--query <sql>", "a read-only query instead of a name; named parameters as :name")
    .option("--param <name=value>", "a named parameter of --query (repeat for more)", collect, [])
    .option("--format <format>", "csv or jsonl", "csv")
    .option("-o, --out <file>", "write to this file instead of stdout (never over an existing file without --force, never over a database)")
    .option("--force", "overwrite an existing file that is not a database")
    .option("--no-progress", "no progress line on a terminal")
    .action(async (name: string | undefined, opts: ExportOptions) => {
      const global = program.opts<GlobalOptions>();
      const problems: string[] = [];
      if (!["csv", "jsonl"].includes(opts.format)) problems.push("--format: must be csv or jsonl");
      if ((name === undefined) === (opts.query === undefined)) problems.push("export: give a table or view name, or --query, not both");
      if (problems.length > 0) throw new ConfigError(problems);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [query, { OutputClosed, RowSink, openOutput, progressLine }, { loadSettings }] = await Promise.all([
        import("../../store/query.js"),
        import("../rows.js"),
        import("../runtime.js"),
      ]);
      const { columnNames, iterateRows, openReadOnly, parseParams, prepareQuery, quoteIdentifier, relationExists, relationNames } = query;
      const params = parseParams(opts.param);
      const settings = loadSettings(global);
      const db = openReadOnly(settings.dbPath);
      try {
        if (name !== undefined && !relationExists(db, name)) {
          throw new ConfigError([`export: no table or view named "${name}"; there are: ${relationNames(db).join(", ")}`]);
        }
        const stmt = prepareQuery(db, opts.query ?? `SELECT * FROM ${quoteIdentifier(name!)}`).raw(true);
        const fd = opts.out ? openOutput(opts.out, opts.force ?? false, settings.dbPath) : 1;
        const progress = progressLine(opts.progress && process.stderr.isTTY === true && (fd !== 1 || !process.stdout.isTTY));
        const sink = new RowSink(fd, opts.format as RowFormat, columnNames(stmt));
        try {
          for (const row of iterateRows(stmt, params)) {
            sink.write(row);
            progress.tick(sink.rows);
          }
          sink.end();
        } catch (error) {
          if (!(error instanceof OutputClosed)) throw error;
        } finally {
          progress.stop(sink.rows);
          if (fd !== 1) closeSync(fd);
        }
        if (opts.out) process.stderr.write(`exported ${sink.rows} rows to ${opts.out}\n`);
      } finally {
        db.close();
      }
    });
}
