import type { Command } from "commander";
import { onStopSignals } from "../../daemon/shutdown.js";
import type { Logger } from "../../util/log.js";
import { toIso } from "../../util/time.js";
import type { GlobalOptions } from "../runtime.js";

/** A graceful stop must end within 10 s (systemd's and Docker's patience is often 10 s). */
const DRAIN_DEADLINE_MS = 8_000;

export function registerDaemon(program: Command): void {
  program
    .command("daemon")
    .description("run the collection schedule in the foreground until SIGTERM or SIGINT")
    .action(async () => {
      // Installed first: a SIGTERM with no handler yet would kill the process on the spot.
      // They stay until the process ends, so that a second signal still exits at once.
      let log: Logger | undefined;
      const stopRequested = new Promise<string>((resolve) => {
        onStopSignals(
          (signal) => {
            log?.info(`${signal}: stopping after the work in flight (at most ${DRAIN_DEADLINE_MS / 1000} s)`);
            resolve(signal);
          },
          (signal) => {
            log?.error(`second ${signal}: exiting now`);
            process.exit(1);
          },
        );
      });
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ openRuntime }, { startDaemon }, { closeCleanly }] = await Promise.all([
        import("../runtime.js"),
        import("../../daemon/daemon.js"),
        import("../../store/open.js"),
      ]);
      const rt = await openRuntime(program.opts<GlobalOptions>());
      log = rt.log;
      let daemon: ReturnType<typeof startDaemon>;
      try {
        daemon = startDaemon({ ctx: rt, dbPath: rt.dbPath });
      } catch (error) {
        rt.close();
        throw error;
      }
      const { collect, timezone } = rt.config.schedule;
      const next = daemon.schedule.next(rt.clock());
      rt.log.info(`daemon started (pid ${process.pid}): collect on "${collect}" (${timezone}), next at ${next ? toIso(next) : "never"}`);

      const reason = await Promise.race([stopRequested, daemon.fatal.then((r) => `fatal: ${r}`)]);

      const drained = await daemon.stop(DRAIN_DEADLINE_MS);
      if (daemon.databaseLost) {
        // The handle points at a file that is gone: closing would checkpoint into it and remove
        // the WAL by name, which may be another database's by now. The process ends without it.
        rt.log.error(`stopped: ${reason.replace(/^fatal: /, "")}; start the daemon again once the database is where it should be`);
        process.exit(1);
      }
      if (!drained) {
        rt.log.error(`the run in flight did not finish within ${DRAIN_DEADLINE_MS / 1000} s: exiting without it`);
        process.exit(1);
      }
      closeCleanly(rt.db);
      rt.log.info("daemon stopped; database closed");
      process.exitCode = reason.startsWith("fatal:") ? 1 : 0;
      // Idle keep-alive sockets may hold the event loop a few seconds more; do not wait for them.
      setTimeout(() => process.exit(), 500).unref();
    });
}
