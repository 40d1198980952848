/**
 * Loopback stand-ins for the package registries' download APIs, one server per registry (each
 * registry is a host of its own, so crates.io's one-request-a-second spacing does not slow the
 * others down). They answer the requests the collectors in src/registries/ send, with the
 * quirks the real services have, from a small in-memory data model the test owns and may change
 * between runs:
 *
 * - npm: `point/last-day` names the newest published day (yesterday unless the test holds it
 *   back); a range starting before 18 months ago is clipped without an error, and the answer's
 *   `start` says so.
 * - pypistats: the last 180 days up to yesterday, days without downloads left out, with and
 *   without mirrors.
 * - crates.io: the last 90 days including today, which is still being counted (half of it so
 *   far); the newest versions per day plus `meta.extra_downloads`; all-time and 90-day totals.
 *   A request without a User-Agent is refused.
 * - Docker Hub: the all-time `pull_count` only.
 * - Hugging Face: `expand[]` is a whitelist; a repository that does not exist answers 401.
 *
 * Unknown packages answer 404 (401 on Hugging Face), as the real services do.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLoopback } from "./loopback.js";

/** A UTC calendar day, YYYY-MM-DD. */
export type Day = string;
/** Downloads per day; a day not listed had none. */
export type DailyFigures = Record<Day, number>;

export interface FakeNpmPackage {
  daily: DailyFigures;
  /** The newest day npm has published; the day before `today` when unset. */
  newestDay?: Day;
}

export interface FakePypiPackage {
  /** Downloads without mirrors (the figure oss-pulse counts). */
  daily: DailyFigures;
  /** Downloads by mirrors on each day, added to the "with_mirrors" rows only; 0 when unset. */
  mirrorsPerDay?: number;
}

export interface FakeCrate {
  /** Downloads of all versions together, per day. */
  daily: DailyFigures;
  /** All-time downloads from before the first day of `daily`. */
  downloadsBefore: number;
}

export interface FakeDockerRepo {
  /** All-time pulls: Docker Hub keeps no history of it. */
  pulls: number;
  stars: number;
}

export interface FakeHfRepo {
  /** Downloads in the last 30 days, as the Hub states it. */
  downloads: number;
  downloadsAllTime: number;
  likes: number;
}

/** Everything the fakes serve. The test may change any of it between runs. */
export interface FakeRegistryData {
  /** The registries' current UTC day: move it together with OSS_PULSE_NOW. */
  today: Day;
  npm: Record<string, FakeNpmPackage>;
  /** Keyed by the PEP 503 name (what pypistats serves). */
  pypi: Record<string, FakePypiPackage>;
  /** Keyed by the lower-case crate name. */
  crates: Record<string, FakeCrate>;
  /** Keyed by "namespace/repository". */
  docker: Record<string, FakeDockerRepo>;
  /** Keyed by "owner/name". */
  huggingfaceModels: Record<string, FakeHfRepo>;
  huggingfaceDatasets: Record<string, FakeHfRepo>;
}

export const FAKE_REGISTRY_IDS = ["npm", "pypi", "crates", "docker", "huggingface-model", "huggingface-dataset"] as const;
export type FakeRegistryId = (typeof FAKE_REGISTRY_IDS)[number];

export interface FakeRegistryRequest {
  registry: FakeRegistryId;
  /** Path without the query string, e.g. /downloads/point/last-day/left-pad. */
  path: string;
  /** The query string with its '?', or "". */
  search: string;
  status: number;
  userAgent: string | undefined;
}

export interface FakeRegistries {
  /** Base URL per registry id, for `registries.<id>.baseUrl` in the config. */
  urls: Record<FakeRegistryId, string>;
  /** Every request, in arrival order. */
  requests: FakeRegistryRequest[];
  /** The live data model: change totals and series here between runs. */
  data: FakeRegistryData;
  /** Moves the registries' "today". */
  setToday(day: Day): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Days

const DAY_MS = 86_400_000;

export function addDays(day: Day, n: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** from … to, both included. */
export function daysFrom(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The same day `months` calendar months earlier; the 31st becomes the month's last day. */
function monthsBefore(day: Day, months: number): Day {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index % 12; // 0-based
  const lastOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastOfMonth))).toISOString().slice(0, 10);
}

