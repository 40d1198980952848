/**
 * GitHub-style page-number pagination: `per_page` (default 30, capped), `page` (default 1), a
 * `Link` header with absolute URLs that repeat the request's query with another page number,
 * and an empty array past the end. Items are fetched by position, so a page of a huge list
 * costs only its own items.
 */

export interface ApiResult {
  status: number;
  /** Serialised as JSON; undefined = empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface PageRequest {
  /** Absolute URL of the request (base + path + query), used to build Link. */
  url: URL;
  query: Record<string, string>;
}

export interface PageLimits {
  defaultPerPage?: number;
  maxPerPage?: number;
  /** The last page the API will serve; later pages are refused (422) and Link stops there. */
  maxPage?: number;
  /** Only this many items are reachable at all (search: 1000); later pages are refused too. */
  maxItems?: number;
  maxPageMessage?: string;
}

function intParam(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return fallback;
  const n = Number(value);
  return n >= 1 ? n : fallback;
}

export function pageParams(query: Record<string, string>, limits: PageLimits = {}): { perPage: number; page: number } {
  const def = limits.defaultPerPage ?? 30;
  return {
    perPage: Math.min(intParam(query.per_page, def), limits.maxPerPage ?? 100),
    page: intParam(query.page, 1),
  };
}

/** `Link` header value, or undefined when everything fits on the first page. */
export function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
  if (lastPage <= 1 && page <= 1) return undefined;
  const at = (p: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set("page", String(p)); // keeps the parameter's position if present
    return `<${u.toString()}>; rel="${rel}"`;
  };
  // Same order as GitHub: prev, next, last, first.
  const parts: string[] = [];
  if (page > 1) parts.push(at(Math.min(page - 1, Math.max(lastPage, 1)), "prev"));
  if (page < lastPage) parts.push(at(page + 1, "next"), at(lastPage, "last"));
  if (page > 1) parts.push(at(1, "first"));
  return parts.join(", ");
}

/**
 * One page of a list of `total` items, where `at(i)` is the i-th item in response order.
 * `wrap` shapes the body (e.g. search's `{total_count, items}`); default: the bare array.
 */
export function paginate<T>(
  req: PageRequest,
  total: number,
  at: (i: number) => T,
  limits: PageLimits = {},
  wrap: (items: T[]) => unknown = (items) => items,
): ApiResult {
  const { perPage, page } = pageParams(req.query, limits);
  const maxPage = Math.min(limits.maxPage ?? Infinity, limits.maxItems === undefined ? Infinity : Math.ceil(limits.maxItems / perPage));
  if (page > maxPage) {
    return {
      status: 422,
      body: {
        message:
          limits.maxPageMessage ??
          "In order to keep the API fast for everyone, pagination is limited for this resource. Check the rel=last link relation in the Link response header to see how far back you can traverse.",
        documentation_url: "https://docs.github.com/rest/guides/using-pagination-in-the-rest-api",
      },
    };
  }
  const servable = Math.min(total, maxPage * perPage, limits.maxItems ?? Infinity);
  const lastPage = Math.max(1, Math.ceil(servable / perPage));
  const items: T[] = [];
  const end = Math.min(servable, page * perPage);
  for (let i = (page - 1) * perPage; i < end; i++) items.push(at(i));
  const link = linkHeader(req.url, page, lastPage);
  return { status: 200, body: wrap(items), headers: link ? { link } : {} };
}
