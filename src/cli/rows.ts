import { mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import cliProgress from "cli-progress";
import { ConfigError } from "../errors.js";
import { outputFileProblem } from "../util/output-file.js";
import { csvField, csvLine } from "./output.js";

export type RowFormat = "csv" | "jsonl" | "json";

type Cell = string | number | bigint | null;

/** A value as text or JSON: BLOBs as hex, everything else as SQLite gave it. */
function cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString("hex");
  return value as Cell;
}

/**
 * Rows written synchronously through one reused buffer: memory stays flat however many rows
 * pass. Rows come as arrays in column order (a statement in raw mode).
 */
export class RowSink {
  private readonly buffer = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  rows = 0;

  constructor(
    private readonly fd: number,
    private readonly format: RowFormat,
    private readonly columns: readonly string[],
  ) {
    if (format === "csv") this.push(`${csvLine(columns)}\n`);
    if (format === "json") this.push("[");
  }

  write(values: readonly unknown[]): void {
    if (this.format === "csv") {
      let line = "";
      for (let i = 0; i < values.length; i++) line += (i === 0 ? "" : ",") + csvField(cell(values[i]));
      this.push(`${line}\n`);
    } else {
      const object: Record<string, unknown> = {};
      this.columns.forEach((c, i) => {
        const v = cell(values[i]);
        object[c] = typeof v === "bigint" ? v.toString() : v;
      });
      const text = JSON.stringify(object);
      this.push(this.format === "jsonl" ? `${text}\n` : `${this.rows === 0 ? "\n" : ",\n"}${text}`);
    }
    this.rows++;
  }

  end(): void {
    if (this.format === "json") this.push(this.rows === 0 ? "]\n" : "\n]\n");
    this.flush();
  }

  private push(text: string): void {
    const length = Buffer.byteLength(text);
    if (this.used + length > this.buffer.length) this.flush();
    if (length > this.buffer.length) {
      writeAll(this.fd, Buffer.from(text));
      return;
    }
    this.used += this.buffer.write(text, this.used);
  }

  private flush(): void {
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** The reader went away (`oss-pulse export … | head`): stop writing, as a pipe's writer does. */
export class OutputClosed extends Error {
  override name = "OutputClosed";
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") throw new OutputClosed("output closed");
      // A pipe in non-blocking mode (a parent process that reads it through Node's streams) whose
      // reader is behind: wait a moment and write again, as a blocking write would.
      if (code === "EAGAIN") {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      throw error;
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));


/**
 * Opens the output file: an existing file is refused without `force`, and an SQLite database is
 * never overwritten (exit 2 either way).
 */
export function openOutput(path: string, force: boolean, dbPath: string): number {
  const target = resolve(path);
  if (target === resolve(dbPath) || [`${dbPath}-wal`, `${dbPath}-shm`].map((p) => resolve(p)).includes(target)) {
    throw new ConfigError([`--out: ${path} is the database itself; refusing to overwrite it`]);
  }
  const problem = outputFileProblem(path, "--out", force);
  if (problem) throw new ConfigError([problem]);
  mkdirSync(dirname(target), { recursive: true });
  try {
    return openSync(target, force ? "w" : "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new ConfigError([`--out: ${path} already exists; pass --force to overwrite it`]);
    throw error;
  }
}


/** A progress line on a terminal (rows so far and their rate); nothing when stderr is not one. */
export function progressLine(enabled: boolean): { tick(rows: number): void; stop(rows: number): void } {
  if (!enabled) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: "export: {value} rows, {rate} rows/s", fps: 5, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(0, 0, { rate: 0 });
  let last = 0;
  const show = (rows: number, now: number) => {
    bar.setTotal(rows);
    bar.update(rows, { rate: Math.round(rows / Math.max(0.001, (now - started) / 1000)) });
  };
  return {
    tick(rows) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      show(rows, now);
    },
    stop(rows) {
      show(rows, Date.now());
      bar.stop();
    },
  };
}
