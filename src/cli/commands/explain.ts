import type { Command } from "commander";
import type { ModelConfig } from "../../config/schema.js";
import { ConfigError } from "../../errors.js";
import type { Change, EventExplanation, Explanation, NamedChange } from "../../jobs/explain.js";
import { isDay } from "../../util/time.js";
import { fixed, formatTable, percent } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

interface ExplainOptions {
  project: string;
  from?: string;
  to?: string;
  event?: string;
  window: string;
  model?: string;
  format: string;
  compute: boolean;
}

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("what moved a project's score between two days, or before and after one of its events")
    .requiredOption("-p, --project <name>", "the project")
    .option("--from <day>", "the earlier day (YYYY-MM-DD)")
    .option("--to <day>", "the later day (YYYY-MM-DD)")
    .option("--event <label>", "compare the days before and after this event of the project (config `events`)")
    .option("--window <days>", "with --event: days on each side", "90")
    .option("-m, --model <name>", "the model (default: the default model)")
    .option("--format <format>", "table or json", "table")
    .option("--no-compute", "use the stored scores without evaluating again")
    .action(async (opts: ExplainOptions) => {
      const global = program.opts<GlobalOptions>();
      const format = global.json ? "json" : opts.format;
      const window = Number(opts.window);
      const problems: string[] = [];
      if (!["table", "json"].includes(format)) problems.push("--format: must be table or json");
      for (const [flag, value] of [["--from", opts.from], ["--to", opts.to]] as const) {
        if (value !== undefined && !isDay(value)) problems.push(`${flag}: must be a day YYYY-MM-DD, got ${JSON.stringify(value)}`);
      }
      if (opts.event === undefined && (opts.from === undefined || opts.to === undefined)) problems.push("give --from and --to, or --event");
      if (opts.event !== undefined && (opts.from !== undefined || opts.to !== undefined)) problems.push("--event: not with --from or --to");
      if (opts.from && opts.to && opts.from >= opts.to) problems.push("--from: must be before --to");
      if (!Number.isInteger(window) || window < 2 || window > 3650) problems.push("--window: must be a whole number of days from 2 to 3650");
      if (problems.length > 0) throw new ConfigError(problems);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openStore }, { explain, explainEvent }, { score }] = await Promise.all([
        import("../runtime.js"),
        import("../../jobs/explain.js"),
        import("../../jobs/score.js"),
      ]);
      const rt = openStore(global, [opts.project], { readsOnly: !opts.compute });
      try {
        const project = rt.projects![0]!;
        const model = pickModel(rt.config.models, opts.model ?? rt.config.defaultModel);
        if (opts.compute) score(rt, { projects: [project] });
        const result = opts.event !== undefined
          ? explainEvent(rt, { project: project, model, label: opts.event, window })
          : explain(rt, { project: project, model, from: opts.from!, to: opts.to! });
        const text = format === "json" ? JSON.stringify(result, null, 2) : "label" in result ? renderEvent(result) : renderExplanation(result);
        process.stdout.write(`${text}\n`);
      } finally {
        rt.close();
      }
    });
}

export function pickModel(models: ModelConfig[], name: string | undefined): ModelConfig {
  const model = name === undefined ? models[0] : models.find((m) => m.name === name);
  if (!model) throw new ConfigError([`--model: no such name "${name}" in the config`]);
  return model;
}

const num = (x: number | null, digits = 2) => fixed(x, digits);
const signed = (x: number | null, digits = 2) => (x === null ? null : `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`);
const changeRow = (name: string, c: Change, digits = 2) => [name, num(c.from, digits), num(c.to, digits), signed(c.change, digits)];
const namedTable = (rows: NamedChange[], digits = 0) => formatTable(["name", "from", "to", "change"], rows.map((r) => changeRow(r.name, r, digits)));

function renderExplanation(e: Explanation): string {
  const out: string[] = [];
  out.push(`${e.project}, model ${e.model}: ${e.from} to ${e.to}${e.complete ? "" : "  (INCOMPLETE: see missing below)"}`);
  out.push(
    formatTable(
      ["", "from", "to", "change", "share of Δf"],
      [
        [...changeRow("f", e.f), null],
        [...changeRow("brand α·B", e.parts.b), percent(e.parts.b.share)],
        [...changeRow("technical β·C", e.parts.c), percent(e.parts.c.share)],
        [...changeRow("commercial γ·D", e.parts.d), percent(e.parts.d.share)],
      ],
    ),
  );
  out.push("", `A: weighted events in the ${e.activity.window} days ending on each day: ${num(e.activity.a.from, 0) ?? "unknown"} to ${num(e.activity.a.to, 0) ?? "unknown"}`);
  out.push(formatTable(["kind", "from", "to", "change", "weighted change"], e.activity.byKind.map((k) => [...changeRow(k.kind, k, 0), signed(k.weighted)])));
  out.push("", "A by repo (weighted events):", namedTable(e.activity.byRepo));
  out.push("", `N: contributors (${e.contributors.mode}): ${num(e.contributors.n.from, 0) ?? "unknown"} to ${num(e.contributors.n.to, 0) ?? "unknown"}`);
  if (e.contributors.newByRepo === null) out.push("new contributors by repo: unknown (N is missing on one of the days)");
  else if (e.contributors.newByRepo.length === 0) out.push("no new contributors");
  else out.push(formatTable(["repo of their first commit", "new contributors"], e.contributors.newByRepo.map((r) => [r.name, r.count])));
  out.push("", `U: users: ${num(e.users.u.from, 0) ?? "unknown"} to ${num(e.users.u.to, 0) ?? "unknown"}`);
  if (e.users.starsByRepo.length > 0) out.push("stars by repo:", namedTable(e.users.starsByRepo));
  if (e.users.downloadsByPackage.length > 0) out.push("downloads in 30 days by package:", namedTable(e.users.downloadsByPackage));
  if (e.users.trafficByRepo.length > 0) out.push("weighted views and clones in 14 days by repo:", namedTable(e.users.trafficByRepo));
  for (const [day, missing] of [[e.from, e.missing.from], [e.to, e.missing.to]] as const) {
    if (missing.length > 0) out.push("", `missing on ${day}: ${missing.join(", ")}`);
  }
  return out.join("\n");
}

function renderEvent(e: EventExplanation): string {
  const row = (name: string, k: "f" | "b" | "c" | "d") => [name, signed(e.before.slope[k], 4), signed(e.after.slope[k], 4), signed(e.difference[k], 4)];
  return [
    `${e.project}, model ${e.model}: "${e.label}" on ${e.day}, ${e.window} days on each side`,
    `before: ${e.before.from} to ${e.before.to}, ${e.before.complete} of ${e.before.days} days complete`,
    `after:  ${e.after.from} to ${e.after.to}, ${e.after.complete} of ${e.after.days} days complete`,
    formatTable(
      ["slope per day", "before", "after", "difference"],
      [row("f", "f"), row("brand α·B", "b"), row("technical β·C", "c"), row("commercial γ·D", "d")],
    ),
  ].join("\n");
}
