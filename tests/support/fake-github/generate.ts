/**
 * Deterministic synthetic repositories: the same spec always yields the same data, so tests can
 * assert exact numbers by computing them from the returned arrays, and benchmarks are
 * repeatable. Everything is generated already in storage order (no sorting of big arrays), and
 * author/e-mail strings are shared between commits to keep 200k commits small.
 */
import type { FakeCommit, FakeIssue, FakeRelease, FakeRepo, StarWeek } from "./data.js";
import { isoFromMs, KNOWN_USER_IDS } from "./data.js";

export interface RepoSpec {
  owner: string;
  name: string;
  id: number;
  seed: number;
  commits: number;
  /** Plain issues (not counting pull requests). */
  issues: number;
  pulls: number;
  releases: number;
  /** Activity happens between these UTC days, both included. */
  startDay: string;
  endDay: string;
  /** Distinct human accounts that commit; default 12. */
  contributors?: number;
  /** How many of them are the cross-repository pool (alice, bob, ...); default min(4, contributors). */
  sharedContributors?: number;
  /** Include bot authors (dependabot, github-actions); default true. */
  bots?: boolean;
  /** Weeks of star history ending with the week of endDay; default the weeks spanned by the range. */
  starWeeks?: number;
  /** Mean stars per week; default 20. */
  starsPerWeek?: number;
  /** Default ~12% and ~3% of stars. */
  forks?: number;
  watchers?: number;
  defaultBranch?: string;
  ownerType?: "User" | "Organization";
}

/** Logins every generated repository draws its first contributors from. */
export const SHARED_CONTRIBUTORS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"] as const;

/** mulberry32: tiny, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

interface Author {
  login: string | null;
  type: "User" | "Bot" | null;
  email: string;
  name: string;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

function titleCase(login: string): string {
  return login
    .split(/[-_]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join(" ");
}

function humans(spec: RepoSpec): Author[] {
  const count = spec.contributors ?? 12;
  const shared = Math.min(spec.sharedContributors ?? Math.min(4, count), count);
  const out: Author[] = [];
  for (let i = 0; i < count; i++) {
    const login = i < shared ? (SHARED_CONTRIBUTORS[i] ?? `shared-dev-${i}`) : `${spec.name.toLowerCase()}-dev-${i}`;
    out.push({ login, type: "User", email: `${login}@example.com`, name: titleCase(login) });
  }
  return out;
}

function botAuthors(): { linked: Author[]; unlinked: Author[] } {
  const bot = (login: string): Author => ({
    login,
    type: "Bot",
    email: `${KNOWN_USER_IDS[login]}+${login}@users.noreply.github.com`,
    name: login,
  });
  const dependabot = bot("dependabot[bot]");
  const actions = bot("github-actions[bot]");
  // Same e-mails, but GitHub could not link them to the account (author: null in REST).
  return { linked: [dependabot, dependabot, actions], unlinked: [{ ...dependabot, login: null, type: null }] };
}

/** People who commit with an e-mail no account claims; each appears with two spellings. */
function unlinkedHumans(spec: RepoSpec): Author[] {
  const base = spec.name.replace(/[^A-Za-z0-9]/g, "") || "repo";
  const out: Author[] = [];
  for (let i = 0; i < 3; i++) {
    const name = `Outside Dev${i}`;
    out.push({ login: null, type: null, email: `outside.dev${i}@${base}.example`, name });
    out.push({ login: null, type: null, email: `Outside.Dev${i}@${base.toUpperCase()}.Example`, name });
  }
  return out;
}

