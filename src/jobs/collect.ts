import { selectProjects } from "../config/projects.js";
import { AuthError, OfflineError, UnavailableError, errorMessage } from "../errors.js";
import type { SnapshotResult } from "../github/client.js";
import { type RepoRow, reposOf, setReleaseDownloads, setSnapshotReleaseCount, syncProjects, upsertRepoSnapshot } from "../store/repos.js";
import { completeSync, getSync } from "../store/sync.js";
import { BEGINNING, addDays, dayOf } from "../util/time.js";
import { type JobContext, maxWindow } from "./context.js";
import { identify, restIdentity } from "./identify.js";
import { type RunSummary, runTargets } from "./run.js";
import { type StreamContext, commitsSince, crawlCommits, crawlIssues, crawlReleases, issuesSince } from "./streams.js";

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
  const projects = selectProjects(config, options.projects).map((p) => p.name);
  const now = ctx.clock();
  const day = dayOf(now);
  syncProjects(db, config, now);
  const repos = reposOf(db, projects);
  log.info(`collect: ${repos.length} repositories, day ${day}`);

  const snapshots = new Map<number, SnapshotResult>();
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
    },
    concurrency: config.github.concurrency,
    repoWork: (repo) => collectRepo(ctx, repo, snapshots.get(repo.id), now),
    packages: { mode: "collect", projects },
  });
  return { ...summary, day };
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
    const info = await github.getRepo(repo.full_name);
    repo = identify(ctx, repo, restIdentity(info), now);
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
    if (!snapshot) setSnapshotReleaseCount(db, repo.id, day);
  });
  if (problems.length > 0) throw new Error(problems.join("; "));
}
