/**
 * Constants the CLI shows in `--help`. They live apart from the jobs so that printing help
 * loads none of the jobs' dependencies.
 */

export const BACKFILL_STREAMS = ["commits", "issues", "releases", "stars", "downloads"] as const;
export type BackfillStream = (typeof BACKFILL_STREAMS)[number];

/** Default slack after a scheduled slot before its run counts as missing (covers a long run). */
export const DEFAULT_GRACE_MS = 60 * 60_000;
