/**
 * JSON bodies of the REST endpoints, typed against GitHub's OpenAPI description so that a field
 * name that does not exist there (or has the wrong type) fails to compile. Each body is a subset:
 * what clients read plus the obvious ids and urls. Builders return object literals checked with
 * `satisfies`, which also rejects extra fields.
 */
import type { components } from "@octokit/openapi-types";
import type { FakeCommit, FakeIssue, FakeRelease, FakeReleaseAsset, FakeRepo, StarWeek } from "./data.js";
import { fullNameOf, nodeId, userId } from "./data.js";
import type { IssueCounts } from "./data.js";

type S = components["schemas"];

/** Structural "partial at every depth" used to check that narrowed nested shapes still fit. */
type Loose<T> = T extends readonly (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T;

/**
 * Picks `K` from schema `T`; the keys in `O` get a narrower (nested subset) type instead. `O` may
 * only name fields of `T`, each with a type that fits `T`'s field.
 */
type Narrow<
  T,
  K extends keyof T,
  O extends { [P in keyof O]: P extends keyof T ? Loose<T[P]> : never } = {},
> = Pick<T, Exclude<K, keyof O>> & O;

export type UserBody = Pick<S["simple-user"], "login" | "id" | "node_id" | "type" | "url" | "html_url" | "avatar_url" | "site_admin">;

export type RepoBody = Narrow<
  S["full-repository"],
  | "id" | "node_id" | "name" | "full_name" | "owner" | "private" | "html_url" | "url" | "description" | "fork"
  | "default_branch" | "created_at" | "updated_at" | "pushed_at" | "stargazers_count" | "watchers_count"
  | "watchers" | "subscribers_count" | "forks_count" | "forks" | "open_issues_count" | "open_issues"
  | "archived" | "disabled" | "visibility" | "size",
  { owner: UserBody }
>;

export type CommitBody = Narrow<
  S["commit"],
  "sha" | "node_id" | "url" | "html_url" | "commit" | "author" | "committer" | "parents",
  {
    commit: Pick<S["commit"]["commit"], "url" | "author" | "committer" | "message" | "comment_count">;
    author: UserBody | null;
    committer: null;
  }
>;

export type IssueBody = Narrow<
  S["issue"],
  | "id" | "node_id" | "url" | "html_url" | "number" | "title" | "state" | "user" | "labels" | "locked"
  | "comments" | "created_at" | "updated_at" | "closed_at" | "pull_request",
  {
    user: UserBody;
    pull_request?: Pick<NonNullable<S["issue"]["pull_request"]>, "url" | "html_url" | "diff_url" | "patch_url" | "merged_at">;
  }
>;

export type PullBody = Narrow<
  S["pull-request-simple"],
  | "id" | "node_id" | "url" | "html_url" | "number" | "state" | "title" | "user" | "draft"
  | "created_at" | "updated_at" | "closed_at" | "merged_at",
  { user: UserBody }
>;

export type AssetBody = Pick<
  S["release-asset"],
  | "id" | "node_id" | "url" | "name" | "label" | "content_type" | "size" | "state" | "download_count"
  | "created_at" | "updated_at" | "browser_download_url"
>;

export type ReleaseBody = Narrow<
  S["release"],
  | "id" | "node_id" | "url" | "html_url" | "tag_name" | "target_commitish" | "name" | "draft" | "prerelease"
  | "created_at" | "published_at" | "author" | "assets",
  { author: UserBody; assets: AssetBody[] }
>;

export type SearchItemBody = Narrow<
  S["issue-search-result-item"],
  "id" | "node_id" | "url" | "html_url" | "number" | "title" | "state" | "user" | "created_at" | "updated_at" | "closed_at" | "pull_request",
  {
    user: UserBody;
    pull_request?: Pick<NonNullable<S["issue-search-result-item"]["pull_request"]>, "url" | "html_url" | "diff_url" | "patch_url" | "merged_at">;
  }
>;

/**
 * Not in openapi-types 29.0.1; shape as GitHub's changelog of 2026-09-04 ("New API endpoint provides
 * privacy-safe star history data") describes it: weeks, newest first, with a per-day breakdown.
 */
export interface StarWeekBody {
  week: number;
  total: number;
  days: number[];
}

export type ErrorBody = S["basic-error"];

// ---------------------------------------------------------------------------------------------

/** Where generated links point: API urls at the fake itself, html urls at github.com. */
export interface Urls {
  api: string;
  html: string;
}

export function userBody(urls: Urls, login: string, type: string): UserBody {
  const id = userId(login);
  return {
    login,
    id,
    node_id: nodeId(type === "Bot" ? "Bot" : "User", id),
    type,
    url: `${urls.api}/users/${encodeURIComponent(login)}`,
    html_url: `${urls.html}/${login}`,
    avatar_url: `${urls.html}/avatars/${id}`,
    site_admin: false,
  } satisfies UserBody;
}

export function repoBody(urls: Urls, repo: FakeRepo, counts: IssueCounts): RepoBody {
  const full = fullNameOf(repo);
  const lastCommit = repo.commits[repo.commits.length - 1];
  // A release's new tag is a push too.
  const lastTag = repo.releases.reduce<string | null>((at, r) => (r.draft || (at !== null && at >= r.createdAt) ? at : r.createdAt), null);
  const lastPush = lastCommit?.committedAt ?? repo.createdAt;
  const pushedAt = lastTag !== null && lastTag > lastPush ? lastTag : lastPush;
  const openIssues = counts.openIssues + counts.openPulls; // GitHub counts open PRs here too
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: full,
    owner: userBody(urls, repo.owner, repo.ownerType ?? "Organization"),
    private: false,
    html_url: `${urls.html}/${full}`,
    url: `${urls.api}/repos/${full}`,
    description: null,
    fork: repo.fork ?? false,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: pushedAt,
    pushed_at: pushedAt,
    stargazers_count: repo.stars,
    watchers_count: repo.stars, // sic: GitHub's legacy naming, watchers_count is the star count
    watchers: repo.stars,
    subscribers_count: repo.watchers,
    forks_count: repo.forks,
    forks: repo.forks,
    open_issues_count: openIssues,
    open_issues: openIssues,
    archived: repo.archived ?? false,
    disabled: false,
    visibility: "public",
    // A rough size in KB so that big generated repositories look big.
    size: repo.empty ? 0 : Math.ceil(repo.commits.length / 4),
  } satisfies RepoBody;
}

