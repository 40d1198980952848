import { UnavailableError } from "../errors.js";
import { type GitHubClient, type ItemSchema, type ListPage, MAX_PAGES_PER_STREAM, PageCapError, pageCap } from "../github/client.js";
import { CommitItem, IssueItem, ReleaseItem } from "../github/schemas.js";
import { latestCommitDate, latestIssueUpdate, upsertCommits, upsertIssues, upsertReleases } from "../store/facts.js";
import { type Db, inTransaction } from "../store/open.js";
import type { RepoRow } from "../store/repos.js";
import { type Cursor, type Stream, completeSync, getSync, saveCursor, saveFirstPage } from "../store/sync.js";
import { BEGINNING, type Day, toIso } from "../util/time.js";

/**
 * The crawls of one repo's streams, shared by collect and backfill. Every page is written in
 * one immediate transaction together with the cursor that resumes after it, so a crash at
 * any instant loses nothing and duplicates nothing.
 */
export interface StreamContext {
  db: Db;
  github: GitHubClient;
  now: Date;
  /** Called after each committed page (progress bars). */
  onPage?: (stream: Stream, items: number) => void;
}

export interface CrawlPlan {
  /** Where the crawl starts when there is nothing to resume. */
  since: string | null;
  /** The first day this crawl makes complete (null: extends what is already covered). */
  coversFrom: Day | null;
  mode: "collect" | "backfill";
}

const PAGE = 100;
/**
 * Commits can arrive with committer dates in the past (a branch merged with a merge commit keeps
 * its commits' dates): each incremental crawl reaches this far before what was last seen.
 */
const LOOKBACK_MS = 7 * 86_400_000;

/** Commits of the default branch, newest first, following Link rel="next". */
export async function crawlCommits(ctx: StreamContext, repo: RepoRow, plan: CrawlPlan): Promise<number> {
  const branch = repo.default_branch;
  const state = getSync(ctx.db, repo.id, "commits");
  let cursor = resumable(state?.cursor, plan);
  if (!cursor) {
    const query = new URLSearchParams();
    if (branch) query.set("sha", branch);
    if (plan.since) query.set("since", plan.since);
    query.set("per_page", String(PAGE));
    cursor = { next: `/repos/${repo.full_name}/commits?${query}`, mode: plan.mode, coversFrom: plan.coversFrom ?? undefined, startedAt: toIso(ctx.now) };
  }
  let count = 0;
  let emptyRepo = false;
  try {
    count = await followLinks(ctx, repo, "commits", cursor, CommitItem, (items, saved) => {
      upsertCommits(ctx.db, repo.id, items);
      if (items.some((c) => c.parents.length === 0)) saved.reachedRoot = true;
    });
  } catch (error) {
    // 409: the repository has no commits at all (https://github.com/octokit/plugin-paginate-rest.js/issues/158).
    if (!(error instanceof UnavailableError && error.reason === "empty")) throw error;
    emptyRepo = true;
  }
  // A crawl without a lower bound, or one that met the root commit, has read the whole history.
  const whole = emptyRepo || plan.since === null || getSync(ctx.db, repo.id, "commits")?.cursor?.reachedRoot === true;
  finish(ctx, repo, "commits", whole ? { ...cursor, coversFrom: BEGINNING } : cursor);
  return count;
}

/**
 * Commits already read (the GraphQL history of a collect), written with the stream's sync in one
 * transaction: a crash before it leaves the stream where it was, to be read again. Those in
 * `keep` are stored already and stay as they are. Covers what `crawlCommits` with the same plan
 * would: the whole history when there was no lower bound or the root commit is among them.
 */
export function storeCommits(ctx: StreamContext, repo: RepoRow, items: CommitItem[], plan: CrawlPlan, keep: ReadonlySet<string> = new Set()): number {
  const whole = plan.since === null || items.some((c) => c.parents.length === 0);
  inTransaction(ctx.db, () => {
    upsertCommits(ctx.db, repo.id, items.filter((c) => !keep.has(c.sha)));
    completeSync(ctx.db, repo.id, "commits", whole ? BEGINNING : (plan.coversFrom ?? null), ctx.now, ctx.now);
  });
  ctx.onPage?.("commits", items.length);
  return items.length;
}

/** Releases, newest first; always the whole list, since asset download counts keep changing. */
export async function crawlReleases(ctx: StreamContext, repo: RepoRow, plan: CrawlPlan): Promise<number> {
  const state = getSync(ctx.db, repo.id, "releases");
  const cursor = resumable(state?.cursor, plan) ?? {
    next: `/repos/${repo.full_name}/releases?per_page=${PAGE}`,
    mode: plan.mode,
    coversFrom: plan.coversFrom ?? undefined,
    startedAt: toIso(ctx.now),
  };
  const count = await followLinks(ctx, repo, "releases", cursor, ReleaseItem, (items) => upsertReleases(ctx.db, repo.id, items));
  finish(ctx, repo, "releases", cursor);
  return count;
}

/**
 * Issues and pull requests in ascending `updated_at`, restarting each page from the last
 * `updated_at` committed (inclusive). Items edited during the crawl move to its end and are
 * read there, so a long crawl leaves no holes; boundary repeats collapse in the upsert.
 */
