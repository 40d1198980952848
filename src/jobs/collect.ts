import { selectProjects } from "../config/projects.js";
import { AuthError, OfflineError, UnavailableError, errorMessage } from "../errors.js";
import type { HistoryResult, SnapshotResult } from "../github/client.js";
import type { RepoSnapshotNode } from "../github/schemas.js";
import { type MarkedStream, type Markers, getMarkers, setMarker } from "../store/markers.js";
import { backfillDone, departedSince, pendingBackfill, settleDepartures } from "../store/membership.js";
import { type RepoRow, carrySnapshot, repoById, reposOf, setReleaseDownloads, setSnapshotReleaseCount, syncProjects, upsertRepoSnapshot } from "../store/repos.js";
import { HISTORY_FIRST_PAGE } from "../github/queries.js";
import { countCommitsFrom, storedCommits } from "../store/facts.js";
import { completeSync, getSync, saveFirstPage } from "../store/sync.js";
import { BEGINNING, addDays, dayOf, toIso } from "../util/time.js";
import { type JobContext, maxWindow } from "./context.js";
import { backfillRepo } from "./backfill.js";
import { identify, restIdentity } from "./identify.js";
import { discoverOwners } from "./portfolio.js";
import { collectTraffic } from "./traffic.js";
import { type RunSummary, runTargets } from "./run.js";
import { type StreamContext, commitsSince, crawlCommits, crawlIssues, crawlReleases, issuesSince, storeCommits } from "./streams.js";

export interface CollectOptions {
  /** Limit to these projects (default: all in the config). */
  projects?: string[];
  trigger?: string;
}

export interface CollectSummary extends RunSummary {
  day: string;
}

/**
 * One collection cycle: a snapshot of every repo's counts, then everything new since the last
 * cycle. A repo seen for the first time is collected back one model window, so A(x) is right
 * on day one. A failing repo is recorded with its error and the others go on.
 */
export async function collect(ctx: JobContext, options: CollectOptions = {}): Promise<CollectSummary> {
  const { db, config, github, log } = ctx;
  const selected = selectProjects(config, options.projects);
  const projects = selected.map((p) => p.name);
  const now = ctx.clock();
  const day = dayOf(now);
  syncProjects(db, config, now);
  // Owners tracked as a whole are listed first: what joined is collected (and its history read
  // once), and what left is collected one last time, so its last days are complete.
  const listings = await discoverOwners(ctx, selected, now);
  if (listings.length > 0) syncProjects(db, config, now);
  const members = reposOf(db, projects);
  const memberIds = new Set(members.map((r) => r.id));
  const departed = departedSince(db, now).filter((id) => !memberIds.has(id)).map((id) => repoById(db, id));
  const repos = [...members, ...departed];
  log.info(`collect: ${members.length} repositories${departed.length > 0 ? ` and ${departed.length} that left` : ""}, day ${day}`);

  const snapshots = new Map<number, SnapshotResult>();
  const histories = new Map<number, HistoryResult>();
  const summary = await runTargets(ctx, {
    kind: "collect",
    trigger: options.trigger ?? "cli",
    now,
    repos,
    // One GraphQL query for the counts of many repos at once.
    prepare: async () => {
      if (!github.usesGraphql || repos.length === 0) return;
      const results = await github.snapshots(repos.map((r) => r.full_name));
      results.forEach((result, i) => snapshots.set(repos[i]!.id, result));
      // The new commits of every repo whose head moved, a few repos a query: GraphQL's cost is per
      // query, where the REST list costs a point a repo.
      // The first page holds the commits already stored since that point (the lookback reads
      // them again) and a day's worth of new ones.
      const wanted = repos.flatMap((repo) => {
        const since = newCommitsFrom(ctx, repo, snapshots.get(repo.id), now);
        return since === undefined ? [] : [{ fullName: repo.full_name, since, firstPage: countCommitsFrom(db, repo.id, since) + HISTORY_FIRST_PAGE, id: repo.id }];
      });
      if (wanted.length === 0) return;
      const read = await github.commitHistories(wanted.map(({ fullName, since, firstPage }) => ({ fullName, since, firstPage })));
      read.forEach((result, i) => histories.set(wanted[i]!.id, result));
    },
    concurrency: config.github.concurrency,
    repoWork: (repo) => collectRepo(ctx, repo, snapshots.get(repo.id), now, histories.get(repo.id)),
    packages: { mode: "collect", projects },
    done: listings,
  });
  settleDepartures(db, now);
  return { ...summary, day };
}

/**
 * What the snapshot says of each stream: its marker (null: unknown, so the stream is read) and
 * whether it has nothing at all in the model window (so a first sync needs no request either).
 */
interface Observed {
  markers: Markers;
  nothingInWindow: Record<MarkedStream, boolean>;
  /** A 304 on the repository: nothing in it moved since its stored ETag. */
  unchanged: boolean;
}

