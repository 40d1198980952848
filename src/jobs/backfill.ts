import { selectProjects } from "../config/projects.js";
import type { StarWeek } from "../github/schemas.js";
import { upsertStarHistory } from "../store/facts.js";
import { inTransaction } from "../store/open.js";
import { type RepoRow, reposOf, syncProjects } from "../store/repos.js";
import { type Stream, completeSync, getSync, saveCursor } from "../store/sync.js";
import { type Day, dayOf, toIso } from "../util/time.js";
import type { JobContext } from "./context.js";
import { identify, restIdentity } from "./identify.js";
import { BACKFILL_STREAMS, type BackfillStream } from "./defaults.js";
import { type RunSummary, runTargets } from "./run.js";
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

/**
 * Rebuilds the past of each selected repo from the full lists, one repo at a time. Every page
 * is committed with its cursor, so an interrupted backfill resumes where it stopped.
 */
export async function backfill(ctx: JobContext, options: BackfillOptions = {}): Promise<RunSummary> {
  const { db, config } = ctx;
  const projects = selectProjects(config, options.projects).map((p) => p.name);
  const now = ctx.clock();
  const only = new Set<BackfillStream>(options.only ?? BACKFILL_STREAMS);
  syncProjects(db, config, now);
  return runTargets(ctx, {
    kind: "backfill",
    trigger: options.trigger ?? "cli",
    now,
    repos: reposOf(db, projects),
    concurrency: 1,
    repoWork: (repo) => backfillRepo(ctx, repo, now, only, options),
    packages: only.has("downloads") ? { mode: "backfill", projects, ...(options.since ? { since: options.since } : {}) } : null,
    onPackage: (p) => options.onProgress?.({ repo: p.target, stream: "downloads", pages: p.requests, items: p.rowsWritten, done: true }),
  });
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
  let first: Day | null = cursor.coversFrom ?? null;
  for await (const page of ctx.github.starHistory(repo.full_name, cursor.next ?? undefined, repo.created_at)) {
    if (page.notModified) break;
    inTransaction(db, () => {
      for (const week of page.items) {
        const days = daysOf(week);
        upsertStarHistory(db, repo.id, days);
        for (const [day] of days) if (first === null || day < first) first = day;
      }
      saveCursor(db, repo.id, "stars", { ...cursor, next: page.next, ...(first ? { coversFrom: first } : {}) }, ctx.now);
    });
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
