/**
 * REST routes. Pure functions of (state, request) → {status, body, headers}: authentication,
 * rate limits, ETags and logging are the server's job, which keeps these easy to read and lets
 * the server re-run a route to produce e.g. a truncated copy of the real answer.
 */
import type { FakeGitHubState, FakeRepo, IssueKind, IssueSort, IssueStateFilter } from "./data.js";
import { parseBound } from "./data.js";
import type { ApiResult, PageRequest } from "./paging.js";
import { paginate } from "./paging.js";
import { searchIssues } from "./search.js";
import type { Urls } from "./shapes.js";
import {
  commitBody,
  errorBody,
  issueBody,
  pullBody,
  releaseBody,
  repoBody,
  searchItemBody,
  starWeekBody,
} from "./shapes.js";

export interface RestContext {
  state: FakeGitHubState;
  urls: Urls;
}

export interface RestRequest extends PageRequest {
  method: string;
  /** URL path without the query, e.g. `/repos/o/r/commits`. */
  path: string;
}

const DOCS = "https://docs.github.com/rest";

function error(status: number, message: string, docs = DOCS): ApiResult {
  return { status, body: errorBody(message, docs) };
}

const notFound = (): ApiResult => error(404, "Not Found");

function unavailable(repo: FakeRepo): ApiResult {
  if (repo.unavailable === 451) {
    return {
      status: 451,
      body: { message: "Repository access blocked", block: { reason: "dmca", html_url: "https://example.test/dmca" } },
    };
  }
  return notFound();
}

export function handleRest(ctx: RestContext, req: RestRequest): ApiResult {
  if (req.method !== "GET" && req.method !== "HEAD") return notFound();
  const path = req.path;

  let m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (m) {
    const fullName = `${decodeURIComponent(m[1] ?? "")}/${decodeURIComponent(m[2] ?? "")}`;
    const record = ctx.state.getRepo(fullName);
    if (!record) return notFound();
    if (record.renamedTo) {
      // GitHub answers any path under a renamed repository with a permanent redirect to the
      // id-based URL, keeping the rest of the path and the query.
      const target = ctx.state.resolve(fullName);
      if (!target) return notFound();
      const location = `${ctx.urls.api}/repositories/${target.id}${m[3] ?? ""}${req.url.search}`;
      return {
        status: 301,
        headers: { location },
        body: {
          message: "Moved Permanently",
          url: location,
          documentation_url: `${DOCS}/guides/best-practices-for-using-the-rest-api#follow-redirects`,
        },
      };
    }
    return repoRoute(ctx, req, record, m[3] ?? "");
  }

  m = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
  if (m) {
    const repo = ctx.state.repoById(Number(m[1]));
    return repo ? repoRoute(ctx, req, repo, m[2] ?? "") : notFound();
  }

  m = /^\/(orgs|users)\/([^/]+)\/repos$/.exec(path);
  if (m) return ownerRepos(ctx, req, m[1] === "orgs" ? "org" : "user", decodeURIComponent(m[2] ?? ""));

  if (path === "/search/issues") return searchRoute(ctx, req);
  return notFound();
}

function repoRoute(ctx: RestContext, req: RestRequest, repo: FakeRepo, sub: string): ApiResult {
  if (repo.unavailable) return unavailable(repo);
  switch (sub) {
    case "":
    case "/":
      return { status: 200, body: repoBody(ctx.urls, repo, ctx.state.index(repo).counts) };
    case "/commits":
      return listCommits(ctx, req, repo);
    case "/issues":
      return listIssues(ctx, req, repo, "all");
    case "/pulls":
      return listIssues(ctx, req, repo, "pulls");
    case "/releases":
      return listReleases(ctx, req, repo);
    case "/stargazers/history":
      return starHistory(req, repo);
    case "/stargazers/count":
      return { status: 200, body: { count: repo.stars } };
    case "/traffic/views":
    case "/traffic/clones":
      return traffic(ctx, req, repo, sub === "/traffic/views" ? "views" : "clones");
    default:
      return notFound();
  }
}

function listCommits(ctx: RestContext, req: RestRequest, repo: FakeRepo): ApiResult {
  if (repo.empty) return error(409, "Git Repository is empty.", `${DOCS}/commits/commits#list-commits`);
  const idx = ctx.state.index(repo);
  const commits = repo.commits;
  const { sha, since, until } = req.query;
  // Only the default branch exists (by name, or by its head sha).
  if (sha !== undefined && sha !== "" && sha !== repo.defaultBranch && sha !== commits[commits.length - 1]?.sha) {
    return error(404, `No commit found for SHA: ${sha}`, `${DOCS}/commits/commits#list-commits`);
  }
  const lo = since === undefined ? undefined : parseBound(since, "lower");
  const hi = until === undefined ? undefined : parseBound(until, "upper");
  if ((since !== undefined && !lo) || (until !== undefined && !hi)) {
    return error(400, `Invalid value for parameter '${lo ? "until" : "since"}'.`);
  }
  const [from, to] = idx.commitRange(lo, hi);
  // Stored oldest first; served newest first.
  return paginate(req, to - from, (i) => commitBody(ctx.urls, repo, commits[to - 1 - i]!));
}

