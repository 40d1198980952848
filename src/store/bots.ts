import type { Db } from "./open.js";

/**
 * Makes `configured_bots` the config's `bots` list (lower-cased), so that the analysts' views
 * leave out the same identities as the scorer. Call inside the sync's transaction.
 */
export function syncConfiguredBots(db: Db, bots: readonly string[]): void {
  db.prepare("DELETE FROM configured_bots").run();
  const insert = db.prepare("INSERT INTO configured_bots (identity) VALUES (?) ON CONFLICT DO NOTHING");
  for (const bot of bots) insert.run(bot.toLowerCase());
}
