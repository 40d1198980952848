/** Minimal aligned text tables and CSV for command output. */
export function formatTable(headers: string[], rows: (string | number | null)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? "-" : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  // Numbers right-aligned, text left-aligned.
  const numeric = headers.map((_, i) => cells.slice(1).every((r) => /^(-|[-+]?[\d.,]+%?)$/.test(r[i] ?? "-")));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cells[0]!), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

export function formatCsv(headers: string[], rows: (string | number | null)[][]): string {
  return [headers.join(","), ...rows.map(csvLine)].join("\n");
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

export function fixed(value: number | null, digits = 2): string | null {
  return value === null ? null : value.toFixed(digits);
}

export function percent(value: number | null): string | null {
  return value === null ? null : `${Math.round(value * 100)}%`;
}