function generateCommits(spec: RepoSpec, rnd: () => number, startMs: number, endMs: number): FakeCommit[] {
  const n = spec.commits;
  const people = humans(spec);
  const bots = spec.bots === false ? undefined : botAuthors();
  const outsiders = unlinkedHumans(spec);
  const span = endMs - startMs;
  const commits: FakeCommit[] = new Array(n);
  let prevMs = startMs;
  for (let i = 0; i < n; i++) {
    // Stratified times are non-decreasing, so the array comes out sorted by committedAt.
    const ms = Math.max(prevMs, Math.floor((startMs + (span * (i + rnd())) / n) / 1000) * 1000);
    prevMs = ms;
    const committedAt = isoFromMs(ms);
    // Every tenth commit was authored earlier than committed (rebases, cherry-picks).
    const authoredAt = rnd() < 0.1 ? isoFromMs(Math.max(startMs, ms - Math.floor(rnd() * 3 * DAY_MS / 1000) * 1000)) : committedAt;
    const r = rnd();
    let a: Author;
    if (bots && r < 0.06) a = bots.linked[Math.floor(rnd() * bots.linked.length)] as Author;
    else if (bots && r < 0.08) a = bots.unlinked[0] as Author;
    else if (r < 0.12) a = outsiders[Math.floor(rnd() * outsiders.length)] as Author;
    // Skewed: a few people make most commits.
    else a = people[Math.floor(rnd() * rnd() * people.length)] ?? (outsiders[0] as Author);
    const sha = hex8(rnd() * 4294967296) + hex8(rnd() * 4294967296) + hex8(rnd() * 4294967296) + hex8(rnd() * 4294967296) + hex8(i ^ spec.seed);
    commits[i] = {
      sha,
      committedAt,
      authoredAt,
      authorLogin: a.login,
      authorType: a.type,
      authorEmail: a.email,
      authorName: a.name,
      ...(i === 0 ? { root: true } : {}),
    };
  }
  return commits;
}

function generateIssues(spec: RepoSpec, rnd: () => number, startMs: number, endMs: number): FakeIssue[] {
  const total = spec.issues + spec.pulls;
  const people = humans(spec);
  const reporters = Math.max(20, Math.ceil(total / 10));
  const span = endMs - startMs;
  const issues: FakeIssue[] = new Array(total);
  let pullsLeft = spec.pulls;
  let prevMs = startMs;
  for (let i = 0; i < total; i++) {
    // Exactly spec.pulls pull requests, spread at random among the numbers.
    const isPull = rnd() * (total - i) < pullsLeft;
    if (isPull) pullsLeft--;
    const createdMs = Math.max(prevMs, Math.floor((startMs + (span * (i + rnd())) / total) / 1000) * 1000);
    prevMs = createdMs;
    let login: string;
    let type: "User" | "Bot" = "User";
    if (isPull && spec.bots !== false && rnd() < 0.15) {
      login = "dependabot[bot]";
      type = "Bot";
    } else if (isPull || rnd() < 0.3) {
      login = people[Math.floor(rnd() * people.length)]?.login ?? "alice";
    } else {
      login = `${spec.name.toLowerCase()}-user-${Math.floor(rnd() * reporters)}`;
    }
    // Exponential time to close, mean 12 days; anything that would close after endDay is open.
    const closeProb = isPull ? 0.9 : 0.75;
    const closeMs = createdMs + Math.floor((-Math.log(1 - rnd()) * 12 * DAY_MS) / 1000) * 1000;
    const closed = rnd() < closeProb && closeMs <= endMs;
    const closedAt = closed ? isoFromMs(closeMs) : null;
    const mergedAt = closed && isPull && (type === "Bot" ? rnd() < 0.6 : rnd() < 0.8) ? closedAt : null;
    const updatedMs = closed ? closeMs : createdMs + Math.floor((rnd() * (endMs - createdMs)) / 4000) * 1000;
    issues[i] = {
      number: i + 1,
      isPull,
      authorLogin: login,
      authorType: type,
      state: closed ? "closed" : "open",
      createdAt: isoFromMs(createdMs),
      closedAt,
      mergedAt,
      updatedAt: isoFromMs(updatedMs),
    };
  }
  return issues;
}

