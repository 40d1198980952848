/**
 * `POST /graphql` executed by graphql-js against GitHub's published schema, so queries are
 * validated exactly as GitHub would (a misspelt field fails in tests, not in production).
 *
 * Resolution uses plain objects: graphql-js calls function-valued properties with the field's
 * arguments and resolves interfaces from `__typename`. Expensive parts are functions, so a
 * query that only asks for `totalCount` never builds node lists. A field the fake does not model
 * raises an explicit "fake-github does not model" error instead of silently resolving to null.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../src/util/paths.js";
import type { DocumentNode, GraphQLError, GraphQLFieldResolver, GraphQLSchema, SelectionSetNode, ValueNode } from "graphql";
import { Kind, buildSchema, execute, getNamedType, isInterfaceType, isObjectType, parse, validate } from "graphql";
import type { FakeCommit, FakeGitHubState, FakeIssue, FakeRelease, FakeRepo } from "./data.js";
import { fullNameOf, nodeId, parseBound, userId } from "./data.js";
import { searchIssues } from "./search.js";
import type { Urls } from "./shapes.js";
import { issueId, parentShaOf } from "./shapes.js";

let cachedSchema: GraphQLSchema | undefined;

/** GitHub's schema, built once per process (~0.3-0.6 s). */
export function githubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    // Not exported by the package, so read it by path from the project root (from src or dist).
    const file = join(packageRoot, "node_modules/@octokit/graphql-schema/schema.graphql");
    // The published SDL repeats a few field definitions, which strict SDL validation rejects.
    cachedSchema = buildSchema(readFileSync(file, "utf8"), { assumeValidSDL: true });
  }
  return cachedSchema;
}

/** An error carrying GitHub's top-level `type` (NOT_FOUND, EXCESSIVE_PAGINATION, ...). */
class TypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RateSnapshot {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export interface GraphqlContext {
  state: FakeGitHubState;
  urls: Urls;
  rate: RateSnapshot;
  cost: number;
}

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

interface FormattedError {
  type?: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  message: string;
}

function formatError(e: GraphQLError): FormattedError {
  const type = e.originalError instanceof TypedError ? e.originalError.type : undefined;
  return {
    ...(type ? { type } : {}),
    ...(e.path ? { path: e.path } : {}),
    ...(e.locations ? { locations: e.locations } : {}),
    message: e.message,
  };
}

/** Like graphql-js's default resolver, but unknown properties are errors, not nulls. */
const strictResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, ctx, info) => {
  if (source === null || typeof source !== "object") return undefined;
  const value = (source as Record<string, unknown>)[info.fieldName];
  if (typeof value === "function") return value.call(source, args, ctx, info);
  if (value !== undefined) return value;
  throw new Error(`fake-github does not implement ${info.parentType.name}.${info.fieldName}`);
};

/**
 * A query's primary-limit cost by GitHub's published formula: the requests needed to fill every
 * connection, assuming each reaches its `first`/`last`, divided by 100 and rounded, at least 1.
 * (docs: graphql/overview/rate-limits-and-query-limits-for-the-graphql-api, "Calculating a rate
 * limit score"). A body that does not parse or validate costs 1.
 */
