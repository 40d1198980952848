import { AuthError, OfflineError, UnavailableError, errorMessage } from "../errors.js";
import type { SnapshotResult } from "../github/client.js";
import { releaseCount } from "../store/facts.js";
import { saveRateBudgets } from "../store/rate-limits.js";
import { type RepoRow, reposOf, setReleaseDownloads, setRepoStatus, syncProjects, upsertSnapshot } from "../store/repos.js";
import { type RunStatus, type TargetResult, finishRun, recordTarget, startRun } from "../store/runs.js";
import { BEGINNING, completeSync, getSync } from "../store/sync.js";
import { forEachLimit } from "../util/pool.js";
import { addDays, dayOf } from "../util/time.js";
import { type JobContext, maxWindow, packageDeps } from "./context.js";
import { identify, restIdentity } from "./identify.js";
import { outcomeOf, runStatus } from "./outcome.js";
import { collectPackages } from "./packages.js";
import { type StreamContext, commitsSince, crawlCommits, crawlIssues, crawlReleases, issuesSince } from "./streams.js";

export interface CollectOptions {
  /** Limit to these projects (default: all in the config). */
  projects?: string[];
  trigger?: string;
}

export interface CollectSummary {
  runId: number;
  status: RunStatus;
  day: string;
  targets: TargetResult[];
  requests: number;
  points: number;
}

/**
 * One collection cycle: a snapshot of every repo's counts, then everything new since the last
 * cycle. A repo seen for the first time is collected back one model window, so A(x) is right
 * on day one. A failing repo is recorded with its error and the others go on.
 */
export async function collect(ctx: JobContext, options: CollectOptions = {}): Promise<CollectSummary> {
  const { db, config, github, log } = ctx;
  const now = ctx.clock();
  const day = dayOf(now);
  syncProjects(db, config, now);
  const runId = startRun(db, "collect", options.trigger ?? "cli", now);
  const repos = reposOf(db, options.projects ?? config.projects.map((p) => p.name));
  log.info(`collect: ${repos.length} repositories, day ${day}`);

  const snapshots = new Map<number, SnapshotResult>();
  if (github.usesGraphql && repos.length > 0) {
    const results = await github.snapshots(repos.map((r) => r.full_name));
    results.forEach((result, i) => snapshots.set(repos[i]!.id, result));
  }

  const targets: TargetResult[] = [];
  let authFailure: string | null = null;
  let offline: OfflineError | null = null;
  await forEachLimit(repos, config.github.concurrency, async (repo) => {
    if (authFailure || offline || ctx.signal?.aborted) {
      const result: TargetResult = { target: repo.full_name, outcome: "skipped", error: authFailure ?? offline?.message ?? "stopping" };
      recordTarget(db, runId, result);
      targets.push(result);
      return;
    }
    const tracked = await github.accounting.track(() => collectRepo(ctx, repo, snapshots.get(repo.id), now));
    const result = outcomeOf(repo.full_name, tracked);
    if ("error" in tracked && tracked.error instanceof AuthError) authFailure = tracked.error.message;
    if ("error" in tracked && tracked.error instanceof OfflineError) offline = tracked.error;
    if (result.outcome === "gone" || result.outcome === "blocked") {
      setRepoStatus(db, repo.id, result.outcome, result.error ?? null, now);
    }
    recordTarget(db, runId, result);
    targets.push(result);
    if (result.outcome === "failed") log.warn(`${repo.full_name}: ${result.error}`);
    else log.info(`${repo.full_name}: ${result.outcome} (${result.requests} requests, ${result.points} points)`);
  });

  const packages = offline
    ? { packages: [], requests: 0, offline }
    : await collectPackages(packageDeps(ctx, now), { mode: "collect", runId, ...(options.projects ? { projects: options.projects } : {}) });
  offline ??= packages.offline;
  for (const p of packages.packages) targets.push({ target: p.target, outcome: p.outcome, requests: p.requests, points: 0, ...(p.error ? { error: p.error } : {}) });

  const status = runStatus(targets, { fatal: authFailure !== null || offline !== null, aborted: false });
  saveRateBudgets(db, [...github.accounting.budgets.values()]);
  const requests = github.accounting.total.requests + packages.requests;
  const { points } = github.accounting.total;
  const fatal = authFailure ?? offline?.message;
  finishRun(db, runId, { status, requests, points, ...(fatal ? { error: fatal } : {}), now: ctx.clock() });
  // Offline, the run is recorded as failed and the command says so in one line.
  if (offline) throw offline;
  return { runId, status, day, targets, requests, points };
}

async function collectRepo(ctx: JobContext, repo: RepoRow, snapshot: SnapshotResult | undefined, now: Date): Promise<void> {
  const { db, github } = ctx;
  const day = dayOf(now);
  let isEmpty = false;
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
    upsertSnapshot(db, repo.id, day, now, {
      stars: node.stargazerCount,
      forks: node.forkCount,
      watchers: node.watchers.totalCount,
      openIssues: node.openIssues.totalCount,
      openPrs: node.openPullRequests.totalCount,
      releases: node.releases.totalCount,
      releaseDownloads: null,
    });
  } else {
    const info = await github.getRepo(repo.full_name);
    repo = identify(ctx, repo, restIdentity(info), now);
    const openPrs = await github.countOpenPulls(repo.full_name);
    upsertSnapshot(db, repo.id, day, now, {
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

  const firstDay = addDays(day, -(maxWindow(ctx.config) - 1));
  const stream: StreamContext = { db, github, now };
  const problems: string[] = [];
  const run = async (name: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      if (error instanceof AuthError || error instanceof OfflineError) throw error;
      problems.push(`${name}: ${errorMessage(error)}`);
    }
  };
  // First time: one model window back. After that: from the last completed sync (minus a lookback).
  const lastSync = (s: "commits" | "issues") => getSync(db, repo.id, s)?.syncedTo ?? null;
  const windowStart = `${firstDay}T00:00:00Z`;
  if (!isEmpty) {
    const synced = lastSync("commits");
    await run("commits", () =>
      crawlCommits(stream, repo, { mode: "collect", since: synced ? commitsSince(db, repo.id, synced, now) : windowStart, coversFrom: synced ? null : firstDay }),
    );
  } else {
    // An empty repository has no history to miss.
    completeSync(db, repo.id, "commits", BEGINNING, now, now);
  }
  const issuesSynced = lastSync("issues");
  await run("issues", () =>
    crawlIssues(stream, repo, { mode: "collect", since: issuesSynced ? issuesSince(db, repo.id, issuesSynced) : windowStart, coversFrom: issuesSynced ? null : firstDay }),
  );
  await run("releases", async () => {
    // The whole release list is read every time, so it covers the repo's whole life.
    await crawlReleases(stream, repo, { mode: "collect", since: null, coversFrom: repo.created_at ? dayOf(repo.created_at) : firstDay });
    setReleaseDownloads(db, repo.id, day);
    if (!snapshot) db.prepare("UPDATE repo_snapshots SET releases = ? WHERE repo_id = ? AND day = ?").run(releaseCount(db, repo.id), repo.id, day);
  });
  if (problems.length > 0) throw new Error(problems.join("; "));
}