export async function crawlIssues(ctx: StreamContext, repo: RepoRow, plan: CrawlPlan): Promise<number> {
  const state = getSync(ctx.db, repo.id, "issues");
  const cursor: Cursor = resumable(state?.cursor, plan) ?? {
    since: plan.since ?? undefined,
    page: 1,
    mode: plan.mode,
    coversFrom: plan.coversFrom ?? undefined,
    startedAt: toIso(ctx.now),
  };
  let count = 0;
  let perPage = cursor.perPage ?? PAGE;
  let cap = MAX_PAGES_PER_STREAM;
  for (let pages = 0; ; pages++) {
    if (pages >= cap) throw new PageCapError(`/repos/${repo.full_name}/issues`, pages);
    const query = new URLSearchParams({ state: "all", sort: "updated", direction: "asc" });
    if (cursor.since) query.set("since", cursor.since);
    query.set("per_page", String(perPage));
    if ((cursor.page ?? 1) > 1) query.set("page", String(cursor.page));
    const page: ListPage<IssueItem> = await ctx.github.page(repo.full_name, `/repos/${repo.full_name}/issues?${query}`, IssueItem);
    if (page.notModified) break;
    if (pages === 0) cap = pageCap(page.lastPage, cursor.page ?? 1);
    perPage = Number(new URLSearchParams(page.url.split("?")[1]).get("per_page") ?? perPage);
    const last = page.items.at(-1);
    const lastUpdated = last ? toIso(last.updated_at) : cursor.since;
    // A full page of items sharing one updated_at cannot move `since` forward: go to the next page instead.
    const samePoint = lastUpdated === cursor.since;
    const nextCursor: Cursor = { ...cursor, since: lastUpdated, page: samePoint ? (cursor.page ?? 1) + 1 : 1, perPage };
    inTransaction(ctx.db, () => {
      upsertIssues(ctx.db, repo.id, page.items);
      saveFirstPage(ctx.db, page, ctx.now);
      saveCursor(ctx.db, repo.id, "issues", nextCursor, ctx.now);
    });
    count += page.items.length;
    ctx.onPage?.("issues", page.items.length);
    if (page.next === null) break;
    Object.assign(cursor, nextCursor);
  }
  finish(ctx, repo, "issues", cursor);
  return count;
}

/**
 * The issue crawl's starting point after a completed crawl: the newest `updated_at` seen (so an
 * unchanged repo answers 304). With none stored, the start of what the stream covers, which
 * does not move from day to day either; only without that, the last sync minus the lookback.
 */
export function issuesSince(db: Db, repoId: number, syncedTo: string, coveredFrom?: string | null): string | null {
  const latest = latestIssueUpdate(db, repoId);
  if (latest !== null) return latest;
  if (coveredFrom) return coverageStart(coveredFrom);
  return toIso(new Date(Date.parse(syncedTo) - LOOKBACK_MS));
}

/**
 * Where an incremental commit crawl starts: the lookback before the newest commit seen or the
 * last sync, whichever is earlier. A commit dated in the future cannot move it past now, and a
 * quiet repo keeps the same URL from day to day (so it answers 304). With no commit stored, the
 * start of what the stream covers (null: the whole list, for a stream covered from the beginning).
 */
export function commitsSince(db: Db, repoId: number, syncedTo: string, now: Date, coveredFrom?: string | null): string | null {
  const latest = latestCommitDate(db, repoId);
  if (latest === null && coveredFrom) return coverageStart(coveredFrom);
  const bound = Math.min(Date.parse(syncedTo), now.getTime(), latest ? Date.parse(latest) : Number.POSITIVE_INFINITY);
  return toIso(new Date(bound - LOOKBACK_MS));
}

/** The instant a stream's coverage starts; null for "from the beginning" (no lower bound) or unknown. */
function coverageStart(coveredFrom: string | null | undefined): string | null {
  if (!coveredFrom || coveredFrom === BEGINNING) return null;
  return `${coveredFrom}T00:00:00Z`;
}

async function followLinks<T>(
  ctx: StreamContext,
  repo: RepoRow,
  stream: Stream,
  cursor: Cursor,
  schema: ItemSchema<T>,
  write: (items: T[], saved: Cursor) => void,
): Promise<number> {
  let count = 0;
  if (!cursor.next) return 0;
  const saved: Cursor = { ...cursor };
  for await (const page of ctx.github.list(repo.full_name, cursor.next, schema)) {
    if (page.notModified) break;
    inTransaction(ctx.db, () => {
      write(page.items, saved);
      saveFirstPage(ctx.db, page, ctx.now);
      saved.next = page.next;
      saveCursor(ctx.db, repo.id, stream, saved, ctx.now);
    });
    count += page.items.length;
    ctx.onPage?.(stream, page.items.length);
  }
  return count;
}

function finish(ctx: StreamContext, repo: RepoRow, stream: Stream, cursor: Cursor): void {
  const syncedTo = cursor.startedAt ? new Date(cursor.startedAt) : ctx.now;
  completeSync(ctx.db, repo.id, stream, cursor.coversFrom ?? null, syncedTo, ctx.now);
}

/**
 * A crawl left unfinished resumes where it stopped. A collect finishes an interrupted backfill
 * (which covers more than it would); a backfill resumes only a backfill of the same range.
 */
function resumable(cursor: Cursor | null | undefined, plan: CrawlPlan): Cursor | null {
  if (!cursor) return null;
  if (plan.mode === "backfill" && (cursor.mode !== "backfill" || (cursor.coversFrom ?? null) !== plan.coversFrom)) return null;
  return { ...cursor };
}
