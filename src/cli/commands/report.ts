import { createWriteStream, mkdirSync } from "node:fs";
import { finished } from "node:stream/promises";
import { dirname } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
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
    .option("--no-compute", "use the stored scores without evaluating again")
    .action(async (opts: { out: string; model?: string; project?: string[]; from?: string; compute: boolean }) => {
      if (opts.from !== undefined && !isDay(opts.from)) throw new ConfigError([`--from: must be a day YYYY-MM-DD, got ${JSON.stringify(opts.from)}`]);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openStore }, { reportData }, { score }, { reportChunks }] = await Promise.all([
        import("../runtime.js"),
        import("../../jobs/report.js"),
        import("../../jobs/score.js"),
        import("../../report/html.js"),
      ]);
      const rt = openStore(program.opts<GlobalOptions>());
      try {
        const modelName = opts.model ?? rt.config.defaultModel ?? rt.config.models[0]!.name;
        const model = rt.config.models.find((m) => m.name === modelName);
        if (!model) throw new ConfigError([`--model: no such name "${modelName}" in the config`]);
        const projects = opts.project ?? rt.config.projects.map((p) => p.name);
        const unknown = projects.filter((p) => !rt.config.projects.some((c) => c.name === p));
        if (unknown.length > 0) throw new ConfigError(unknown.map((u) => `--project: no such name "${u}" in the config`));
        if (opts.compute) score(rt, { projects });
        const data = reportData(rt.db, model, { projects, ...(opts.from ? { from: opts.from } : {}), now: rt.clock() });
        mkdirSync(dirname(opts.out), { recursive: true });
        // Written as it is made, one project's series at a time.
        const file = createWriteStream(opts.out);
        await writeOut(reportChunks(data), file);
        file.end();
        await finished(file);
        process.stdout.write(`wrote ${opts.out} (${Math.round(file.bytesWritten / 1024)} KiB)\n`);
      } finally {
        rt.close();
      }
    });
}
