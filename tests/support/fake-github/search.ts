/**
 * Issue/PR search (`GET /search/issues`, GraphQL `search(type: ISSUE)`), limited to the
 * qualifiers a metrics collector uses to count things in a window:
 * `repo:`, `is:`/`type:` issue|pr, `is:`/`state:` open|closed, `is:merged`, `is:unmerged`,
 * `author:`, and `created:`/`updated:`/`closed:`/`merged:` with GitHub's range syntax
 * (`a..b`, `a..*`, `>=a`, `>a`, `<=a`, `<a`, `a`; days or full timestamps).
 * Anything else is refused with 422 so a test never silently counts the wrong thing.
 */
import type { FakeGitHubState, FakeIssue, FakeRepo, IsoTime } from "./data.js";
import { isoFromMs, parseBound } from "./data.js";

export interface SearchHit {
  repo: FakeRepo;
  issue: FakeIssue;
}

interface Range {
  lo?: IsoTime;
  hi?: IsoTime;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Bounds of a single value: a day covers the whole day. */
function bounds(value: string): { lo: IsoTime; hi: IsoTime } | undefined {
  if (DAY_RE.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(start)) return undefined;
    return { lo: isoFromMs(start), hi: isoFromMs(start + 86_399_000) };
  }
  const lo = parseBound(value, "lower");
  const hi = parseBound(value, "upper");
  return lo && hi ? { lo, hi } : undefined;
}

function shift(iso: IsoTime, seconds: number): IsoTime {
  return isoFromMs(Date.parse(iso) + seconds * 1000);
}

function parseRange(v: string): Range | undefined {
  if (v.includes("..")) {
    const [a = "", b = ""] = v.split("..");
    const lo = a === "*" ? undefined : bounds(a)?.lo;
    const hi = b === "*" ? undefined : bounds(b)?.hi;
    if ((a !== "*" && !lo) || (b !== "*" && !hi)) return undefined;
    return { lo, hi };
  }
  const m = /^(>=|<=|>|<)?(.+)$/.exec(v);
  const b = m?.[2] ? bounds(m[2]) : undefined;
  if (!m || !b) return undefined;
  switch (m[1]) {
    case ">=":
      return { lo: b.lo };
    case ">":
      return { lo: shift(b.hi, 1) };
    case "<=":
      return { hi: b.hi };
    case "<":
      return { hi: shift(b.lo, -1) };
    default:
      return b;
  }
}

function inRange(t: IsoTime | null, r: Range): boolean {
  return t !== null && (r.lo === undefined || t >= r.lo) && (r.hi === undefined || t <= r.hi);
}

export type SearchOutcome = { hits: SearchHit[] } | { status: 422; message: string };

export function searchIssues(state: FakeGitHubState, q: string, sort?: string, order?: string): SearchOutcome {
  const repos: FakeRepo[] = [];
  const tests: ((i: FakeIssue) => boolean)[] = [];
  for (const token of q.trim().split(/\s+/).filter(Boolean)) {
    const colon = token.indexOf(":");
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : "";
    const value = token.slice(colon + 1);
    const lower = value.toLowerCase();
    if (key === "repo") {
      const repo = state.resolve(value);
      if (!repo || repo.unavailable) {
        return {
          status: 422,
          message:
            "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.",
        };
      }
      repos.push(repo);
    } else if ((key === "is" || key === "type") && (lower === "issue" || lower === "pr")) {
      const pr = lower === "pr";
      tests.push((i) => i.isPull === pr);
    } else if ((key === "is" || key === "state") && (lower === "open" || lower === "closed")) {
      tests.push((i) => i.state === lower);
    } else if (key === "is" && lower === "merged") {
      tests.push((i) => i.isPull && i.mergedAt !== null);
    } else if (key === "is" && lower === "unmerged") {
      tests.push((i) => i.isPull && i.mergedAt === null);
    } else if (key === "author") {
      tests.push((i) => i.authorLogin.toLowerCase() === lower);
    } else if (key === "created" || key === "updated" || key === "closed" || key === "merged") {
      const range = parseRange(value);
      if (!range) return { status: 422, message: `Validation Failed: invalid date qualifier ${token}` };
      const field = ({ created: "createdAt", updated: "updatedAt", closed: "closedAt", merged: "mergedAt" } as const)[key];
      tests.push((i) => inRange(i[field], range));
    } else {
      return { status: 422, message: `fake-github: unsupported search term ${JSON.stringify(token)}` };
    }
  }
  if (repos.length === 0) return { status: 422, message: "fake-github: search needs a repo: qualifier" };

  const hits: SearchHit[] = [];
  for (const repo of repos) {
    for (const issue of repo.issues) if (tests.every((t) => t(issue))) hits.push({ repo, issue });
  }
  // "Best match" is not modelled: it falls back to newest first.
  const key = sort === "updated" ? "updatedAt" : "createdAt";
  const dir = order === "asc" ? 1 : -1;
  hits.sort((a, b) => (a.issue[key] < b.issue[key] ? -dir : a.issue[key] > b.issue[key] ? dir : dir * (a.issue.number - b.issue.number)));
  return { hits };
}
