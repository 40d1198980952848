import type { ProjectCoverage } from "../jobs/coverage.js";

/** One line a project: what it covers, then one line per repo or package that joined or left in the last collect. */
export function renderCoverage(coverage: readonly ProjectCoverage[]): string[] {
  const lines: string[] = [];
  for (const c of coverage) {
    const joined = c.changes.filter((x) => x.change === "joined").length;
    const left = c.changes.filter((x) => x.change === "left").length;
    const moved = joined + left > 0 ? `; in the last collect ${joined} joined, ${left} left` : "";
    lines.push(`${c.project}: ${c.repos} ${c.repos === 1 ? "repository" : "repositories"}, ${c.packages} ${c.packages === 1 ? "package" : "packages"}${moved}`);
    for (const x of c.changes) {
      const detail = x.change === "joined" ? (x.day === "0001-01-01" ? "counts from the beginning" : `counts from ${x.day}`) : `stops counting on ${x.day}${x.reason ? `: ${x.reason}` : ""}`;
      lines.push(`  ${x.change === "joined" ? "+" : "-"} ${x.name} ${x.change} (${detail})`);
    }
  }
  return lines;
}