function generateReleases(spec: RepoSpec, rnd: () => number, startMs: number, endMs: number): FakeRelease[] {
  const n = spec.releases;
  const out: FakeRelease[] = [];
  let major = 0;
  let minor = 1;
  let patch = 0;
  for (let i = 0; i < n; i++) {
    const createdMs = Math.floor((startMs + ((endMs - startMs) * (i + 0.5)) / n) / 1000) * 1000;
    if (i > 0) {
      if (i % 25 === 0) [major, minor, patch] = [major + 1, 0, 0];
      else if (i % 5 === 0) [minor, patch] = [minor + 1, 0];
      else patch++;
    }
    const prerelease = rnd() < 0.1;
    // The newest release is an unpublished draft, plus a few random ones: clients must skip them.
    const draft = (n >= 2 && i === n - 1) || rnd() < 0.03;
    const tagName = `v${major}.${minor}.${patch}${prerelease ? "-rc.1" : ""}`;
    const id = spec.id * 10_000 + i + 1;
    const assets = [];
    const assetCount = Math.floor(rnd() * 3);
    for (let j = 0; j < assetCount; j++) {
      assets.push({
        id: id * 10 + j,
        name: `${spec.name}-${tagName}-${j === 0 ? "linux" : "darwin"}.tar.gz`,
        downloadCount: draft ? 0 : Math.floor(rnd() * 5000),
      });
    }
    out.push({
      id,
      tagName,
      name: tagName,
      draft,
      prerelease,
      createdAt: isoFromMs(createdMs),
      publishedAt: draft ? null : isoFromMs(Math.min(endMs, createdMs + Math.floor(rnd() * 6) * 3_600_000)),
      assets,
    });
  }
  return out;
}

/** Sunday 00:00 UTC on or before `ms`. */
function weekStart(ms: number): number {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  return day - new Date(day).getUTCDay() * DAY_MS;
}

function generateStarHistory(spec: RepoSpec, rnd: () => number, startMs: number, endMs: number): StarWeek[] {
  const lastWeek = weekStart(endMs);
  const spanned = Math.floor((lastWeek - weekStart(startMs)) / WEEK_MS) + 1;
  const weeks = spec.starWeeks ?? spanned;
  const mean = spec.starsPerWeek ?? 20;
  const out: StarWeek[] = [];
  for (let w = weeks - 1; w >= 0; w--) {
    const weekMs = lastWeek - w * WEEK_MS;
    // Gentle growth over time; days after endDay (in the current week) have no stars yet.
    const growth = 0.5 + (weeks - w) / weeks;
    const days: number[] = [];
    for (let d = 0; d < 7; d++) {
      days.push(weekMs + d * DAY_MS > endMs ? 0 : Math.floor((rnd() * 2 * mean * growth) / 7));
    }
    out.push({ week: weekMs / 1000, days });
  }
  return out;
}

export function generateRepo(spec: RepoSpec): FakeRepo {
  const startMs = Date.parse(`${spec.startDay}T00:00:00Z`);
  const endMs = Date.parse(`${spec.endDay}T23:59:59Z`);
  if (!(endMs > startMs)) throw new Error(`generateRepo: bad day range ${spec.startDay}..${spec.endDay}`);
  // Separate streams per part, so changing e.g. the release count leaves the commits unchanged.
  const commits = generateCommits(spec, prng(spec.seed * 4 + 1), startMs, endMs);
  const issues = generateIssues(spec, prng(spec.seed * 4 + 2), startMs, endMs);
  const releases = generateReleases(spec, prng(spec.seed * 4 + 3), startMs, endMs);
  const starHistory = generateStarHistory(spec, prng(spec.seed * 4 + 4), startMs, endMs);
  let stars = 0;
  for (const w of starHistory) for (const d of w.days) stars += d;
  return {
    id: spec.id,
    owner: spec.owner,
    name: spec.name,
    ownerType: spec.ownerType ?? "Organization",
    createdAt: isoFromMs(startMs - 3 * DAY_MS),
    defaultBranch: spec.defaultBranch ?? "main",
    stars,
    forks: spec.forks ?? Math.round(stars * 0.12),
    watchers: spec.watchers ?? Math.max(1, Math.round(stars * 0.03)),
    commits,
    issues,
    releases,
    starHistory,
  };
}
