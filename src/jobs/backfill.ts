import { AuthError } from "../errors.js";
import type { StarWeek } from "../github/schemas.js";
import { saveRateBudgets } from "../store/rate-limits.js";
import { type RepoRow, reposOf, setRepoStatus, syncProjects } from "../store/repos.js";
import { type RunStatus, type TargetResult, finishRun, recordTarget, startRun } from "../store/runs.js";
import { type Stream, completeSync, getSync, saveCursor } from "../store/sync.js";
import { type Day, dayOf, toIso } from "../util/time.js";
import { type JobContext, packageDeps } from "./context.js";
import { identify, restIdentity } from "./identify.js";
import { outcomeOf, runStatus } from "./outcome.js";
import { BACKFILL_STREAMS, type BackfillStream } from "./defaults.js";
import { collectPackages } from "./packages.js";
import { type StreamContext, crawlCommits, crawlIssues, crawlReleases } from "./streams.js";

export { BACKFILL_STREAMS, type BackfillStream };

export interface BackfillOptions {
  projects?: string[];
  /** Rebuild from this day instead of the repo's creation. */
  since?: Day;
  only?: BackfillStream[];
  trigger?: string;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  repo: string;
  stream: Stream | "downloads";
  pages: number;
  items: number;
  done?: boolean;
}

export interface BackfillSummary {
  runId: number;
  status: RunStatus;
  targets: TargetResult[];
  requests: number;
  points: number;
}

/**
 * Rebuilds the past of each selected repo from the full lists, one repo at a time. Every page
 * is committed with its cursor, so an interrupted backfill resumes where it stopped.
 */
export async function backfill(ctx: JobContext, options: BackfillOptions = {}): Promise<BackfillSummary> {
  const { db, config, github, log } = ctx;
  const now = ctx.clock();
  const only = new Set<BackfillStream>(options.only ?? BACKFILL_STREAMS);
  syncProjects(db, config, now);
  const runId = startRun(db, "backfill", options.trigger ?? "cli", now);
  const names = options.projects ?? config.projects.map((p) => p.name);
  const repos = reposOf(db, names);

  const targets: TargetResult[] = [];
  let fatal: string | null = null;
  for (const repo of repos) {
    if (fatal || ctx.signal?.aborted) break;
    const tracked = await github.accounting.track(() => backfillRepo(ctx, repo, now, only, options));
    const result = outcomeOf(repo.full_name, tracked);
    if ("error" in tracked) {
      if (tracked.error instanceof AuthError) fatal = tracked.error.message;
      if (result.outcome === "gone" || result.outcome === "blocked") setRepoStatus(db, repo.id, result.outcome, result.error ?? null, now);
      log.warn(`${repo.full_name}: ${result.error}`);
    }
    recordTarget(db, runId, result);
    targets.push(result);
  }
  let registryRequests = 0;
  if (only.has("downloads") && !fatal && !ctx.signal?.aborted) {
    const packages = await collectPackages(packageDeps(ctx, now), { mode: "backfill", runId, projects: names, ...(options.since ? { since: options.since } : {}) });
    registryRequests = packages.requests;
    for (const p of packages.packages) {
      targets.push({ target: p.target, outcome: p.outcome, requests: p.requests, points: 0, ...(p.error ? { error: p.error } : {}) });
      options.onProgress?.({ repo: p.target, stream: "downloads", pages: p.requests, items: p.rowsWritten, done: true });
    }
  }
  const status = runStatus(targets, { fatal: fatal !== null, aborted: ctx.signal?.aborted === true });
  saveRateBudgets(db, [...github.accounting.budgets.values()]);
  const requests = github.accounting.total.requests + registryRequests;
  const points = github.accounting.total.points;
  finishRun(db, runId, { status, requests, points, ...(fatal ? { error: fatal } : {}), now: ctx.clock() });
  return { runId, status, targets, requests, points };
}

async function backfillRepo(ctx: JobContext, repo: RepoRow, now: Date, only: Set<BackfillStream>, options: BackfillOptions): Promise<void> {
  const { db, github } = ctx;
  if (repo.created_at === null || repo.default_branch === null) {
    repo = identify(ctx, repo, restIdentity(await github.getRepo(repo.full_name)), now);
  }
  const coversFrom = options.since ?? dayOf(repo.created_at!);
  const since = options.since ? `${options.since}T00:00:00Z` : null;
  const counters = new Map<string, { pages: number; items: number }>();
  const stream: StreamContext = {
    db,
    github,
    now,
    onPage: (name, items) => {
      const c = counters.get(name) ?? { pages: 0, items: 0 };
      c.pages++;
      c.items += items;
      counters.set(name, c);
      options.onProgress?.({ repo: repo.full_name, stream: name, ...c });
    },
  };
  const plan = { mode: "backfill" as const, since, coversFrom };
  if (only.has("commits")) await crawlCommits(stream, repo, plan);
  if (only.has("issues")) await crawlIssues(stream, repo, plan);
  if (only.has("releases")) await crawlReleases(stream, repo, plan);
  if (only.has("stars")) await crawlStarHistory(stream, repo);
}

/**
 * Star history: weekly rows, newest first, each with the stars given on each of its 7 days
 * that are still present today. Stored as "retained stars" per day, apart from the snapshots.
 * GitHub does not promise UTC week boundaries: a week's first day is its `week` timestamp's UTC day.
 */
export async function crawlStarHistory(ctx: StreamContext, repo: RepoRow): Promise<void> {
  const { db } = ctx;
  const state = getSync(db, repo.id, "stars");
  const cursor = state?.cursor?.mode === "backfill" ? state.cursor : { next: null, mode: "backfill" as const, startedAt: toIso(ctx.now) };
  const upsert = db.prepare(
    `INSERT INTO star_history (repo_id, day, stars_added) VALUES (?, ?, ?)
     ON CONFLICT (repo_id, day) DO UPDATE SET stars_added = excluded.stars_added`,
  );
  let first: Day | null = cursor.coversFrom ?? null;
  for await (const page of ctx.github.starHistory(repo.full_name, cursor.next ?? undefined)) {
    if (page.notModified) break;
    db.transaction(() => {
      for (const week of page.items) {
        for (const [day, n] of daysOf(week)) {
          upsert.run(repo.id, day, n);
          if (first === null || day < first) first = day;
        }
      }
      saveCursor(db, repo.id, "stars", { ...cursor, next: page.next, ...(first ? { coversFrom: first } : {}) }, ctx.now);
    }).immediate();
    ctx.onPage?.("stars", page.items.length);
  }
  // The whole history read: retained stars are known from the repo's creation on.
  const from = repo.created_at ? dayOf(repo.created_at) : (first ?? dayOf(ctx.now));
  completeSync(db, repo.id, "stars", from, new Date(cursor.startedAt ?? toIso(ctx.now)), ctx.now);
}

function daysOf(week: StarWeek): [Day, number][] {
  const start = week.week * 1000;
  return week.days.map((n, i) => [dayOf(new Date(start + i * 86_400_000)), n]);
}