/** The one parent of a commit that is not the root (made up; GraphQL's `parents` gives the same). */
export function parentShaOf(c: FakeCommit): string {
  return `${c.sha.slice(0, 32)}00000000`;
}

export function commitBody(urls: Urls, repo: FakeRepo, c: FakeCommit): CommitBody {
  const full = fullNameOf(repo);
  return {
    sha: c.sha,
    node_id: nodeId("Commit", `${repo.id}:${c.sha}`),
    url: `${urls.api}/repos/${full}/commits/${c.sha}`,
    html_url: `${urls.html}/${full}/commit/${c.sha}`,
    commit: {
      url: `${urls.api}/repos/${full}/git/commits/${c.sha}`,
      author: { name: c.authorName, email: c.authorEmail, date: c.authoredAt },
      // The committer is not modelled separately: same person, committer date.
      committer: { name: c.authorName, email: c.authorEmail, date: c.committedAt },
      message: `Change ${c.sha.slice(0, 7)}`,
      comment_count: 0,
    },
    author: c.authorLogin === null ? null : userBody(urls, c.authorLogin, c.authorType ?? "User"),
    committer: null,
    // Only the parent's presence is modelled (a root commit has none); its sha is made up.
    parents: c.root ? [] : [{ sha: parentShaOf(c), url: `${urls.api}/repos/${full}/commits/parent`, html_url: `${urls.html}/${full}/commit/parent` }],
  } satisfies CommitBody;
}

function issueTitle(i: FakeIssue): string {
  return `${i.isPull ? "Pull request" : "Issue"} ${i.number}`;
}

