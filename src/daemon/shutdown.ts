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
