/**
 * The fake's data model and the mutable state behind it.
 *
 * Everything is plain arrays of small objects so that a 200k-commit repository stays cheap in
 * memory. Requests never scan those arrays: each repository gets a lazily built index (sorted
 * views, counts) that is rebuilt only when the data changed, and page reads are binary searches
 * plus index arithmetic.
 */
import type { Fault, FaultHandle } from "./faults.js";
import { FaultList } from "./faults.js";

/** `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds), the form GitHub uses in JSON. */
export type IsoTime = string;

export interface FakeCommit {
  sha: string;
  committedAt: IsoTime;
  authoredAt: IsoTime;
  /** The linked GitHub account, or null when the e-mail is not linked to any account. */
  authorLogin: string | null;
  authorType: "User" | "Bot" | null;
  authorEmail: string;
  authorName: string;
  /** The repository's first commit: listed with no parents. Every other commit has one. */
  root?: boolean;
}

export interface FakeIssue {
  number: number;
  isPull: boolean;
  authorLogin: string;
  authorType: "User" | "Bot";
  state: "open" | "closed";
  createdAt: IsoTime;
  closedAt: IsoTime | null;
  /** Only for pull requests; a closed PR with mergedAt null was closed without merging. */
  mergedAt: IsoTime | null;
  updatedAt: IsoTime;
}

export interface FakeReleaseAsset {
  id: number;
  name: string;
  downloadCount: number;
}

export interface FakeRelease {
  id: number;
  tagName: string;
  name: string;
  draft: boolean;
  prerelease: boolean;
  createdAt: IsoTime;
  /** null for drafts, as on GitHub. */
  publishedAt: IsoTime | null;
  assets: FakeReleaseAsset[];
}

export interface StarWeek {
  /** Unix seconds of the week's start, a Sunday 00:00 UTC. */
  week: number;
  /** Stars added on each day of the week, Sunday first; the week's total is their sum. */
  days: number[];
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  ownerType?: "User" | "Organization";
  createdAt: IsoTime;
  defaultBranch: string;
  stars: number;
  forks: number;
  /** Real watchers (REST `subscribers_count`, GraphQL `watchers.totalCount`). */
  watchers: number;
  archived?: boolean;
  /** Ascending by (committedAt, sha): appending newer commits keeps the order. */
  commits: FakeCommit[];
  /** Ascending by number, which is also creation order. Issues and pull requests share numbers. */
  issues: FakeIssue[];
  /** Ascending by (createdAt, id). */
  releases: FakeRelease[];
  /** Ascending by week. */
  starHistory: StarWeek[];
  /** Set on the record kept under an old name: that name answers 301 to the new one. */
  renamedTo?: string;
  /** The repository exists but is not served: 404 (deleted/private) or 451 (DMCA block). */
  unavailable?: 404 | 451;
  /** No git data yet: the commits endpoint answers 409. */
  empty?: boolean;
  /** The branch tip when commits were added whose dates are older than the newest (a merge). */
  tipSha?: string;
}

export function repoKey(fullName: string): string {
  return fullName.toLowerCase();
}

export function fullNameOf(repo: FakeRepo): string {
  return `${repo.owner}/${repo.name}`;
}

/** Real ids of well-known bots, so e-mails like `49699333+dependabot[bot]@users.noreply.github.com` line up. */
export const KNOWN_USER_IDS: Readonly<Record<string, number>> = {
  "dependabot[bot]": 49699333,
  "github-actions[bot]": 41898282,
  "renovate[bot]": 29139614,
};

/** A stable account id for a login, the same in every repository and run. */
export function userId(login: string): number {
  const known = KNOWN_USER_IDS[login.toLowerCase()];
  if (known !== undefined) return known;
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < login.length; i++) h = Math.imul(h ^ login.toLowerCase().charCodeAt(i), 0x01000193);
  return 1_000_000 + ((h >>> 0) % 200_000_000);
}

/** GitHub's legacy global node id form, e.g. base64("04:User1") = "MDQ6VXNlcjE=". */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

// ---------------------------------------------------------------------------------------------
// Time helpers

/** Whole-second ISO form. */
export function isoFromMs(ms: number): IsoTime {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/**
 * Parses a timestamp query parameter for an inclusive comparison against whole-second stored
 * times. Stored strings compare correctly as strings only in the same whole-second form, so a
 * lower bound is rounded up and an upper bound rounded down to the second.
 */
export function parseBound(value: string, kind: "lower" | "upper"): IsoTime | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const seconds = kind === "lower" ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
  return isoFromMs(seconds * 1000);
}

// ---------------------------------------------------------------------------------------------
// Binary search

