import type { Db } from "../store/open.js";

export type StopSignal = "SIGTERM" | "SIGINT";

/**
 * The first SIGTERM or SIGINT asks for a graceful stop; a second one means "now". Returns a
 * function that removes the handlers.
 */
export function onStopSignals(graceful: (signal: StopSignal) => void, immediate: (signal: StopSignal) => void): () => void {
  let received = false;
  const handler = (signal: StopSignal): void => {
    if (received) return immediate(signal);
    received = true;
    graceful(signal);
  };
  const signals: StopSignal[] = ["SIGTERM", "SIGINT"];
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}

/**
 * Folds the WAL back into the database and closes it, so that a stopped daemon leaves a
 * single file behind (a copy of it alone is then a complete backup).
 */
export function closeCleanly(db: Db): void {
  if (!db.open) return;
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}
