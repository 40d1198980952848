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
 * For a command that writes (collect, backfill): the first SIGTERM or SIGINT aborts the returned
 * signal, so the job cuts short its waits and requests and records its run as interrupted, and
 * the command closes the database as usual; a second signal exits at once.
 */
export function stopOnSignals(onStop: (signal: StopSignal) => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dispose = onStopSignals(
    (signal) => {
      onStop(signal);
      controller.abort();
    },
    () => process.exit(1),
  );
  return {
    signal: controller.signal,
    dispose: () => {
      dispose();
      // A wait cut short inside Octokit's retry plugin leaves its timer behind, which would hold
      // the process up to the end of the back-off: once the command is done, do not wait for it.
      if (controller.signal.aborted) setTimeout(() => process.exit(), 500).unref();
    },
  };
}