/** Change markers from the GraphQL snapshot: the head oid, the newest issue and pull request update, the newest release. */
export function observedOf(node: RepoSnapshotNode, windowStart: string): Observed {
  const head = node.defaultBranchRef?.target ?? null;
  const issue = node.lastIssue.nodes[0]?.updatedAt ?? null;
  const pull = node.lastPullRequest.nodes[0]?.updatedAt ?? null;
  const release = node.releases.nodes[0] ?? null;
  const before = (instant: string | null | undefined) => instant === null || instant === undefined || Date.parse(instant) < Date.parse(windowStart);
  return {
    markers: {
      commits: head?.oid ?? null,
      issues: `${issue ? toIso(issue) : "none"} ${pull ? toIso(pull) : "none"}`,
      releases: `${node.releases.totalCount} ${release?.databaseId ?? "none"} ${release ? toIso(release.updatedAt) : "none"}`,
    },
    nothingInWindow: {
      // Commit dates are not ordered along history; the crawls' lookback covers that, and here a
      // head older than the window is taken to mean no commit in it, as GitHub's `since` would.
      commits: head?.committedDate !== undefined && before(head.committedDate),
      issues: before(issue) && before(pull),
      releases: node.releases.totalCount === 0,
    },
    unchanged: false,
  };
}

/**
 * Where the commit crawl of a repo will start when its snapshot says the head moved and the
 * stream is synced with no crawl left unfinished (see `sync` in collectRepo); undefined when
 * collectRepo will not read the stream incrementally.
 */
function newCommitsFrom(ctx: JobContext, repo: RepoRow, snapshot: SnapshotResult | undefined, now: Date): string | null | undefined {
  const head = snapshot?.node?.defaultBranchRef?.target;
  if (!head || snapshot?.node?.isEmpty || pendingBackfill(ctx.db, repo.id)) return undefined;
  const state = getSync(ctx.db, repo.id, "commits");
  if (!state?.syncedTo || state.cursor) return undefined;
  if (getMarkers(ctx.db, repo.id).commits === head.oid) return undefined;
  return commitsSince(ctx.db, repo.id, state.syncedTo, now, state.coveredFrom);
}