function prLinks(urls: Urls, full: string, i: FakeIssue) {
  return {
    url: `${urls.api}/repos/${full}/pulls/${i.number}`,
    html_url: `${urls.html}/${full}/pull/${i.number}`,
    diff_url: `${urls.html}/${full}/pull/${i.number}.diff`,
    patch_url: `${urls.html}/${full}/pull/${i.number}.patch`,
    merged_at: i.mergedAt,
  };
}

/** Issue ids are unique across repositories: derived from the repo id and the number. */
export function issueId(repo: FakeRepo, i: FakeIssue): number {
  return repo.id * 1_000_000 + i.number;
}

export function issueBody(urls: Urls, repo: FakeRepo, i: FakeIssue): IssueBody {
  const full = fullNameOf(repo);
  const id = issueId(repo, i);
  return {
    id,
    node_id: nodeId(i.isPull ? "PullRequest" : "Issue", id),
    url: `${urls.api}/repos/${full}/issues/${i.number}`,
    html_url: `${urls.html}/${full}/${i.isPull ? "pull" : "issues"}/${i.number}`,
    number: i.number,
    title: issueTitle(i),
    state: i.state,
    user: userBody(urls, i.authorLogin, i.authorType),
    labels: [],
    locked: false,
    comments: 0,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    ...(i.isPull ? { pull_request: prLinks(urls, full, i) } : {}),
  } satisfies IssueBody;
}

export function searchItemBody(urls: Urls, repo: FakeRepo, i: FakeIssue): SearchItemBody {
  const { labels: _labels, locked: _locked, comments: _comments, ...rest } = issueBody(urls, repo, i);
  return rest satisfies SearchItemBody;
}

export function pullBody(urls: Urls, repo: FakeRepo, i: FakeIssue): PullBody {
  const full = fullNameOf(repo);
  const id = issueId(repo, i);
  return {
    id,
    node_id: nodeId("PullRequest", id),
    url: `${urls.api}/repos/${full}/pulls/${i.number}`,
    html_url: `${urls.html}/${full}/pull/${i.number}`,
    number: i.number,
    state: i.state,
    title: issueTitle(i),
    user: userBody(urls, i.authorLogin, i.authorType),
    draft: false,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: i.mergedAt,
  } satisfies PullBody;
}

function assetBody(urls: Urls, repo: FakeRepo, r: FakeRelease, a: FakeReleaseAsset): AssetBody {
  const full = fullNameOf(repo);
  return {
    id: a.id,
    node_id: nodeId("ReleaseAsset", a.id),
    url: `${urls.api}/repos/${full}/releases/assets/${a.id}`,
    name: a.name,
    label: null,
    content_type: "application/octet-stream",
    size: 1024 + (a.id % 100_000),
    state: "uploaded",
    download_count: a.downloadCount,
    created_at: r.createdAt,
    updated_at: r.publishedAt ?? r.createdAt,
    browser_download_url: `${urls.html}/${full}/releases/download/${r.tagName}/${a.name}`,
  } satisfies AssetBody;
}

export function releaseBody(urls: Urls, repo: FakeRepo, r: FakeRelease): ReleaseBody {
  const full = fullNameOf(repo);
  return {
    id: r.id,
    node_id: nodeId("Release", r.id),
    url: `${urls.api}/repos/${full}/releases/${r.id}`,
    html_url: `${urls.html}/${full}/releases/tag/${r.tagName}`,
    tag_name: r.tagName,
    target_commitish: repo.defaultBranch,
    name: r.name,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: r.createdAt,
    published_at: r.publishedAt,
    author: userBody(urls, "github-actions[bot]", "Bot"),
    assets: r.assets.map((a) => assetBody(urls, repo, r, a)),
  } satisfies ReleaseBody;
}

export function starWeekBody(w: StarWeek): StarWeekBody {
  let total = 0;
  for (const d of w.days) total += d;
  return { week: w.week, total, days: w.days.slice() } satisfies StarWeekBody;
}

export function errorBody(message: string, docs = "https://docs.github.com/rest"): ErrorBody {
  return { message, documentation_url: docs } satisfies ErrorBody;
}
