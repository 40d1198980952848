// The CLI as users run it: tsc's output (dist/src) bundled into a few files, so that a command
// loads a few dozen files instead of nearly two hundred modules (zod alone is 95 of them).
import { defineConfig } from "rolldown";

export default defineConfig({
  input: { "oss-pulse": "dist/src/cli/main.js" },
  platform: "node",
  // Native code, and packages that find their own files at run time, stay in node_modules.
  external: [/^node:/, "better-sqlite3", "pino", "pino-pretty", "node-cron"],
  output: { dir: "dist/cli", cleanDir: true, format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: true },
});