export function queryCost(body: GraphqlRequestBody): number {
  if (typeof body.query !== "string") return 1;
  const schema = githubSchema();
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch {
    return 1;
  }
  if (validate(schema, document).length > 0) return 1;
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const fragments = new Map<string, { typeName: string; selections: SelectionSetNode }>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, { typeName: d.typeCondition.name.value, selections: d.selectionSet });
  }
  const intArg = (value: ValueNode | undefined): number | null => {
    if (!value) return null;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value];
      return typeof v === "number" ? v : null;
    }
    return null;
  };
  let requests = 0;
  // `times`: how many parents this selection is resolved for.
  const walk = (typeName: string, set: SelectionSetNode, times: number, pageSize: number | null): void => {
    const type = schema.getType(typeName);
    if (!type || !(isObjectType(type) || isInterfaceType(type))) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f) walk(f.typeName, f.selections, times, pageSize);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.typeCondition?.name.value ?? typeName, sel.selectionSet, times, pageSize);
        continue;
      }
      if (!sel.selectionSet) continue;
      const field = type.getFields()[sel.name.value];
      if (!field) continue;
      const named = getNamedType(field.type).name;
      // Inside a connection, only its nodes and edges repeat once per item of the page.
      const each = pageSize !== null && (sel.name.value === "nodes" || sel.name.value === "edges") ? times * pageSize : times;
      if (named.endsWith("Connection")) {
        requests += each;
        const arg = (name: string) => intArg(sel.arguments?.find((a) => a.name.value === name)?.value);
        walk(named, sel.selectionSet, each, arg("first") ?? arg("last") ?? 100);
      } else {
        walk(named, sel.selectionSet, each, null);
      }
    }
  };
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION && d.operation === "query") walk("Query", d.selectionSet, 1, null);
  }
  return Math.max(1, Math.round(requests / 100));
}

