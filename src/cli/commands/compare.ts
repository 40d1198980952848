import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import type { Comparison } from "../../jobs/compare.js";
import { isDay } from "../../util/time.js";
import { fixed, formatCsv, formatTable, percent } from "../output.js";
import type { GlobalOptions } from "../runtime.js";
import { pickModel } from "./explain.js";

interface CompareOptions {
  project?: string[];
  model?: string;
  from?: string;
  to?: string;
  format: string;
  compute: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("rank a group of projects per day (equal scores share the better rank: 1, 2, 2, 4): share of the group's f, N and U, growth, and who overtook whom")
    .option("-p, --project <name...>", "the group (default: every project)")
    .option("-m, --model <name>", "the model (default: the default model)")
    .option("--from <day>", "first day (default: 29 days before --to)")
    .option("--to <day>", "last day (default: the newest day every project of the group is complete)")
    .option("--format <format>", "table, csv or json", "table")
    .option("--no-compute", "use the stored scores without evaluating again")
    .action(async (opts: CompareOptions) => {
      const global = program.opts<GlobalOptions>();
      const format = global.json ? "json" : opts.format;
      const problems: string[] = [];
      if (!["table", "csv", "json"].includes(format)) problems.push("--format: must be table, csv or json");
      for (const [flag, value] of [["--from", opts.from], ["--to", opts.to]] as const) {
        if (value !== undefined && !isDay(value)) problems.push(`${flag}: must be a day YYYY-MM-DD, got ${JSON.stringify(value)}`);
      }
      if (opts.from && opts.to && opts.from > opts.to) problems.push("--from: must not be after --to");
      if (problems.length > 0) throw new ConfigError(problems);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openStore }, { compare }, { score }] = await Promise.all([
        import("../runtime.js"),
        import("../../jobs/compare.js"),
        import("../../jobs/score.js"),
      ]);
      const rt = openStore(global, opts.project, { readsOnly: !opts.compute });
      try {
        const projects = rt.projects ?? rt.config.projects.map((p) => p.name);
        const model = pickModel(rt.config.models, opts.model ?? rt.config.defaultModel);
        if (opts.compute) score(rt, { projects });
        const result = compare(rt, { projects, model, ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) });
        process.stdout.write(`${render(result, format)}\n`);
      } finally {
        rt.close();
      }
    });
}

const HEADERS = ["day", "project", "rank", "f", "share_f", "share_n", "share_u", "growth_7d", "growth_30d", "growth_90d"];

function render(c: Comparison | null, format: string): string {
  if (format === "json") return JSON.stringify(c, null, 2);
  if (c === null) return "no scores yet: run 'oss-pulse collect' first";
  if (format === "csv") {
    return formatCsv(HEADERS, c.rows.map((r) => [r.day, r.project, r.rank, r.f, r.shareF, r.shareN, r.shareU, r.growth7, r.growth30, r.growth90]));
  }
  const table = formatTable(
    ["day", "project", "rank", "f", "share of f", "of N", "of U", "7 days", "30 days", "90 days"],
    c.rows.map((r) => [r.day, r.project, r.rank, fixed(r.f), percent(r.shareF), percent(r.shareN), percent(r.shareU), percent(r.growth7), percent(r.growth30), percent(r.growth90)]),
  );
  const overtakes = c.overtakes.length === 0
    ? `no project overtook another from ${c.from} to ${c.to}`
    : c.overtakes.map((o) => `${o.day}: ${o.project} overtook ${o.overtook} (${o.f.toFixed(2)} against ${o.otherF.toFixed(2)})`).join("\n");
  return `model ${c.model}, ${c.from} to ${c.to}\n${table}\n\n${overtakes}`;
}
