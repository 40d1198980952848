import type { Command } from "commander";
import { ConfigError } from "../../errors.js";
import { DEFAULT_GRACE_MS } from "../../jobs/defaults.js";
import type { StatusReport } from "../../jobs/status.js";
import type { LeaseHolder } from "../../store/leases.js";
import type { RunInfo } from "../../store/runs.js";
import { clockFromEnv } from "../../util/time.js";
import { formatTable } from "../output.js";
import type { GlobalOptions } from "../runtime.js";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("projects and their data freshness, last and next runs, failures, rate limits; exit 1 when data is stale")
    .option("--grace <minutes>", "how late a scheduled collect may be before the data counts as stale", String(DEFAULT_GRACE_MS / 60_000))
    .action(async (opts: { grace: string }) => {
      const global = program.opts<GlobalOptions>();
      const graceMinutes = Number(opts.grace);
      if (!Number.isFinite(graceMinutes) || graceMinutes < 0) throw new ConfigError([`--grace: must be a number of minutes, got ${JSON.stringify(opts.grace)}`]);
      // Dependencies load when the command runs, so that `--help` stays quick.
      const [{ loadSettings }, { openDb }, { statusReport }, { describeHolder }] = await Promise.all([
        import("../runtime.js"),
        import("../../store/open.js"),
        import("../../jobs/status.js"),
        import("../../coordination/lease.js"),
      ]);
      const settings = loadSettings(global);
      // Read-only: a health check must not migrate, or wait on, a database the daemon writes.
      const db = openDb(settings.dbPath, { create: false, readonly: true });
      let report: StatusReport;
      try {
        report = statusReport(db, settings.config, { now: clockFromEnv()(), dbPath: settings.dbPath, graceMs: graceMinutes * 60_000 });
      } finally {
        db.close();
      }
      process.stdout.write(global.json ? `${JSON.stringify(report, null, 2)}\n` : render(report, describeHolder));
      if (!report.healthy) process.exitCode = 1;
    });
}

function render(r: StatusReport, describeHolder: (holder: LeaseHolder) => string): string {
  const lines: string[] = [];
  lines.push(r.healthy ? `health: ok (as of ${r.now})` : `health: STALE: ${r.staleness.reason} (grace ${r.staleness.graceMinutes} min)`);
  lines.push(`daemon: ${r.daemon ? `running, ${describeHolder(r.daemon)}` : "not running"}`);
  lines.push(`schedule: "${r.schedule.collect}" (${r.schedule.timezone}); last slot ${r.schedule.previous ?? "-"}, next ${r.schedule.next ?? "-"}`);
  lines.push(`last collect: ${run(r.runs.lastCollect)}`);
  lines.push(`last successful collect: ${run(r.runs.lastSuccessfulCollect)}`);
  lines.push(`last score: ${run(r.runs.lastScore)}`);
  if (r.rateLimitPausedUntil) lines.push(`rate limit spent: collection resumes at ${r.rateLimitPausedUntil}`);
  lines.push("");
  const rows: (string | null)[][] = [];
  for (const p of r.projects) {
    for (const repo of p.repos) {
      const s = repo.syncedTo;
      rows.push([p.name, repo.repo, repo.status, repo.lastSnapshot, s.commits, s.issues, s.releases]);
    }
    for (const pkg of p.packages) rows.push([p.name, pkg.package, pkg.status, pkg.lastSnapshot ?? pkg.lastDownloadDay, null, null, null]);
  }
  lines.push(formatTable(["project", "target", "status", "snapshot", "commits to", "issues to", "releases to"], rows));
  if (r.failures.length > 0) {
    lines.push("", "failures (latest outcome of each target):");
    lines.push(formatTable(["target", "outcome", "run", "at", "reason"], r.failures.map((f) => [f.target, f.outcome, String(f.runId), f.at, f.error ?? ""])));
  }
  if (r.rateLimits.length > 0) {
    lines.push("", "rate limits (as last seen):");
    lines.push(formatTable(["resource", "token", "remaining", "quota", "resets at", "seen at"], r.rateLimits.map((l) => [l.resource, l.token, String(l.remaining), String(l.quota), l.resetAt, l.observedAt])));
  }
  lines.push("", `database: ${r.database.path}, ${mb(r.database.bytes)}, WAL ${mb(r.database.walBytes)}`);
  return `${lines.join("\n")}\n`;
}

function run(info: RunInfo | null): string {
  if (!info) return "none";
  const error = info.error ? `: ${info.error}` : "";
  return `run ${info.id} (${info.trigger}) ${info.status}, started ${info.startedAt}${info.finishedAt ? `, finished ${info.finishedAt}` : ""}${error}`;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