/** Runs one request body; always answers HTTP 200 with `{data, errors}` as GitHub does. */
export async function runGraphql(ctx: GraphqlContext, body: GraphqlRequestBody): Promise<unknown> {
  if (typeof body.query !== "string") return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
  const schema = githubSchema();
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (e) {
    return { errors: [formatError(e as GraphQLError)] };
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return { errors: invalid.map(formatError) };
  const result = await execute({
    schema,
    document,
    rootValue: queryRoot(ctx),
    contextValue: ctx,
    variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: typeof body.operationName === "string" ? body.operationName : undefined,
    fieldResolver: strictResolver,
  });
  return result.errors?.length ? { data: result.data ?? null, errors: result.errors.map(formatError) } : { data: result.data };
}

// ---------------------------------------------------------------------------------------------
// Connections

interface ConnArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function encodeCursor(scope: string, offset: number): string {
  return Buffer.from(`cursor:${scope}:${offset}`).toString("base64");
}

function decodeCursor(cursor: string): { scope: string; offset: number } {
  const text = Buffer.from(cursor, "base64").toString();
  const m = /^cursor:(.*):(\d+)$/.exec(text);
  if (!m) throw new TypedError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  return { scope: m[1] ?? "", offset: Number(m[2]) };
}

/**
 * A GraphQL connection over `total` items in connection order; `at(i)` is only called for the
 * nodes actually returned. Page bounds follow GitHub: first/last at most 100, and node lists
 * need one of them.
 */
function connection(field: string, args: ConnArgs, total: number, at: (i: number) => unknown, scope = field) {
  for (const key of ["first", "last"] as const) {
    const n = args[key];
    if (n !== undefined && n !== null && (n < 0 || n > 100)) {
      throw new TypedError(
        "EXCESSIVE_PAGINATION",
        `Requesting ${n} records on the \`${field}\` connection exceeds the \`${key}\` limit of 100 records.`,
      );
    }
  }
  let start = args.after ? decodeCursor(args.after).offset + 1 : 0;
  let end = args.before ? Math.min(total, decodeCursor(args.before).offset) : total;
  start = Math.min(start, end);
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const bounded = args.first != null || args.last != null;
  const page = () => {
    if (!bounded) {
      throw new TypedError(
        "MISSING_PAGINATION_BOUNDARIES",
        `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`,
      );
    }
    const out: { cursor: string; node: unknown }[] = [];
    for (let i = start; i < end; i++) out.push({ cursor: encodeCursor(scope, i), node: at(i) });
    return out;
  };
  const empty = end <= start;
  return {
    totalCount: total,
    nodes: () => page().map((e) => e.node),
    edges: () => page(),
    pageInfo: {
      hasNextPage: end < total,
      hasPreviousPage: start > 0,
      startCursor: empty ? null : encodeCursor(scope, start),
      endCursor: empty ? null : encodeCursor(scope, end - 1),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Nodes

function actor(urls: Urls, login: string, type: "User" | "Bot") {
  const id = userId(login);
  return { __typename: type, login, id: nodeId(type, id), databaseId: id, url: `${urls.html}/${login}` };
}

function gitActor(urls: Urls, c: FakeCommit, date: string) {
  // GraphQL links only human accounts here: a bot author has user: null (REST shows the bot).
  const user = c.authorLogin !== null && c.authorType === "User" ? actor(urls, c.authorLogin, "User") : null;
  return { email: c.authorEmail, name: c.authorName, date, user };
}

/** The commit at `index` (ascending storage order); its history is everything up to it. */
function commitNode(ctx: GraphqlContext, repo: FakeRepo, index: number): Record<string, unknown> {
  const c = repo.commits[index]!;
  const full = fullNameOf(repo);
  return {
    __typename: "Commit",
    id: nodeId("Commit", `${repo.id}:${c.sha}`),
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    committedDate: c.committedAt,
    authoredDate: c.authoredAt,
    message: `Change ${c.sha.slice(0, 7)}`,
    messageHeadline: `Change ${c.sha.slice(0, 7)}`,
    url: `${ctx.urls.html}/${full}/commit/${c.sha}`,
    author: gitActor(ctx.urls, c, c.authoredAt),
    committer: gitActor(ctx.urls, c, c.committedAt),
    // Commit.parents is a CommitConnection (docs: graphql/reference/objects#commit). Only the
    // parent's presence is modelled, with the same made-up sha as the REST list.
    parents: (args: ConnArgs) => connection("parents", args, c.root ? 0 : 1, () => ({ __typename: "Commit", oid: parentShaOf(c) }), `${c.sha}:parents`),
    history: (args: ConnArgs & { since?: string | null; until?: string | null }) => {
      // Cursors name the head they were issued for, so paging stays stable while tests add
      // newer commits (as GitHub's `<oid> <offset>` cursors do).
      let head = index;
      if (args.after) {
        const scope = decodeCursor(args.after).scope;
        if (scope !== c.sha) head = ctx.state.index(repo).shaIndex(scope) ?? head;
      }
      const since = args.since ? parseBound(args.since, "lower") : undefined;
      const until = args.until ? parseBound(args.until, "upper") : undefined;
      const [lo, rangeHi] = ctx.state.index(repo).commitRange(since, until);
      const hi = Math.min(rangeHi, head + 1);
      const total = Math.max(0, hi - lo);
      return connection("history", args, total, (i) => commitNode(ctx, repo, hi - 1 - i), repo.commits[head]!.sha);
    },
  };
}

function releaseNode(ctx: GraphqlContext, repo: FakeRepo, r: FakeRelease, latestId: number | undefined) {
  const full = fullNameOf(repo);
  return {
    __typename: "Release",
    id: nodeId("Release", r.id),
    databaseId: r.id,
    name: r.name,
    tagName: r.tagName,
    createdAt: r.createdAt,
    publishedAt: r.publishedAt,
    updatedAt: r.publishedAt ?? r.createdAt,
    isDraft: r.draft,
    isPrerelease: r.prerelease,
    isLatest: r.id === latestId,
    url: `${ctx.urls.html}/${full}/releases/tag/${r.tagName}`,
    releaseAssets: (args: ConnArgs) =>
      connection("releaseAssets", args, r.assets.length, (i) => {
        const a = r.assets[i]!;
        return {
          __typename: "ReleaseAsset",
          id: nodeId("ReleaseAsset", a.id),
          name: a.name,
          downloadCount: a.downloadCount,
          contentType: "application/octet-stream",
          size: 1024 + (a.id % 100_000),
          createdAt: r.createdAt,
          updatedAt: r.publishedAt ?? r.createdAt,
          downloadUrl: `${ctx.urls.html}/${full}/releases/download/${r.tagName}/${a.name}`,
        };
      }),
  };
}

function issueNode(ctx: GraphqlContext, repo: FakeRepo, i: FakeIssue) {
  const full = fullNameOf(repo);
  const common = {
    id: nodeId(i.isPull ? "PullRequest" : "Issue", issueId(repo, i)),
    databaseId: issueId(repo, i),
    number: i.number,
    title: `${i.isPull ? "Pull request" : "Issue"} ${i.number}`,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    closedAt: i.closedAt,
    closed: i.state === "closed",
    author: actor(ctx.urls, i.authorLogin, i.authorType),
    url: `${ctx.urls.html}/${full}/${i.isPull ? "pull" : "issues"}/${i.number}`,
  };
  if (!i.isPull) return { __typename: "Issue", ...common, state: i.state === "open" ? "OPEN" : "CLOSED" };
  return {
    __typename: "PullRequest",
    ...common,
    state: i.state === "open" ? "OPEN" : i.mergedAt ? "MERGED" : "CLOSED",
    merged: i.mergedAt !== null,
    mergedAt: i.mergedAt,
    isDraft: false,
  };
}

type GqlIssueState = "OPEN" | "CLOSED" | "MERGED";

function issueState(i: FakeIssue): GqlIssueState {
  return i.state === "open" ? "OPEN" : i.isPull && i.mergedAt ? "MERGED" : "CLOSED";
}

interface IssueConnArgs extends ConnArgs {
  states?: GqlIssueState[] | null;
  orderBy?: { field: string; direction: "ASC" | "DESC" } | null;
  filterBy?: { since?: string | null } | null;
}

/** `issues` / `pullRequests`: counts come from the cached index; nodes only when asked for. */
function issueConnection(ctx: GraphqlContext, repo: FakeRepo, pulls: boolean, args: IssueConnArgs) {
  const field = pulls ? "pullRequests" : "issues";
  const idx = ctx.state.index(repo);
  const states = new Set<GqlIssueState>(args.states?.length ? args.states : ["OPEN", "CLOSED", "MERGED"]);
  const since = args.filterBy?.since ? parseBound(args.filterBy.since, "lower") : undefined;
  const sort = args.orderBy?.field === "UPDATED_AT" ? "updated" : "created";
  const desc = args.orderBy?.direction === "DESC";
  const c = idx.counts;
  let total: number | undefined;
  if (!since) {
    total = pulls
      ? (states.has("OPEN") ? c.openPulls : 0) + (states.has("CLOSED") ? c.closedPulls : 0) + (states.has("MERGED") ? c.mergedPulls : 0)
      : (states.has("OPEN") ? c.openIssues : 0) + (states.has("CLOSED") ? c.closedIssues : 0);
  }
  let list: FakeIssue[] | undefined;
  const items = (): FakeIssue[] => {
    if (!list) {
      const base = since ? idx.issueSince(pulls ? "pulls" : "issues", "all", sort, since) : { items: idx.issueView(pulls ? "pulls" : "issues", "all", sort), lo: 0 };
      list = base.items.slice(base.lo).filter((i) => states.has(issueState(i)));
    }
    return list;
  };
  const n = total ?? items().length;
  return connection(field, args, n, (k) => issueNode(ctx, repo, items()[desc ? n - 1 - k : k]!));
}

function repositoryNode(ctx: GraphqlContext, repo: FakeRepo): Record<string, unknown> {
  ctx.state.index(repo); // sorts the arrays if a test appended out of order
  const full = fullNameOf(repo);
  const commits = repo.commits;
  const isEmpty = repo.empty === true || commits.length === 0;
  const ownerType = repo.ownerType ?? "Organization";
  const ownerId = userId(repo.owner);
  const latest = () => {
    const rs = repo.releases;
    for (let i = rs.length - 1; i >= 0; i--) if (!rs[i]!.draft && !rs[i]!.prerelease) return rs[i];
    return undefined;
  };
  return {
    __typename: "Repository",
    id: nodeId("Repository", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: full,
    owner: { __typename: ownerType, login: repo.owner, id: nodeId(ownerType, ownerId), url: `${ctx.urls.html}/${repo.owner}` },
    url: `${ctx.urls.html}/${full}`,
    description: null,
    createdAt: repo.createdAt,
    updatedAt: commits[commits.length - 1]?.committedAt ?? repo.createdAt,
    pushedAt: commits[commits.length - 1]?.committedAt ?? repo.createdAt,
    isEmpty,
    isArchived: repo.archived ?? false,
    isPrivate: false,
    isFork: false,
    isDisabled: false,
    stargazerCount: repo.stars,
    forkCount: repo.forks,
    // After July 2026 the stargazer list is closed to third parties: only the count is modelled.
    stargazers: (args: ConnArgs) => ({ totalCount: connection("stargazers", args, repo.stars, () => null).totalCount }),
    watchers: (args: ConnArgs) => ({ totalCount: connection("watchers", args, repo.watchers, () => null).totalCount }),
    issues: (args: IssueConnArgs) => issueConnection(ctx, repo, false, args),
    pullRequests: (args: IssueConnArgs) => issueConnection(ctx, repo, true, args),
    releases: (args: ConnArgs & { orderBy?: { field: "CREATED_AT" | "NAME"; direction: "ASC" | "DESC" } | null }) => {
      ctx.state.index(repo); // keeps releases sorted by creation
      let rs = repo.releases;
      if (args.orderBy?.field === "NAME") rs = rs.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // Without orderBy GitHub lists oldest first (hence the common `releases(last: 1)`).
      const desc = args.orderBy?.direction === "DESC";
      const latestId = latest()?.id;
      return connection("releases", args, rs.length, (i) => releaseNode(ctx, repo, rs[desc ? rs.length - 1 - i : i]!, latestId));
    },
    latestRelease: () => {
      const r = latest();
      return r ? releaseNode(ctx, repo, r, r.id) : null;
    },
    defaultBranchRef: isEmpty
      ? null
      : {
          __typename: "Ref",
          id: nodeId("Ref", `${repo.id}:${repo.defaultBranch}`),
          name: repo.defaultBranch,
          prefix: "refs/heads/",
          // A merge of older-dated commits moves the tip without a newer date: its oid changes
          // all the same, as a branch's does on GitHub (the history is still every commit).
          target: () => ({ ...commitNode(ctx, repo, commits.length - 1), ...(repo.tipSha ? { oid: repo.tipSha, abbreviatedOid: repo.tipSha.slice(0, 7) } : {}) }),
        },
  };
}

function queryRoot(ctx: GraphqlContext) {
  return {
    repository: (args: { owner: string; name: string; followRenames?: boolean | null }) => {
      const wanted = `${args.owner}/${args.name}`;
      const record = ctx.state.getRepo(wanted);
      const repo = record?.renamedTo && args.followRenames === false ? undefined : ctx.state.resolve(wanted);
      if (!repo || repo.unavailable) {
        throw new TypedError("NOT_FOUND", `Could not resolve to a Repository with the name '${wanted}'.`);
      }
      return repositoryNode(ctx, repo);
    },
    rateLimit: () => ({
      cost: ctx.cost,
      limit: ctx.rate.limit,
      remaining: ctx.rate.remaining,
      used: ctx.rate.used,
      resetAt: new Date(ctx.rate.reset * 1000).toISOString().slice(0, 19) + "Z",
      // Not computed: the fake does not model node limits.
      nodeCount: 1,
    }),
    search: (args: ConnArgs & { query: string; type: string }) => {
      if (args.type !== "ISSUE") throw new Error(`fake-github implements search(type: ISSUE) only, not ${args.type}`);
      const outcome = searchIssues(ctx.state, args.query);
      if ("status" in outcome) throw new Error(outcome.message);
      const hits = outcome.hits;
      const conn = connection("search", args, Math.min(hits.length, 1000), (i) => issueNode(ctx, hits[i]!.repo, hits[i]!.issue));
      return { ...conn, issueCount: hits.length };
    },
  };
}
