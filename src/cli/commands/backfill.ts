import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import type { ProgressEvent } from "../../jobs/backfill.js";
import { BACKFILL_STREAMS, type BackfillStream } from "../../jobs/defaults.js";
import { isDay } from "../../util/time.js";
import { redact } from "../../util/secrets.js";
import { formatTable } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

export function registerBackfill(program: Command): void {
  program
    .command("backfill")
    .description("rebuild history from the full lists (resumable), then re-score every day")
    .option("-p, --project <name...>", "only these projects")
    .option("--since <day>", "rebuild from this day (YYYY-MM-DD) instead of each repo's creation")
    .option("--only <streams>", `comma-separated subset of ${BACKFILL_STREAMS.join(",")}`)
    .action(async (opts: { project?: string[]; since?: string; only?: string }) => {
      const global = program.opts<GlobalOptions>();
      const problems: string[] = [];
      if (opts.since !== undefined && !isDay(opts.since)) problems.push(`--since: must be a day YYYY-MM-DD, got ${JSON.stringify(opts.since)}`);
      const only = opts.only?.split(",").map((s) => s.trim()) ?? undefined;
      for (const s of only ?? []) if (!(BACKFILL_STREAMS as readonly string[]).includes(s)) problems.push(`--only: unknown stream "${s}"`);
      if (problems.length > 0) throw new ConfigError(problems);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openRuntime }, { WRITER_WAIT_MS, describeHolder, withWriterLease }, { backfill }, { score }, { stopOnSignals }] = await Promise.all([
        import("../runtime.js"),
        import("../../coordination/lease.js"),
        import("../../jobs/backfill.js"),
        import("../../jobs/score.js"),
        import("../../daemon/shutdown.js"),
      ]);
      const rt = await openRuntime(global, opts.project);
      const stop = stopOnSignals((s) => rt.log.warn(`${s}: stopping; the run is recorded as interrupted`));
      const progress = await createProgress(global.json === true);
      try {
        // A daemon collecting right now is waited for (bounded), never raced.
        const summary = await withWriterLease(
          rt.db,
          "backfill (CLI)",
          (lost) =>
            backfill({ ...rt, signal: AbortSignal.any([lost, stop.signal]) }, {
              ...(rt.projects ? { projects: rt.projects } : {}),
              ...(opts.since ? { since: opts.since } : {}),
              ...(only ? { only: only as BackfillStream[] } : {}),
              onProgress: progress.update,
            }),
          { waitMs: WRITER_WAIT_MS, signal: stop.signal, onWait: (holder, ms) => rt.log.warn(`${describeHolder(holder)} is collecting; waiting up to ${ms / 60_000} min for it to finish`) },
        );
        progress.stop();
        // Stopped: no scoring either; the next backfill or collect scores.
        const scored = stop.signal.aborted ? null : score(rt, rt.projects ? { projects: rt.projects } : {});
        if (global.json) {
          process.stdout.write(`${redact(JSON.stringify({ ...summary, scored }, null, 2))}\n`);
        } else {
          const rows = summary.targets.map((t) => [t.target, t.outcome, t.requests ?? 0, t.points ?? 0, redact(t.error ?? "")]);
          process.stdout.write(`${formatTable(["repo", "outcome", "requests", "points", "error"], rows)}\n`);
          process.stdout.write(`run ${summary.runId}: ${summary.status}, ${summary.requests} requests; ${scored ? `${scored.rows} score rows` : "not scored"}\n`);
        }
        if (summary.status !== "ok") process.exitCode = 1;
      } finally {
        stop.dispose();
        progress.stop();
        rt.close();
      }
    });
}

/** A bar per repo and stream on a terminal; a log line every few pages otherwise. */
async function createProgress(quiet: boolean): Promise<{ update: (e: ProgressEvent) => void; stop: () => void }> {
  if (quiet || !process.stderr.isTTY) {
    return {
      update: (e) => {
        if (!quiet && e.pages % 20 === 1) process.stderr.write(`${e.repo} ${e.stream}: ${e.pages} pages, ${e.items} items\n`);
      },
      stop: () => {},
    };
  }
  const { default: cliProgress } = await import("cli-progress");
  const multi = new cliProgress.MultiBar(
    { stream: process.stderr, format: "{repo} {stream} | {pages} pages | {items} items | {rate}/s", clearOnComplete: false, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: ReturnType<typeof multi.create>; started: number }>();
  let stopped = false;
  return {
    update: (e) => {
      const key = `${e.repo} ${e.stream}`;
      let entry = bars.get(key);
      if (!entry) {
        entry = { bar: multi.create(0, 0, { repo: e.repo, stream: e.stream, pages: 0, items: 0, rate: 0 }), started: Date.now() };
        bars.set(key, entry);
      }
      const seconds = Math.max(0.001, (Date.now() - entry.started) / 1000);
      entry.bar.update(e.items, { pages: e.pages, items: e.items, rate: Math.round(e.items / seconds) });
    },
    stop: () => {
      if (!stopped) multi.stop();
      stopped = true;
    },
  };
}