const figure = (daily: DailyFigures, day: Day): number => daily[day] ?? 0;

// ---------------------------------------------------------------------------------------------
// The registries, as pure functions of the data

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Incoming {
  /** `http://127.0.0.1:PORT`, for links to the same server. */
  origin: string;
  path: string;
  query: URLSearchParams;
  userAgent: string | undefined;
}

const ok = (body: unknown): Answer => ({ status: 200, body });

/** npm's download counts API (api.npmjs.org/downloads). */
function npmApi(data: FakeRegistryData, req: Incoming): Answer {
  const notFound = (name: string): Answer => ({ status: 404, body: { error: `package ${name} not found` } });
  const point = /^\/downloads\/point\/last-day\/(.+)$/.exec(req.path);
  if (point) {
    const name = decodeURIComponent(point[1]!);
    const pkg = data.npm[name];
    if (!pkg) return notFound(name);
    const newest = pkg.newestDay ?? addDays(data.today, -1);
    return ok({ downloads: figure(pkg.daily, newest), start: newest, end: newest, package: name });
  }
  const range = /^\/downloads\/range\/([^:/]+):([^/]+)\/(.+)$/.exec(req.path);
  if (range) {
    const [start, end, rawName] = [range[1]!, range[2]!, range[3]!];
    if (!isDay(start) || !isDay(end)) return { status: 400, body: { error: "invalid date" } };
    if (start > end) return { status: 400, body: { error: "end date > start date" } };
    const name = decodeURIComponent(rawName);
    const pkg = data.npm[name];
    if (!pkg) return notFound(name);
    // npm serves 18 months back and clips an older start silently: only `start` tells.
    const earliest = monthsBefore(data.today, 18);
    const from = start < earliest ? earliest : start;
    // Days npm has not published yet are not listed.
    const newest = pkg.newestDay ?? addDays(data.today, -1);
    const through = end < newest ? end : newest;
    const downloads = daysFrom(from, through).map((day) => ({ day, downloads: figure(pkg.daily, day) }));
    return ok({ start: from, end, package: name, downloads });
  }
  return { status: 404, body: { error: "not found" } };
}

/** pypistats.org's `overall` endpoint. */
function pypiApi(data: FakeRegistryData, req: Incoming): Answer {
  const match = /^\/api\/packages\/([^/]+)\/overall\/?$/.exec(req.path);
  const name = match ? decodeURIComponent(match[1]!) : "";
  const pkg = match ? data.pypi[name] : undefined;
  if (!pkg) return { status: 404, body: "Not Found" };
  const rows: { category: string; date: Day; downloads: number }[] = [];
  // 180 days ending yesterday: today's figure is published tomorrow.
  for (const date of daysFrom(addDays(data.today, -180), addDays(data.today, -1))) {
    const without = figure(pkg.daily, date);
    const withMirrors = without + (pkg.mirrorsPerDay ?? 0);
    // pypistats has no row for a day without downloads.
    if (withMirrors > 0) rows.push({ category: "with_mirrors", date, downloads: withMirrors });
    if (without > 0) rows.push({ category: "without_mirrors", date, downloads: without });
  }
  return ok({ data: rows, package: name, type: "overall_downloads" });
}

