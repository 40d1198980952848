/**
 * The few error classes of oss-pulse. Each names the operation that failed; the CLI entry
 * alone maps them to exit codes.
 */

/** Bad configuration or bad usage: exit 2, nothing written. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** A transient failure of a remote host: 429, 5xx, network, timeout. Worth trying again later. */
export class HostError extends Error {
  override name = "HostError";
  constructor(
    message: string,
    readonly host: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A response that does not have the shape we read: nothing from it is written. */
export class ResponseShapeError extends Error {
  override name = "ResponseShapeError";
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source}: unexpected response: ${issues.join("; ")}`);
  }
}

export type UnavailableReason = "gone" | "blocked" | "empty";

/** A repository or package that cannot be collected for a lasting reason (404, 451, 409). */
export class UnavailableError extends Error {
  override name = "UnavailableError";
  constructor(
    readonly target: string,
    readonly reason: UnavailableReason,
    detail: string,
  ) {
    super(`${target}: ${reason}: ${detail}`);
  }
}

/** Credentials rejected (401) or missing where required: no retry. */
export class AuthError extends Error {
  override name = "AuthError";
}

/**
 * The work was asked to stop (SIGTERM, a lost lease) while it waited or a request was in flight:
 * the target is not failed, only not done, and the run is recorded as interrupted.
 */
export class StoppedError extends Error {
  override name = "StoppedError";
  constructor() {
    super("stopping");
  }
}

/** Anything else the program cannot go on from (database refused, lease held, ...). */
export class FatalError extends Error {
  override name = "FatalError";
}

/**
 * A host name that does not resolve (ENOTFOUND, EAI_AGAIN): not transient like a reset or a
 * timeout. Nothing else can be collected from that host, so the run stops at once.
 */
export class OfflineError extends FatalError {
  override name = "OfflineError";
  constructor(readonly host: string) {
    super(`cannot resolve ${host}: no network?`);
  }

  /** The OfflineError for `host` when `error` (or a cause of it) is a failed name lookup. */
  static of(error: unknown, host: string): OfflineError | null {
    for (let e: unknown = error, depth = 0; e instanceof Object && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
      const code = (e as { code?: unknown }).code;
      if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new OfflineError(host);
    }
    return null;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
