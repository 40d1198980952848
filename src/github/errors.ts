import { RequestError } from "@octokit/request-error";
import { AuthError, HostError, OfflineError, ResponseShapeError, StoppedError, UnavailableError } from "../errors.js";
import { redact } from "../util/secrets.js";

/**
 * The one place GitHub failures are sorted into oss-pulse's error classes. Messages carry the
 * operation, status and GitHub's message; never headers, request options or tokens.
 */
export function classifyError(error: unknown, target: string, operation: string): Error {
  if (error instanceof RedirectRefusedError) return new ResponseShapeError(operation, [error.message]);
  if (error instanceof ResponseShapeError || error instanceof UnavailableError || error instanceof AuthError || error instanceof OfflineError || error instanceof StoppedError) return error;
  if (error instanceof HostError) return new HostError(redact(`${operation}: ${error.message}`), "github", error.status);
  const status = (error as { status?: number }).status;
  const message = redact(error instanceof Error ? error.message : String(error));
  if (status === 401) return new AuthError(`${operation}: 401 Bad credentials: check the token in GITHUB_TOKEN/GH_TOKEN/GITHUB_TOKENS`);
  if (status === 404) return new UnavailableError(target, "gone", `${operation}: 404 not found (deleted, private, or no access)`);
  if (status === 451) return new UnavailableError(target, "blocked", `${operation}: 451 ${blockReason(error)}`);
  if (status === 403 && isBlockBody(error)) return new UnavailableError(target, "blocked", `${operation}: 403 ${blockReason(error)}`);
  if (status === 409) return new UnavailableError(target, "empty", `${operation}: 409 Git Repository is empty`);
  if (isTimeout(error)) return new HostError(`${operation}: timed out`, "github", undefined);
  // Octokit reports a request that got no answer at all as a 500 without a response.
  if (error instanceof RequestError && error.status === 500 && error.response === undefined) {
    return new HostError(`${operation}: network error: ${redact(networkDetail(error) ?? message)}`, "github", undefined);
  }
  if (status === undefined || status >= 500 || status === 429 || status === 403) {
    return new HostError(`${operation}: ${status ?? "network"} ${message}`, "github", status);
  }
  return new HostError(`${operation}: ${status} ${message}`, "github", status);
}

export function isPageTooBig(error: unknown): boolean {
  return error instanceof RequestError && (error.status === 502 || error.status === 504);
}

function isTimeout(error: unknown): boolean {
  const cause = (error as { cause?: { name?: string } }).cause;
  return cause?.name === "TimeoutError" || /aborted due to timeout/i.test(error instanceof Error ? error.message : "");
}

function isBlockBody(error: unknown): boolean {
  const data = (error as RequestError).response?.data as { block?: unknown } | undefined;
  return typeof data === "object" && data !== null && "block" in data;
}

function blockReason(error: unknown): string {
  const data = (error as RequestError).response?.data as { block?: { reason?: string; html_url?: string } } | undefined;
  const block = data?.block;
  return block ? `blocked (${block.reason ?? "unknown reason"}${block.html_url ? `, ${block.html_url}` : ""})` : "access blocked";
}

/** A redirect (a 301 for a rename) not followed: to another host, another resource, or an invalid owner/repo. */
export class RedirectRefusedError extends Error {
  override name = "RedirectRefusedError";
  constructor(status: number, location: string | undefined) {
    super(`${status} redirect to ${JSON.stringify((location ?? "").slice(0, 200))} refused: not the same resource on the configured API, or not a valid owner/repo`);
  }
}

/** The system error under a failed fetch ("ECONNRESET: socket hang up"), which Octokit's message may hide. */
function networkDetail(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) continue;
    const text = typeof message === "string" ? message : "";
    if (text.includes(code)) return text;
    return text ? `${code}: ${text}` : code;
  }
  return null;
}