/** crates.io's crate and downloads endpoints. */
function cratesApi(data: FakeRegistryData, req: Incoming): Answer {
  if (!req.userAgent) {
    return { status: 403, body: { errors: [{ detail: "fake crates.io: send a User-Agent that names your application" }] } };
  }
  const match = /^\/api\/v1\/crates\/([^/]+)(\/downloads)?\/?$/.exec(req.path);
  const name = match ? decodeURIComponent(match[1]!).toLowerCase() : "";
  const crate = match ? data.crates[name] : undefined;
  if (!crate) return { status: 404, body: { errors: [{ detail: `crate \`${name}\` does not exist` }] } };
  // Today is still being counted: half of the day's downloads have been seen so far.
  const soFar = (day: Day): number => (day === data.today ? Math.floor(figure(crate.daily, day) / 2) : figure(crate.daily, day));
  const last90 = daysFrom(addDays(data.today, -89), data.today);
  if (!match![2]) {
    let downloads = crate.downloadsBefore;
    for (const day of Object.keys(crate.daily)) if (day <= data.today) downloads += soFar(day);
    const recent = last90.reduce((sum, day) => sum + soFar(day), 0);
    return ok({ crate: { id: name, name, downloads, recent_downloads: recent, max_version: "2.0.0" }, versions: [], keywords: [], categories: [] });
  }
  // The newest versions get a row each per day; all the others are summed in extra_downloads.
  const versionDownloads: { version: number; downloads: number; date: Day }[] = [];
  const extraDownloads: { date: Day; downloads: number }[] = [];
  for (const date of last90) {
    const total = soFar(date);
    const newest = Math.floor(total * 0.6);
    const previous = Math.floor(total * 0.3);
    const rest = total - newest - previous;
    if (newest > 0) versionDownloads.push({ version: 2002, downloads: newest, date });
    if (previous > 0) versionDownloads.push({ version: 2001, downloads: previous, date });
    if (rest > 0) extraDownloads.push({ date, downloads: rest });
  }
  return ok({ version_downloads: versionDownloads, meta: { extra_downloads: extraDownloads } });
}

/** Docker Hub's repository endpoint. */
function dockerApi(data: FakeRegistryData, req: Incoming): Answer {
  const match = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/?$/.exec(req.path);
  const [namespace, name] = match ? [match[1]!, match[2]!] : ["", ""];
  const repo = match ? data.docker[`${namespace}/${name}`] : undefined;
  if (!repo) return { status: 404, body: { message: "object not found", errinfo: { namespace, repository: name } } };
  return ok({
    user: namespace,
    name,
    namespace,
    repository_type: "image",
    status: 1,
    is_private: false,
    star_count: repo.stars,
    pull_count: repo.pulls,
    last_updated: `${data.today}T00:00:00.000000Z`,
  });
}

const HF_EXPANDABLE = ["downloads", "downloadsAllTime", "likes", "author", "tags", "lastModified"] as const;

/**
 * The Hub's listing, `GET /api/models?author=NAME` (and /api/datasets): the author's public
 * repositories, `limit` a page, the next page named by a `Link: <…>; rel="next"` header with an
 * opaque cursor (https://huggingface.co/docs/hub/api#get-apimodels; huggingface.js
 * packages/hub/src/lib/list-models.ts follows that header). Each item is `_id`, `id` and the
 * `expand[]` fields asked for.
 */
function huggingFaceListing(kind: "models" | "datasets", data: FakeRegistryData, req: Incoming, origin: string): Answer {
  const author = req.query.get("author");
  if (!author) return { status: 400, body: { error: "this fake lists by author only" } };
  const expand = req.query.getAll("expand[]");
  const unknown = expand.filter((field) => !(HF_EXPANDABLE as readonly string[]).includes(field));
  if (unknown.length > 0) return { status: 400, body: { error: `"expand" must be one of ${HF_EXPANDABLE.join(", ")}` } };
  const repos = kind === "models" ? data.huggingfaceModels : data.huggingfaceDatasets;
  const ids = Object.keys(repos).filter((id) => id.split("/")[0]!.toLowerCase() === author.toLowerCase()).sort();
  const limit = Math.max(1, Math.min(1000, Number(req.query.get("limit") ?? 1000) || 1000));
  const start = Number(req.query.get("cursor") ?? 0) || 0;
  const page = ids.slice(start, start + limit).map((id) => {
    const repo = repos[id]!;
    const full: Record<string, unknown> = { downloads: repo.downloads, downloadsAllTime: repo.downloadsAllTime, likes: repo.likes, author, tags: [], lastModified: `${data.today}T00:00:00.000Z` };
    return { _id: `fake-${kind}-${id}`, id, ...Object.fromEntries(expand.map((field) => [field, full[field]])) };
  });
  const headers: Record<string, string> = {};
  if (start + limit < ids.length) {
    const next = new URLSearchParams(req.query);
    next.set("cursor", String(start + limit));
    headers.link = `<${origin}/api/${kind}?${next.toString()}>; rel="next"`;
  }
  return { status: 200, body: page, headers };
}

