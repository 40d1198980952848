import type { FakeRepo } from "./fake-github/index.js";

/**
 * Five repos that fail in every lasting way GitHub has, for tests that check the others go on:
 * `acme/<first>` is healthy, `acme/old` is to be renamed (call `renameRepo("acme/old", "acme/new")`
 * once served), `acme/deleted` answers 404, `acme/blocked` 451, and `acme/empty` has no commits (409).
 */
export function failingRepos(make: (name: string, id: number) => FakeRepo, first: string): FakeRepo[] {
  const repos = [make(first, 1), make("old", 2), make("deleted", 3), make("blocked", 4), make("empty", 5)];
  repos[2]!.unavailable = 404;
  repos[3]!.unavailable = 451;
  repos[4]!.empty = true;
  repos[4]!.commits = [];
  return repos;
}
