import type { OwnerListing } from "../github/discovery.js";
import type { PackageSnapshot } from "../registries/types.js";
import { dayOf, toIso } from "../util/time.js";
import type { Db } from "./open.js";
import { setPackageStatus, upsertPackage, upsertPackageSnapshot } from "./packages.js";
import { findRepo } from "./repos.js";
import { saveFirstPage } from "./sync.js";

/**
 * Stores a complete owner listing in place of the last one, with the validator of its first
 * page, in one transaction. A listed repository is matched to a known one by GitHub's id first
 * (a renamed repo keeps its history), then by name; an unknown one is added.
 */
export function saveOwnerListing(db: Db, listing: OwnerListing, now: Date): void {
  const at = toIso(now);
  const byGithubId = db.prepare("SELECT id FROM repos WHERE github_id = ?").pluck();
  const insertRepo = db.prepare("INSERT INTO repos (full_name, github_id, first_seen_at) VALUES (?, ?, ?)");
  const insertListed = db.prepare("INSERT OR REPLACE INTO owner_repos (owner, repo_id, name, fork, archived, stars) VALUES (?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    db.prepare(
      `INSERT INTO owners (name, kind, first_listed_at, listed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, listed_at = excluded.listed_at`,
    ).run(listing.owner, listing.kind, at, at);
    if (listing.firstPage) saveFirstPage(db, listing.firstPage, now);
    if (listing.repos === null) return; // 304: the stored listing still holds
    db.prepare("DELETE FROM owner_repos WHERE owner = ?").run(listing.owner);
    for (const r of listing.repos) {
      let repoId = byGithubId.get(r.githubId) as number | undefined;
      repoId ??= findRepo(db, r.fullName)?.id;
      repoId ??= Number(insertRepo.run(r.fullName, r.githubId, at).lastInsertRowid);
      insertListed.run(listing.owner, repoId, r.name, r.fork ? 1 : 0, r.archived ? 1 : 0, r.stars);
    }
  }).immediate();
}


/**
 * Stores a complete author listing (Hugging Face `GET /api/models?author=`) in place of the last
 * one: each package with the day's snapshot of its counts, in one transaction.
 */
export function saveAuthorListing(
  db: Db,
  listing: { registry: string; author: string; packages: readonly { name: string; snapshot: PackageSnapshot }[] },
  now: Date,
): { drops: { name: string; previousDay: string; previousTotal: number; total: number | null }[] } {
  const day = dayOf(now);
  const drops: { name: string; previousDay: string; previousTotal: number; total: number | null }[] = [];
  db.transaction(() => {
    db.prepare("DELETE FROM author_packages WHERE registry = ? AND author = ?").run(listing.registry, listing.author);
    const insert = db.prepare("INSERT OR IGNORE INTO author_packages (registry, author, package_id, listed_at) VALUES (?, ?, ?, ?)");
    for (const p of listing.packages) {
      const id = upsertPackage(db, { registry: listing.registry, name: p.name }, now);
      insert.run(listing.registry, listing.author, id, toIso(now));
      const drop = upsertPackageSnapshot(db, id, day, p.snapshot, now);
      if (drop) drops.push({ name: p.name, ...drop, total: p.snapshot.total });
      setPackageStatus(db, id, "active", null, now);
    }
  }).immediate();
  return { drops };
}
