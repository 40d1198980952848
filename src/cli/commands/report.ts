import { finished } from "node:stream/promises";
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { openOutputStream, outputFileProblem } from "../../util/output-file.js";
import { isDay } from "../../util/time.js";
import { writeOut } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write a self-contained HTML report with charts of the scores and their parts")
    .requiredOption("-o, --out <file>", "the HTML file to write")
    .option("-m, --model <name>", "the model to show (default: the default model)")
    .option("-p, --project <name...>", "only these projects")
    .option("--from <day>", "first day shown (YYYY-MM-DD)")
    .option("--index-day <day>", "the day the comparison chart sets every project's f to 100 (default: the first day all are known)")
    .option("--no-compute", "use the stored scores without evaluating again")
    .option("-f, --force", "overwrite --out if it exists (never an SQLite database)")
    .action(async (opts: { out: string; model?: string; project?: string[]; from?: string; indexDay?: string; compute: boolean; force?: boolean }) => {
      if (opts.from !== undefined && !isDay(opts.from)) throw new ConfigError([`--from: must be a day YYYY-MM-DD, got ${JSON.stringify(opts.from)}`]);
      if (opts.indexDay !== undefined && !isDay(opts.indexDay)) throw new ConfigError([`--index-day: must be a day YYYY-MM-DD, got ${JSON.stringify(opts.indexDay)}`]);
      // Refused before the database is opened or any score computed.
      const problem = outputFileProblem(opts.out, "--out", opts.force === true);
      if (problem) throw new ConfigError([problem]);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openStore }, { reportData }, { reportInsights }, { score }, { reportChunks }] = await Promise.all([
        import("../runtime.js"),
        import("../../jobs/report.js"),
        import("../../jobs/report-insights.js"),
        import("../../jobs/score.js"),
        import("../../report/html.js"),
      ]);
      const rt = openStore(program.opts<GlobalOptions>(), opts.project, { readsOnly: !opts.compute });
      try {
        const modelName = opts.model ?? rt.config.defaultModel ?? rt.config.models[0]!.name;
        const model = rt.config.models.find((m) => m.name === modelName);
        if (!model) throw new ConfigError([`--model: no such name "${modelName}" in the config`]);
        const projects = rt.projects ?? rt.config.projects.map((p) => p.name);
        if (opts.compute) score(rt, { projects });
        const range = { projects, ...(opts.from ? { from: opts.from } : {}) };
        const insights = reportInsights(rt, model, { ...range, ...(opts.indexDay ? { indexDay: opts.indexDay } : {}) });
        const data = { ...reportData(rt.db, model, { ...range, now: rt.clock() }), insights };
        // Written as it is made, one project's series at a time.
        const file = openOutputStream(opts.out, { flag: "--out", force: opts.force === true });
        await writeOut(reportChunks(data), file);
        file.end();
        await finished(file);
        process.stdout.write(`wrote ${opts.out} (${Math.round(file.bytesWritten / 1024)} KiB)\n`);
      } finally {
        rt.close();
      }
    });
}
