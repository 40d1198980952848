import { once } from "node:events";

/** Aligned text tables and CSV for command output, written line by line. */
export type Cell = string | number | null;

const NUMERIC = /^(-|[-+]?[\d.,]+%?)$/;

/**
 * An aligned table, one line at a time. `rows` is read twice, once for the column widths and
 * once to print, so that a table of any length holds one row at a time.
 */
export function* tableLines(headers: string[], rows: () => Iterable<Cell[]>): Generator<string> {
  const text = (r: Cell[]) => headers.map((_, i) => (r[i] === null || r[i] === undefined ? "-" : String(r[i])));
  const widths = headers.map((h) => h.length);
  // Numbers right-aligned, text left-aligned.
  const numeric = headers.map(() => true);
  for (const row of rows()) {
    text(row).forEach((c, i) => {
      widths[i] = Math.max(widths[i]!, c.length);
      if (numeric[i] && !NUMERIC.test(c)) numeric[i] = false;
    });
  }
  const line = (r: string[]) => `${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()}\n`;
  yield line(headers);
  yield line(widths.map((w) => "-".repeat(w)));
  for (const row of rows()) yield line(text(row));
}

/** One CSV record (RFC 4180 quoting); null is an empty field. */
export function csvLine(values: readonly (string | number | bigint | null)[]): string {
  return values.map(csvField).join(",");
}

export function csvField(value: string | number | bigint | null): string {
  if (value === null) return "";
  // Same digits as String() for a finite number, but String(double) over millions of rows grows
  // V8's heap by tens of MB (measured with bench/export.ts) and JSON.stringify does not.
  if (typeof value === "number" && Number.isFinite(value)) return JSON.stringify(value);
  if (typeof value !== "string") return String(value);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatTable(headers: string[], rows: Cell[][]): string {
  return [...tableLines(headers, () => rows)].join("").slice(0, -1);
}

/** CSV, one line at a time (each ends with a newline). */
export function* csvLines(headers: string[], rows: Iterable<Cell[]>): Generator<string> {
  yield `${headers.join(",")}\n`;
  for (const row of rows) yield `${csvLine(row)}\n`;
}

export function formatCsv(headers: string[], rows: Cell[][]): string {
  return [...csvLines(headers, rows)].join("").slice(0, -1);
}

/**
 * Writes text to a stream in chunks of 64 KiB, waiting whenever the reader is behind. Each part
 * is copied into one reused buffer at once, so no text outlives its line: a long output keeps
 * V8's young generation as small as a short one (text gathered into a string until a flush
 * survived collections, and V8 grew the generation to a multiple of the megabytes it printed).
 */
export async function writeOut(parts: Iterable<string>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const send = async (bytes: Buffer) => {
    if (!out.write(bytes)) await once(out, "drain");
  };
  for (const part of parts) {
    const length = Buffer.byteLength(part);
    if (used + length > CHUNK_BYTES && used > 0) {
      // A copy: the stream may keep what it was given until it is written.
      await send(Buffer.from(chunk.subarray(0, used)));
      used = 0;
    }
    if (length > CHUNK_BYTES) await send(Buffer.from(part));
    else used += chunk.write(part, used);
  }
  if (used > 0) await send(Buffer.from(chunk.subarray(0, used)));
}

const CHUNK_BYTES = 65_536;

export function fixed(value: number | null, digits = 2): string | null {
  return value === null ? null : value.toFixed(digits);
}

export function percent(value: number | null): string | null {
  return value === null ? null : `${Math.round(value * 100)}%`;
}
