import type { Command } from "commander";
import { collect } from "../../jobs/collect.js";
import { formatTable } from "../output.js";
import { type GlobalOptions, openRuntime } from "../runtime.js";

export function registerCollect(program: Command): void {
  program
    .command("collect")
    .description("one collection cycle now: snapshots, then everything new since the last cycle")
    .option("-p, --project <name...>", "only these projects")
    .action(async (opts: { project?: string[] }) => {
      const global = program.opts<GlobalOptions>();
      const rt = openRuntime(global);
      try {
        const summary = await collect(rt, opts.project ? { projects: opts.project } : {});
        if (global.json) {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        } else {
          const rows = summary.targets.map((t) => [t.target, t.outcome, t.requests ?? 0, t.points ?? 0, t.error ?? ""]);
          process.stdout.write(`${formatTable(["target", "outcome", "requests", "points", "error"], rows)}\n`);
          process.stdout.write(`run ${summary.runId}: ${summary.status}, ${summary.requests} requests, ${summary.points} rate-limit points\n`);
        }
        if (summary.status !== "ok") process.exitCode = 1;
      } finally {
        rt.close();
      }
    });
}
