import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import type { Db } from "../../store/open.js";
import type { ScoreHistoryRow, ScoreQuery } from "../../store/scores.js";
import { isDay } from "../../util/time.js";
import { type Cell, csvLines, fixed, percent, tableLines, writeOut } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

interface ScoreOptions {
  project?: string[];
  model?: string[];
  allModels?: boolean;
  from?: string;
  to?: string;
  all?: boolean;
  format: "table" | "csv" | "json";
  compute: boolean;
}

export function registerScore(program: Command): void {
  program
    .command("score")
    .description("evaluate the models and print scores with their parts (by default the newest complete day)")
    .option("-p, --project <name...>", "only these projects")
    .option("-m, --model <name...>", "these models (default: the default model)")
    .option("--all-models", "every model in the config")
    .option("--from <day>", "first day to print (YYYY-MM-DD)")
    .option("--to <day>", "last day to print (YYYY-MM-DD)")
    .option("--all", "print the whole history")
    .option("--format <format>", "table, csv or json", "table")
    .option("--no-compute", "print stored scores without evaluating again")
    .action(async (opts: ScoreOptions) => {
      const global = program.opts<GlobalOptions>();
      const format = global.json ? "json" : opts.format;
      const problems: string[] = [];
      if (!["table", "csv", "json"].includes(format)) problems.push(`--format: must be table, csv or json`);
      for (const [flag, value] of [["--from", opts.from], ["--to", opts.to]] as const) {
        if (value !== undefined && !isDay(value)) problems.push(`${flag}: must be a day YYYY-MM-DD, got ${JSON.stringify(value)}`);
      }
      if (opts.from !== undefined && opts.to !== undefined && isDay(opts.from) && isDay(opts.to) && opts.from > opts.to) {
        problems.push(`--from ${opts.from} is after --to ${opts.to}`);
      }
      if (problems.length > 0) throw new ConfigError(problems);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openStore }, { score }, store, { projectCoverage }, { renderCoverage }] = await Promise.all([
        import("../runtime.js"),
        import("../../jobs/score.js"),
        import("../../store/scores.js"),
        import("../../jobs/coverage.js"),
        import("../coverage.js"),
      ]);
      const rt = openStore(global, opts.project, { readsOnly: !opts.compute });
      try {
        const projects = rt.projects;
        const modelNames = opts.allModels
          ? rt.config.models.map((m) => m.name)
          : (checkNames("--model", opts.model, rt.config.models.map((m) => m.name)) ?? [rt.config.defaultModel ?? rt.config.models[0]!.name]);
        if (opts.compute) {
          const summary = score(rt, projects ? { projects } : {});
          if (summary.rescored.length > 0) rt.log.info(`parameters changed: re-scored ${summary.rescored.join(", ")}`);
        }
        const query: ScoreQuery = {
          projects: projects ?? rt.config.projects.map((p) => p.name),
          models: modelNames,
          from: opts.all ? null : (opts.from ?? null),
          to: opts.all ? null : (opts.to ?? null),
        };
        // A range is read as it is printed; the newest day of each series is a short list.
        const latestOnly = !opts.all && opts.from === undefined && opts.to === undefined;
        const latest = latestOnly ? latestScores(rt.db, store.selectScores, query) : null;
        const rows = () => latest ?? store.iterateScores(rt.db, "score_history", query);
        await writeOut(render(rows, format as ScoreOptions["format"]));
        // Who came and went in the last collect, with what each project covers now; on stderr,
        // so that stdout stays the scores alone (a table, CSV or JSON to pipe).
        const coverage = renderCoverage(projectCoverage(rt.db, rt.config, projects).filter((c) => c.changes.length > 0));
        if (coverage.length > 0) process.stderr.write(`${coverage.join("\n")}\n`);
      } finally {
        rt.close();
      }
    });
}

function checkNames(flag: string, given: string[] | undefined, known: string[]): string[] | undefined {
  if (!given) return undefined;
  const unknown = given.filter((g) => !known.includes(g));
  if (unknown.length > 0) throw new ConfigError(unknown.map((u) => `${flag}: no such name "${u}" in the config`));
  return given;
}

/** The newest complete day of each series; a series with none shows its newest day and what it lacks. */
function latestScores(db: Db, selectScores: typeof import("../../store/scores.js").selectScores, q: ScoreQuery): ScoreHistoryRow[] {
  const complete = selectScores(db, "latest_complete_scores", q);
  const have = new Set(complete.map((r) => `${r.project}\0${r.model}`));
  const rest = selectScores(db, "latest_scores", q).filter((r) => !have.has(`${r.project}\0${r.model}`));
  return [...complete, ...rest].sort((a, b) => a.project.localeCompare(b.project) || a.model.localeCompare(b.model));
}

/** The output, piece by piece; `rows` may be read twice (a table measures its columns first). */
function* render(rows: () => Iterable<ScoreHistoryRow>, format: ScoreOptions["format"]): Generator<string> {
  if (format === "json") {
    // The layout of JSON.stringify(rows, null, 2), one row at a time.
    let first = true;
    for (const r of rows()) {
      const row = { ...r, complete: r.complete === 1, missing: r.missing ? r.missing.split(",") : [] };
      yield `${first ? "[\n" : ",\n"}${JSON.stringify(row, null, 2).replace(/^/gm, "  ")}`;
      first = false;
    }
    yield first ? "[]\n" : "\n]\n";
    return;
  }
  const headers = ["project", "model", "day", "f", "a", "n", "u", "b", "c", "d", "b_share", "c_share", "d_share", "complete", "missing"];
  if (format === "csv") {
    yield* csvLines(headers, map(rows(), (r) => [r.project, r.model, r.day, r.f, r.a, r.n, r.u, r.b, r.c, r.d, r.b_share, r.c_share, r.d_share, r.complete, r.missing]));
    return;
  }
  if (isEmpty(rows())) {
    yield "no scores yet: run 'oss-pulse collect' first\n";
    return;
  }
  yield* tableLines(["project", "model", "day", "f", "B share", "C share", "D share", "A", "N", "U", "status"], () =>
    map(rows(), (r): Cell[] => [
      r.project,
      r.model,
      r.day,
      fixed(r.f),
      percent(r.b_share),
      percent(r.c_share),
      percent(r.d_share),
      fixed(r.a, 0),
      r.n,
      fixed(r.u, 0),
      r.complete ? "complete" : `missing ${summarizeMissing(r.missing)}`,
    ]),
  );
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

function isEmpty(items: Iterable<unknown>): boolean {
  const iterator = items[Symbol.iterator]();
  const empty = iterator.next().done === true;
  iterator.return?.();
  return empty;
}

function summarizeMissing(missing: string | null): string {
  if (!missing) return "";
  const parts = missing.split(",");
  const kinds = [...new Set(parts.map((p) => p.split(":")[0]))];
  return `${kinds.join("+")} (${parts.length})`;
}
