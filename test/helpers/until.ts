// Waiting in tests for something another process does (a run's status in SQLite, an event), without fixed sleeps.

/** Polls `get` every `everyMs` until it returns a value, and fails after `ms` with what was awaited. */
export async function until<T>(get: () => T | undefined, ms: number, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
