import { createRequire } from "node:module";
import { pino, type Logger } from "pino";
import type PinoPretty from "pino-pretty";
import { redact } from "./secrets.js";

const require = createRequire(import.meta.url);

export type { Logger };

export interface LogOptions {
  /** Human lines (TTY) or JSON lines (services, files). Default: human on a TTY. */
  format?: "human" | "json";
  level?: string;
}

/**
 * Logs go to stderr so stdout stays for command output. Every string passes through redact(),
 * so a token that slipped into a message never reaches a log.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const format = options.format ?? (process.stderr.isTTY ? "human" : "json");
  const level = options.level ?? process.env.OSS_PULSE_LOG_LEVEL ?? "info";
  const base = {
    level,
    base: undefined,
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map(scrub));
      },
    },
  };
  if (format === "human") {
    // Loaded only for a terminal: pino-pretty and its dependencies cost tens of milliseconds
    // at start-up, and services, pipes and files log JSON. It is CommonJS, so require() keeps
    // this function synchronous.
    const pretty = require("pino-pretty") as typeof PinoPretty;
    return pino(base, pretty({ destination: 2, sync: true, colorize: true, ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss" }));
  }
  return pino({ ...base, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
}

function scrub(value: unknown): unknown {
  if (typeof value === "string") return redact(value);
  if (value instanceof Error) return { err: redact(value.message), kind: value.name };
  if (value && typeof value === "object") return JSON.parse(redact(JSON.stringify(value))) as unknown;
  return value;
}

/** A logger that drops everything (tests, --quiet). */
export const silentLogger: Logger = pino({ level: "silent" });