/** The Hugging Face Hub's model or dataset info endpoint. */
function huggingFaceApi(kind: "models" | "datasets", data: FakeRegistryData, req: Incoming): Answer {
  if (req.path === `/api/${kind}` || req.path === `/api/${kind}/`) return huggingFaceListing(kind, data, req, req.origin);
  const match = new RegExp(`^/api/${kind}/([^/]+/[^/]+)/?$`).exec(req.path);
  const id = match ? decodeURIComponent(match[1]!) : "";
  const repos = kind === "models" ? data.huggingfaceModels : data.huggingfaceDatasets;
  const repo = match ? repos[id] : undefined;
  // Not 404: the Hub does not tell a missing repository from a private one.
  if (!repo) return { status: 401, body: { error: "Repository not found" } };
  const full: Record<string, unknown> = {
    downloads: repo.downloads,
    downloadsAllTime: repo.downloadsAllTime,
    likes: repo.likes,
    author: id.split("/")[0],
    tags: [],
    lastModified: `${data.today}T00:00:00.000Z`,
  };
  const expand = req.query.getAll("expand[]");
  const unknown = expand.filter((field) => !(HF_EXPANDABLE as readonly string[]).includes(field));
  if (unknown.length > 0) return { status: 400, body: { error: `"expand" must be one of ${HF_EXPANDABLE.join(", ")}` } };
  const base = { _id: `fake-${kind}-${id}`, id };
  // expand[] is a whitelist: only the fields named come back. Without it, the default fields
  // come back, and downloadsAllTime is not one of them.
  if (expand.length > 0) return ok({ ...base, ...Object.fromEntries(expand.map((field) => [field, full[field]])) });
  return ok({ ...base, author: full.author, downloads: full.downloads, likes: full.likes, tags: full.tags, private: false });
}

const HANDLERS: Record<FakeRegistryId, (data: FakeRegistryData, req: Incoming) => Answer> = {
  npm: npmApi,
  pypi: pypiApi,
  crates: cratesApi,
  docker: dockerApi,
  "huggingface-model": (data, req) => huggingFaceApi("models", data, req),
  "huggingface-dataset": (data, req) => huggingFaceApi("datasets", data, req),
};

// ---------------------------------------------------------------------------------------------
// Servers

interface Running {
  url: string;
  close(): Promise<void>;
}

function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Running> {
  return listenLoopback(handle);
}

/** Starts one loopback server per registry, all serving `data` (kept by reference: change it freely). */
export async function startFakeRegistries(data: FakeRegistryData): Promise<FakeRegistries> {
  const requests: FakeRegistryRequest[] = [];
  const running: Running[] = [];
  const urls = {} as Record<FakeRegistryId, string>;
  try {
    for (const id of FAKE_REGISTRY_IDS) {
      const server = await serve((req, res) => {
        const url = new URL(req.url ?? "/", "http://fake.invalid");
        const userAgent = req.headers["user-agent"];
        let answer: Answer;
        if (req.method !== "GET") answer = { status: 405, body: { error: "method not allowed" } };
        else {
          try {
            answer = HANDLERS[id](data, { origin: `http://${req.headers.host ?? ""}`, path: url.pathname, query: url.searchParams, userAgent });
          } catch (error) {
            // A bug in the fake must show as a 500 the test sees, not as a hang.
            answer = { status: 500, body: { error: `fake-registries: ${error instanceof Error ? error.message : String(error)}` } };
          }
        }
        requests.push({ registry: id, path: url.pathname, search: url.search, status: answer.status, userAgent });
        const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        const type = typeof answer.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
        res.writeHead(answer.status, { ...answer.headers, "content-type": type, "content-length": Buffer.byteLength(text) });
        res.end(text);
      });
      running.push(server);
      urls[id] = server.url;
    }
  } catch (error) {
    await Promise.all(running.map((s) => s.close()));
    throw error;
  }
  return {
    urls,
    requests,
    data,
    setToday: (day) => {
      if (!isDay(day)) throw new Error(`fake-registries: not a day: ${day}`);
      data.today = day;
    },
    close: async () => {
      await Promise.all(running.map((s) => s.close()));
    },
  };
}