function listIssues(ctx: RestContext, req: RestRequest, repo: FakeRepo, kind: IssueKind): ApiResult {
  const q = req.query;
  const state = (q.state ?? "open") as IssueStateFilter;
  if (state !== "open" && state !== "closed" && state !== "all") return error(422, "Validation Failed");
  // Other sort orders (comments, popularity, long-running) are not modelled: created order.
  const sort: IssueSort = q.sort === "updated" ? "updated" : "created";
  // GitHub: issues default to desc; pulls default to desc only when sorted by created.
  const defaultDir = kind === "pulls" && q.sort !== undefined && q.sort !== "created" ? "asc" : "desc";
  const asc = (q.direction ?? defaultDir) === "asc";

  let items;
  let lo = 0;
  // `since` (issues only) keeps what was updated at or after it.
  if (kind === "all" && q.since !== undefined) {
    const since = parseBound(q.since, "lower");
    if (!since) return error(422, "Validation Failed");
    ({ items, lo } = ctx.state.index(repo).issueSince(kind, state, sort, since));
  } else {
    items = ctx.state.index(repo).issueView(kind, state, sort);
  }
  const hi = items.length;
  const body = kind === "pulls" ? pullBody : issueBody;
  return paginate(req, hi - lo, (i) => body(ctx.urls, repo, asc ? items[lo + i]! : items[hi - 1 - i]!));
}

function listReleases(ctx: RestContext, req: RestRequest, repo: FakeRepo): ApiResult {
  ctx.state.index(repo); // keeps releases sorted by creation
  const rs = repo.releases;
  // Drafts are listed, as GitHub does for a token with push access.
  return paginate(req, rs.length, (i) => releaseBody(ctx.urls, repo, rs[rs.length - 1 - i]!));
}

function starHistory(req: RestRequest, repo: FakeRepo): ApiResult {
  const weeks = repo.starHistory;
  return paginate(req, weeks.length, (i) => starWeekBody(weeks[weeks.length - 1 - i]!), {
    maxPerPage: 30,
    maxPage: 100,
  });
}

/**
 * GET /orgs/{org}/repos and GET /users/{username}/repos
 * (https://docs.github.com/rest/repos/repos#list-organization-repositories,
 * https://docs.github.com/rest/repos/repos#list-repositories-for-a-user): the owner's public
 * repositories, 30 a page by default, at most 100. Organisations sort by `created` (newest
 * first) by default, users by `full_name` (ascending). A user is not an organisation (404 on
 * /orgs); /users answers for an organisation too. Deleted and private repositories are not listed.
 */
function ownerRepos(ctx: RestContext, req: RestRequest, kind: "org" | "user", owner: string): ApiResult {
  const all = [...ctx.state.repos.values()].filter((r) => !r.renamedTo && r.owner.toLowerCase() === owner.toLowerCase());
  if (all.length === 0) return notFound();
  if (kind === "org" && all.some((r) => (r.ownerType ?? "Organization") !== "Organization")) return notFound();
  const listed = all.filter((r) => !r.unavailable);
  const sort = req.query.sort ?? (kind === "org" ? "created" : "full_name");
  const asc = (req.query.direction ?? (sort === "full_name" ? "asc" : "desc")) === "asc";
  const key = (r: FakeRepo) => (sort === "full_name" ? `${r.owner}/${r.name}`.toLowerCase() : r.createdAt);
  listed.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id) * (asc ? 1 : -1));
  return paginate(req, listed.length, (i) => repoBody(ctx.urls, listed[i]!, ctx.state.index(listed[i]!).counts));
}

/**
 * GET /repos/{owner}/{repo}/traffic/views and /traffic/clones (https://docs.github.com/rest/metrics/traffic):
 * the last 14 days ending today (UTC), `per=day` (default) or `week`; each entry's timestamp is
 * the UTC midnight starting its day; days without traffic are left out here. A token without
 * push access gets 403 "Must have push access to repository".
 */
function traffic(ctx: RestContext, req: RestRequest, repo: FakeRepo, kind: "views" | "clones"): ApiResult {
  if (!repo.traffic) return error(403, "Must have push access to repository", `${DOCS}/metrics/traffic`);
  if (req.query.per !== undefined && req.query.per !== "day") return error(422, "this fake serves per=day only");
  const today = ctx.state.today ?? new Date().toISOString().slice(0, 10);
  const first = new Date(Date.parse(`${today}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10);
  const days = repo.traffic[kind].filter((d) => d.day >= first && d.day <= today && d.count > 0).sort((a, b) => a.day.localeCompare(b.day));
  const entries = days.map((d) => ({ timestamp: `${d.day}T00:00:00Z`, count: d.count, uniques: d.uniques }));
  return {
    status: 200,
    body: { count: entries.reduce((s, e) => s + e.count, 0), uniques: entries.reduce((s, e) => s + e.uniques, 0), [kind]: entries },
  };
}

function searchRoute(ctx: RestContext, req: RestRequest): ApiResult {
  const q = req.query.q;
  if (!q) return error(422, "Validation Failed", `${DOCS}/search/search#search-issues-and-pull-requests`);
  const outcome = searchIssues(ctx.state, q, req.query.sort, req.query.order);
  if ("status" in outcome) return error(outcome.status, outcome.message, `${DOCS}/search/search`);
  const { hits } = outcome;
  return paginate(
    req,
    hits.length,
    (i) => searchItemBody(ctx.urls, hits[i]!.repo, hits[i]!.issue),
    { maxItems: 1000, maxPageMessage: "Only the first 1000 search results are available" },
    (items) => ({ total_count: hits.length, incomplete_results: false, items }),
  );
}
