import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/** A `ridge` process running in the background, with its output so far and a way to wait on it. */
export interface RidgeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stderr shows `ridge-test: paused at <point>` (rejects if the process ends first). */
  pausedAt: (point: string) => Promise<void>;
  /** Resolves with the exit code, or the signal name when it was killed. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Start the built `ridge` CLI without waiting for it, for tests that race two processes or kill one. `pause` holds
 * it at a test hook (src/main/services/test-hooks.ts) until `resume` exists, or forever when no resume file is given.
 */
export function startRidge(
  args: string[],
  opts: { pause?: string; resume?: string; env?: Record<string, string> } = {},
): RidgeProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.pause) env.RIDGE_TEST_PAUSE = opts.pause;
  if (opts.resume) env.RIDGE_TEST_RESUME = opts.resume;
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ridge.cjs'), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve(signal ?? code);
      for (const w of waiters.splice(0)) w();
    }),
  );
  const pausedAt = (point: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (err.includes(`ridge-test: paused at ${point}\n`)) return resolve();
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`ridge ended before pausing at ${point}:\n${err}`));
        waiters.push(check);
      };
      check();
    });
  return { child, stdout: () => out, stderr: () => err, pausedAt, exited };
}