/** First index in [lo, hi) where `pred` holds; `pred` must be false...false,true...true. */
export function lowerBound<T>(arr: readonly T[], pred: (item: T) => boolean, lo = 0, hi = arr.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(arr[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Per-repository index

function compareCommits(a: FakeCommit, b: FakeCommit): number {
  return a.committedAt < b.committedAt ? -1 : a.committedAt > b.committedAt ? 1 : a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0;
}

function compareReleases(a: FakeRelease, b: FakeRelease): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id;
}

function byUpdated(a: FakeIssue, b: FakeIssue): number {
  return a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.number - b.number;
}

/** Sorts only when needed: the check is O(n) and sorted data is the common case. */
function ensureSorted<T>(arr: T[], cmp: (a: T, b: T) => number): void {
  for (let i = 1; i < arr.length; i++) {
    if (cmp(arr[i - 1] as T, arr[i] as T) > 0) {
      arr.sort(cmp);
      return;
    }
  }
}

export type IssueKind = "all" | "pulls" | "issues";
export type IssueStateFilter = "all" | "open" | "closed";
export type IssueSort = "created" | "updated";

export interface IssueCounts {
  openIssues: number;
  closedIssues: number;
  openPulls: number;
  /** Closed without merge (GraphQL PullRequestState.CLOSED). */
  closedPulls: number;
  mergedPulls: number;
}

/** Derived, cached views of one repository; thrown away when the data changes. */
export class RepoIndex {
  readonly counts: IssueCounts;
  private readonly views = new Map<string, FakeIssue[]>();
  /** A few `since`-filtered views for sort=created (paging through them repeats the key). */
  private readonly sinceViews = new Map<string, FakeIssue[]>();
  /** Array lengths at build time: an append (the usual test edit) makes the index stale. */
  private readonly lengths: number[];

  constructor(
    readonly repo: FakeRepo,
    readonly version: number,
  ) {
    ensureSorted(repo.commits, compareCommits);
    ensureSorted(repo.issues, (a, b) => a.number - b.number);
    ensureSorted(repo.releases, compareReleases);
    ensureSorted(repo.starHistory, (a, b) => a.week - b.week);
    const c: IssueCounts = { openIssues: 0, closedIssues: 0, openPulls: 0, closedPulls: 0, mergedPulls: 0 };
    for (const issue of repo.issues) {
      if (!issue.isPull) issue.state === "open" ? c.openIssues++ : c.closedIssues++;
      else if (issue.state === "open") c.openPulls++;
      else issue.mergedAt ? c.mergedPulls++ : c.closedPulls++;
    }
    this.counts = c;
    this.lengths = [repo.commits.length, repo.issues.length, repo.releases.length, repo.starHistory.length];
  }

  /** True while the repo's arrays still have the lengths this index was built from. */
  fresh(version: number): boolean {
    const r = this.repo;
    return (
      version === this.version &&
      r.commits.length === this.lengths[0] &&
      r.issues.length === this.lengths[1] &&
      r.releases.length === this.lengths[2] &&
      r.starHistory.length === this.lengths[3]
    );
  }

  /** Commits with since <= committedAt <= until, as [lo, hi) into the ascending array. */
  commitRange(since?: IsoTime, until?: IsoTime): [number, number] {
    const commits = this.repo.commits;
    const lo = since === undefined ? 0 : lowerBound(commits, (c) => c.committedAt >= since);
    const hi = until === undefined ? commits.length : lowerBound(commits, (c) => c.committedAt > until, lo);
    return [lo, hi];
  }

  /** Issues/PRs of a kind and state, ascending by the sort key. Built once per combination. */
  issueView(kind: IssueKind, state: IssueStateFilter, sort: IssueSort): FakeIssue[] {
    const key = `${kind}:${state}:${sort}`;
    let view = this.views.get(key);
    if (!view) {
      const all = this.repo.issues;
      view =
        kind === "all" && state === "all"
          ? all.slice()
          : all.filter(
              (i) =>
                (kind === "all" || (kind === "pulls") === i.isPull) && (state === "all" || i.state === state),
            );
      if (sort === "updated") view.sort(byUpdated);
      this.views.set(key, view);
    }
    return view;
  }

  /**
   * The part of a view updated at or after `since`, as [lo, hi) when the view is sorted by
   * updated time (binary search), or as a filtered copy otherwise (cached, bounded).
   */
  issueSince(kind: IssueKind, state: IssueStateFilter, sort: IssueSort, since: IsoTime): { items: FakeIssue[]; lo: number } {
    const view = this.issueView(kind, state, sort);
    if (sort === "updated") return { items: view, lo: lowerBound(view, (i) => i.updatedAt >= since) };
    const key = `${kind}:${state}:${since}`;
    let filtered = this.sinceViews.get(key);
    if (!filtered) {
      filtered = view.filter((i) => i.updatedAt >= since);
      if (this.sinceViews.size >= 8) this.sinceViews.clear();
      this.sinceViews.set(key, filtered);
    }
    return { items: filtered, lo: 0 };
  }

  private shas: Map<string, number> | undefined;

  /** Position of a commit by sha (built on first use: only cursor lookups need it). */
  shaIndex(sha: string): number | undefined {
    if (!this.shas) {
      this.shas = new Map();
      this.repo.commits.forEach((c, i) => this.shas!.set(c.sha, i));
    }
    return this.shas.get(sha);
  }

  issueByNumber(n: number): FakeIssue | undefined {
    const issues = this.repo.issues;
    const i = lowerBound(issues, (x) => x.number >= n);
    return issues[i]?.number === n ? issues[i] : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// State

/**
 * All data the fake serves. Tests may change it between (or during) runs: use the add... and update...
 * helpers, or edit the arrays directly and call `touch()` afterwards. Appending to an array is
 * detected automatically (length change) and re-sorts if needed.
 */
export class FakeGitHubState {
  /** Keyed by lower-case `owner/name`. */
  readonly repos = new Map<string, FakeRepo>();
  readonly faults = new FaultList();
  private readonly versions = new WeakMap<FakeRepo, number>();
  private readonly indexes = new WeakMap<FakeRepo, RepoIndex>();

  constructor(repos: FakeRepo[] = []) {
    for (const repo of repos) this.addRepo(repo);
  }

  addRepo(repo: FakeRepo): FakeRepo {
    this.repos.set(repoKey(fullNameOf(repo)), repo);
    this.touchRepo(repo);
    return repo;
  }

  getRepo(fullName: string): FakeRepo | undefined {
    return this.repos.get(repoKey(fullName));
  }

  /** The record a name finally serves, following renames (at most a few hops). */
  resolve(fullName: string): FakeRepo | undefined {
    let repo = this.getRepo(fullName);
    for (let hops = 0; repo?.renamedTo && hops < 5; hops++) repo = this.getRepo(repo.renamedTo);
    return repo?.renamedTo ? undefined : repo;
  }

  /** Real repositories only (not the records left under old names). */
  repoById(id: number): FakeRepo | undefined {
    for (const repo of this.repos.values()) if (repo.id === id && !repo.renamedTo) return repo;
    return undefined;
  }

  /**
   * Renames as GitHub does: the data moves to the new name and the old name becomes a record
   * that redirects there.
   */
  renameRepo(from: string, to: string): FakeRepo {
    const repo = this.getRepo(from);
    if (!repo || repo.renamedTo) throw new Error(`fake-github: no repository ${from}`);
    const [owner, name] = to.split("/") as [string, string];
    this.repos.delete(repoKey(from));
    const moved: FakeRepo = {
      ...repo,
      commits: [],
      issues: [],
      releases: [],
      starHistory: [],
      renamedTo: to,
    };
    repo.owner = owner;
    repo.name = name;
    this.repos.set(repoKey(from), moved);
    this.repos.set(repoKey(to), repo);
    return repo;
  }

  addCommits(fullName: string, commits: FakeCommit[]): void {
    const repo = this.mustGet(fullName);
    repo.commits.push(...commits);
    repo.empty = false;
    // Added commits are pushed on top: the tip moves to the last one, whatever its date.
    const newest = repo.commits.reduce((a, b) => (b.committedAt > a.committedAt ? b : a), repo.commits[0]!);
    const tip = commits.at(-1);
    repo.tipSha = tip && tip.sha !== newest.sha ? tip.sha : undefined;
    this.touchRepo(repo);
  }

  addIssues(fullName: string, issues: FakeIssue[]): void {
    const repo = this.mustGet(fullName);
    repo.issues.push(...issues);
    this.touchRepo(repo);
  }

  addReleases(fullName: string, releases: FakeRelease[]): void {
    const repo = this.mustGet(fullName);
    repo.releases.push(...releases);
    this.touchRepo(repo);
  }

  updateIssue(fullName: string, number: number, patch: Partial<Omit<FakeIssue, "number">>): FakeIssue {
    const repo = this.mustGet(fullName);
    const issue = this.index(repo).issueByNumber(number);
    if (!issue) throw new Error(`fake-github: no issue #${number} in ${fullName}`);
    Object.assign(issue, patch);
    this.touchRepo(repo);
    return issue;
  }

  /** Call after editing a repository's arrays or objects in place. */
  touch(fullName: string): void {
    this.touchRepo(this.mustGet(fullName));
  }

  addFault(fault: Fault): FaultHandle {
    return this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** The current index of a repository, rebuilt if its data changed since. */
  index(repo: FakeRepo): RepoIndex {
    const version = this.versions.get(repo) ?? 0;
    let idx = this.indexes.get(repo);
    if (!idx || !idx.fresh(version)) {
      idx = new RepoIndex(repo, version);
      this.indexes.set(repo, idx);
    }
    return idx;
  }

  private touchRepo(repo: FakeRepo): void {
    this.versions.set(repo, (this.versions.get(repo) ?? 0) + 1);
  }

  private mustGet(fullName: string): FakeRepo {
    const repo = this.resolve(fullName);
    if (!repo) throw new Error(`fake-github: no repository ${fullName}`);
    return repo;
  }
}