async function collectRepo(ctx: JobContext, repo: RepoRow, snapshot: SnapshotResult | undefined, now: Date, history?: HistoryResult): Promise<void> {
  const { db, github } = ctx;
  const day = dayOf(now);
  const firstDay = addDays(day, -(maxWindow(ctx.config) - 1));
  const windowStart = `${firstDay}T00:00:00Z`;
  let isEmpty = false;
  let observed: Observed = { markers: { commits: null, issues: null, releases: null }, nothingInWindow: { commits: false, issues: false, releases: false }, unchanged: false };
  /** Without a token: the repository's ETag, stored once every stream has been read. */
  let repoValidator: { url: string; scope: string; etag: string | null } | null = null;
  // A snapshot that GraphQL could not give is taken through REST: a day's star count missed
  // cannot be filled in later. REST also tells deleted, blocked and moved repos apart (404,
  // 451, 301) where GraphQL says only "not found".
  if (snapshot?.error instanceof AuthError || snapshot?.error instanceof OfflineError) throw snapshot.error;
  if (snapshot?.error) {
    if (!(snapshot.error instanceof UnavailableError)) ctx.log.warn(`${repo.full_name}: GraphQL snapshot failed (${snapshot.error.message}); using REST`);
    snapshot = undefined;
  }
  if (snapshot) {
    const node = snapshot.node!;
    repo = identify(ctx, repo, {
      githubId: node.databaseId,
      fullName: node.nameWithOwner,
      defaultBranch: node.defaultBranchRef?.name ?? null,
      createdAt: node.createdAt,
    }, now);
    isEmpty = node.isEmpty;
    observed = observedOf(node, windowStart);
    upsertRepoSnapshot(db, repo.id, day, now, {
      stars: node.stargazerCount,
      forks: node.forkCount,
      watchers: node.watchers.totalCount,
      openIssues: node.openIssues.totalCount,
      openPrs: node.openPullRequests.totalCount,
      releases: node.releases.totalCount,
      releaseDownloads: null,
    });
  } else {
    // One conditional request says whether anything in the repository moved.
    let answer = await github.getRepoIfChanged(repo.full_name);
    if (answer.notModified && !carrySnapshot(db, repo.id, day, now)) {
      answer = { notModified: false, info: await github.getRepo(repo.full_name), url: answer.url, scope: answer.scope, etag: null };
    }
    if (answer.notModified) {
      observed = { ...observed, unchanged: true };
    } else {
      const info = answer.info;
      repo = identify(ctx, repo, restIdentity(info), now);
      repoValidator = { url: answer.url, scope: answer.scope, etag: answer.etag };
      // The last push moves with every commit and tag; issues and releases are read with their own validators.
      observed.markers.commits = info.pushed_at ? toIso(info.pushed_at) : null;
      const openPrs = await github.countOpenPulls(repo.full_name);
      upsertRepoSnapshot(db, repo.id, day, now, {
        stars: info.stargazers_count,
        forks: info.forks_count,
        watchers: info.subscribers_count ?? null,
        // open_issues_count counts open pull requests too.
        openIssues: Math.max(0, info.open_issues_count - openPrs),
        openPrs,
        releases: null,
        releaseDownloads: null,
      });
    }
  }

  // A repository that joined a project after it was first listed has its whole history read
  // once, so the project's series goes on whole from the day it joined. One whose history is
  // already whole (tracked by another project) is collected as usual.
  if (pendingBackfill(db, repo.id) && historyKnown(db, repo)) backfillDone(db, repo.id);
  if (pendingBackfill(db, repo.id)) {
    await backfillRepo(ctx, repo, now, new Set(["commits", "issues", "releases", "stars"]), {});
    backfillDone(db, repo.id);
    if (!snapshot) setSnapshotReleaseCount(db, repo.id, day);
    setReleaseDownloads(db, repo.id, day);
    await collectTraffic(ctx, repo, now);
    return;
  }

  const stream: StreamContext = { db, github, now };
  const stored = getMarkers(db, repo.id);
  const problems: string[] = [];
  /**
   * One stream: skipped when it has been synced and its marker has not moved (or the repository
   * answered 304), and on a first sync when it has nothing in the window; read otherwise. Either
   * way a skipped stream is synced to now, so its days stay complete. The marker is stored only
   * after a successful read.
   */
  const sync = async (name: MarkedStream, coversFrom: string, crawl: () => Promise<unknown>): Promise<void> => {
    const state = getSync(db, repo.id, name);
    const marker = observed.markers[name];
    if (!state?.cursor) {
      if (state?.syncedTo && (observed.unchanged || (marker !== null && stored[name] === marker))) {
        completeSync(db, repo.id, name, null, now, now);
        return;
      }
      if (!state?.syncedTo && marker !== null && observed.nothingInWindow[name]) {
        completeSync(db, repo.id, name, coversFrom, now, now);
        setMarker(db, repo.id, name, marker, now);
        return;
      }
    }
    try {
      await crawl();
      if (marker !== null) setMarker(db, repo.id, name, marker, now);
    } catch (error) {
      if (error instanceof AuthError || error instanceof OfflineError) throw error;
      problems.push(`${name}: ${errorMessage(error)}`);
    }
  };
  // First time: one model window back. After that: from what is stored (see commitsSince).
  if (!isEmpty) {
    await sync("commits", firstDay, async () => {
      const synced = getSync(db, repo.id, "commits");
      const since = synced?.syncedTo ? commitsSince(db, repo.id, synced.syncedTo, now, synced.coveredFrom) : windowStart;
      const plan = { mode: "collect", since, coversFrom: synced?.syncedTo ? null : firstDay } as const;
      // Already read through GraphQL from the same point: only written here, but for commits by
      // a bot, which GraphQL cannot name as REST does: those must be stored already (read in the
      // lookback again). Otherwise (a crawl to resume, a new commit by a bot) the REST list.
      if (history?.commits && history.since === since && !synced?.cursor) {
        const known = storedCommits(db, repo.id, history.unnamed);
        if (known.size === history.unnamed.length) return storeCommits(stream, repo, history.commits, plan, known);
        ctx.log.debug(`${repo.full_name}: commits through REST (a new commit by a bot, whose account only REST names)`);
      } else if (history?.reason) {
        ctx.log.debug(`${repo.full_name}: commits through REST (${history.reason})`);
      }
      return crawlCommits(stream, repo, plan);
    });
  } else {
    // An empty repository has no history to miss.
    completeSync(db, repo.id, "commits", BEGINNING, now, now);
  }
  await sync("issues", firstDay, () => {
    const synced = getSync(db, repo.id, "issues");
    const since = synced?.syncedTo ? issuesSince(db, repo.id, synced.syncedTo, synced.coveredFrom) : windowStart;
    return crawlIssues(stream, repo, { mode: "collect", since, coversFrom: synced?.syncedTo ? null : firstDay });
  });
  const releasesFrom = repo.created_at ? dayOf(repo.created_at) : firstDay;
  await sync("releases", releasesFrom, async () => {
    // The whole release list is read, so it covers the repo's whole life.
    await crawlReleases(stream, repo, { mode: "collect", since: null, coversFrom: releasesFrom });
    setReleaseDownloads(db, repo.id, day);
  });
  if (!snapshot && !observed.unchanged) setSnapshotReleaseCount(db, repo.id, day);
  try {
    await collectTraffic(ctx, repo, now);
  } catch (error) {
    if (error instanceof AuthError || error instanceof OfflineError) throw error;
    problems.push(`traffic: ${errorMessage(error)}`);
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
  // Only now is the repository's ETag worth keeping: a 304 on it skips every stream tomorrow.
  if (repoValidator) saveFirstPage(db, { ...repoValidator, next: null }, now);
}

/** Whether every stream of the repo has been read from its creation on. */
function historyKnown(db: JobContext["db"], repo: RepoRow): boolean {
  if (repo.created_at === null) return false;
  const created = dayOf(repo.created_at);
  return (["commits", "issues", "releases", "stars"] as const).every((stream) => {
    const state = getSync(db, repo.id, stream);
    return state !== undefined && state.syncedTo !== null && state.coveredFrom !== null && state.coveredFrom <= created;
  });
}
