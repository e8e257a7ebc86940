import { existsSync, writeSync } from 'node:fs';

// Named points where a test can hold a real process, so races and kills land exactly where a test wants them
// instead of depending on timing. Inert unless RIDGE_TEST_PAUSE names the point; nothing in normal use sets it.

const WAIT_SLICE_MS = 20;
const MAX_WAIT_MS = 120_000;

/**
 * Hold the process here when RIDGE_TEST_PAUSE equals `name`: print `ridge-test: paused at <name>` on stderr, then
 * wait (blocking, like the synchronous code around each point) until the file RIDGE_TEST_RESUME exists, or forever
 * when no resume file is named (a test that SIGKILLs the process there).
 */
export function pausePoint(name: string): void {
  if (process.env.RIDGE_TEST_PAUSE !== name) return;
  writeSync(2, `ridge-test: paused at ${name}\n`);
  const resume = process.env.RIDGE_TEST_RESUME;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  if (!resume) for (;;) Atomics.wait(cell, 0, 0);
  for (let waited = 0; !existsSync(resume); waited += WAIT_SLICE_MS) {
    if (waited > MAX_WAIT_MS) throw new Error(`test hook ${name}: ${resume} never appeared`);
    Atomics.wait(cell, 0, 0, WAIT_SLICE_MS);
  }
}
