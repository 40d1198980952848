import type { Command } from "commander";
import { redact } from "../../util/secrets.js";
import { formatTable } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

export function registerCollect(program: Command): void {
  program
    .command("collect")
    .description("one collection cycle now: snapshots, then everything new since the last cycle")
    .option("-p, --project <name...>", "only these projects")
    .action(async (opts: { project?: string[] }) => {
      const global = program.opts<GlobalOptions>();
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openRuntime }, { WRITER_WAIT_MS, describeHolder, withWriterLease }, { collect }, { stopOnSignals }] = await Promise.all([
        import("../runtime.js"),
        import("../../coordination/lease.js"),
        import("../../jobs/collect.js"),
        import("../../daemon/shutdown.js"),
      ]);
      const rt = await openRuntime(global, opts.project);
      const stop = stopOnSignals((s) => rt.log.warn(`${s}: stopping; the run is recorded as interrupted`));
      try {
        // A daemon collecting right now is waited for (bounded), never raced.
        const summary = await withWriterLease(rt.db, "collect (CLI)", (lost) => collect({ ...rt, signal: AbortSignal.any([lost, stop.signal]) }, rt.projects ? { projects: rt.projects } : {}), {
          waitMs: WRITER_WAIT_MS,
          signal: stop.signal,
          onWait: (holder, ms) => rt.log.warn(`${describeHolder(holder)} is collecting; waiting up to ${ms / 60_000} min for it to finish`),
        });
        if (global.json) {
          process.stdout.write(`${redact(JSON.stringify(summary, null, 2))}\n`);
        } else {
          const rows = summary.targets.map((t) => [t.target, t.outcome, t.requests ?? 0, t.points ?? 0, redact(t.error ?? "")]);
          process.stdout.write(`${formatTable(["target", "outcome", "requests", "points", "error"], rows)}\n`);
          process.stdout.write(`run ${summary.runId}: ${summary.status}, ${summary.requests} requests, ${summary.points} rate-limit points\n`);
        }
        if (summary.status !== "ok") process.exitCode = 1;
      } finally {
        stop.dispose();
        rt.close();
      }
    });
}
