/**
 * A, N and U of a set of fake repositories on a day, computed from the fixture data alone (no
 * oss-pulse code), for end-to-end tests to compare the scores against.
 */
import type { FakeRepo } from "./fake-github/index.js";

export interface Weights { commits: number; issues_opened: number; issues_closed: number; prs_opened: number; prs_merged: number; releases: number }
export const ONES: Weights = { commits: 1, issues_opened: 1, issues_closed: 1, prs_opened: 1, prs_merged: 1, releases: 1 };

function inWindow(iso: string | null, day: string, window: number): boolean {
  if (!iso) return false;
  const d = iso.slice(0, 10);
  const start = new Date(Date.parse(`${day}T00:00:00Z`) - (window - 1) * 86_400_000).toISOString().slice(0, 10);
  return d >= start && d <= day;
}

export function expectedA(repos: FakeRepo[], day: string, w: Weights, window: number): number {
  let a = 0;
  for (const r of repos) {
    a += w.commits * r.commits.filter((c) => inWindow(c.committedAt, day, window)).length;
    a += w.issues_opened * r.issues.filter((i) => !i.isPull && inWindow(i.createdAt, day, window)).length;
    a += w.issues_closed * r.issues.filter((i) => !i.isPull && inWindow(i.closedAt, day, window)).length;
    a += w.prs_opened * r.issues.filter((i) => i.isPull && inWindow(i.createdAt, day, window)).length;
    a += w.prs_merged * r.issues.filter((i) => i.isPull && inWindow(i.mergedAt, day, window)).length;
    a += w.releases * r.releases.filter((x) => !x.draft && inWindow(x.publishedAt, day, window)).length;
  }
  return a;
}

/** Distinct people (login, else lower-cased e-mail) with a commit up to the day; bots and `extraBots` left out. */
export function expectedN(repos: FakeRepo[], day: string, extraBots: readonly string[] = []): number {
  const people = new Set<string>();
  for (const r of repos) {
    for (const c of r.commits) {
      if (c.committedAt.slice(0, 10) > day) continue;
      const login = c.authorLogin;
      const email = c.authorEmail.toLowerCase();
      const bot = (login ?? "").endsWith("[bot]") || c.authorType === "Bot" || (!login && email.endsWith("[bot]@users.noreply.github.com")) || extraBots.includes(login ?? "");
      if (!bot) people.add(login ?? email);
    }
  }
  return people.size;
}

/** Stars still present today that were given up to the day (the fake's star history). */
export function retainedStars(repo: FakeRepo, day: string): number {
  let n = 0;
  for (const w of repo.starHistory) {
    w.days.forEach((stars, i) => {
      if (new Date(w.week * 1000 + i * 86_400_000).toISOString().slice(0, 10) <= day) n += stars;
    });
  }
  return n;
}
