import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TrainerCommand, TrainerEvent } from '../../trainer/protocol';

/** How a trainer process ended, from main's point of view. */
export type TrainerOutcome =
  | { status: 'done'; event: Extract<TrainerEvent, { type: 'done' }> }
  | { status: 'cancelled' }
  | { status: 'failed'; reason: string };

/** A running trainer: cancel it (stops within one batch) or wait for its outcome. */
export interface TrainerHandle {
  readonly pid: number | undefined;
  cancel(): void;
  readonly outcome: Promise<TrainerOutcome>;
}

/**
 * Where the bundled trainer entry lives (out/trainer/trainer.cjs, built with the CLI); RIDGE_TRAINER_ENTRY
 * overrides it (tests use a stand-in trainer to prove the host's handling of crashes and kills).
 */
export function trainerEntry(): string {
  if (process.env.RIDGE_TRAINER_ENTRY) return process.env.RIDGE_TRAINER_ENTRY;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'out', 'trainer', 'trainer.cjs');
    if (existsSync(candidate)) return candidate;
    const sibling = path.join(dir, '..', 'trainer', 'trainer.cjs');
    if (existsSync(sibling)) return path.resolve(sibling);
    dir = path.dirname(dir);
  }
  throw new Error("the trainer is not built (out/trainer/trainer.cjs); run 'npm run build:cli'");
}

const STDERR_TAIL = 4000;
const CANCEL_GRACE_MS = 60_000;

/**
 * Start a trainer in its own process and relay its events. A crash, an out-of-memory kill or a native library
 * failure in the trainer becomes a 'failed' outcome with the reason; the caller keeps running.
 */
export function spawnTrainer(
  start: Extract<TrainerCommand, { type: 'start' }>,
  onEvent: (e: TrainerEvent) => void,
  opts: { entry?: string } = {},
): TrainerHandle {
  const child: ChildProcess = fork(opts.entry ?? trainerEntry(), [], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-STDERR_TAIL);
  });
  let terminal: TrainerOutcome | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  const outcome = new Promise<TrainerOutcome>((resolve) => {
    child.on('message', (msg: TrainerEvent) => {
      try {
        onEvent(msg);
      } catch (err) {
        terminal ??= {
          status: 'failed',
          reason: `could not store a trainer event: ${(err as Error).message}`,
        };
        child.kill('SIGKILL');
      }
      if (msg.type === 'done') terminal ??= { status: 'done', event: msg };
      if (msg.type === 'cancelled') terminal ??= { status: 'cancelled' };
      if (msg.type === 'failed') terminal ??= { status: 'failed', reason: msg.reason };
    });
    child.on('error', (err) => {
      terminal ??= { status: 'failed', reason: `could not start the trainer: ${err.message}` };
    });
    child.on('exit', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (terminal) return resolve(terminal);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ status: 'failed', reason: `the trainer process ${how}${tail ? `: ${tail}` : ''}` });
    });
  });
  child.send(start);
  return {
    pid: child.pid,
    cancel() {
      if (!child.connected) return;
      child.send({ type: 'cancel' } satisfies TrainerCommand);
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
    },
    outcome,
  };
}
