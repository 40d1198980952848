import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import type { GlobalOptions } from "../runtime.js";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create the database (migrations) and, if absent, config/oss-pulse.yaml from the example")
    .action(async () => {
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ DEFAULT_CONFIG_PATH, EXAMPLE_CONFIG_PATH }, { openDb }, { loadSettings }] = await Promise.all([
        import("../../config/load.js"),
        import("../../store/open.js"),
        import("../runtime.js"),
      ]);
      const options = program.opts<GlobalOptions>();
      const target = options.config ?? DEFAULT_CONFIG_PATH;
      if (!existsSync(target)) {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(EXAMPLE_CONFIG_PATH, target);
        process.stdout.write(`wrote ${target} (edit it to choose your projects)\n`);
      }
      const settings = loadSettings({ ...options, config: target });
      openDb(settings.dbPath).close();
      process.stdout.write(`database ready: ${settings.dbPath}\n`);
    });
}
