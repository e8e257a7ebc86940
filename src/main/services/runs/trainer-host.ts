import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TrainerCommand, TrainerEvent, TrainerMessage } from '../../trainer/protocol';

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
 * A started trainer process as the host sees it, whoever started it (Node's fork here, Electron's utilityProcess
 * in the app), so training and prediction share one handling of messages, crashes and kills.
 */
export interface TrainerChild {
  readonly pid: number | undefined;
  /** False once the process is gone and no message can reach it. */
  readonly connected: boolean;
  send(c: TrainerCommand): void;
  onMessage(fn: (m: TrainerMessage) => void): void;
  /** Called once when the process has ended, with how ("the trainer process exited with code 3: ..."). */
  onExit(fn: (how: string) => void): void;
  /** Stop it now (SIGKILL where there are signals). */
  kill(): void;
}

/** Starts a trainer process from its entry file; a front door may bring its own (Electron: utilityProcess). */
export type TrainerSpawner = (entry: string) => TrainerChild;

/**
 * Where the bundled trainer entry lives (out/trainer/trainer.cjs, built with the CLI). A front door that runs
 * another one (the CLI honours RIDGE_TRAINER_ENTRY; tests pass the stand-in trainer) says so in its composition
 * root instead.
 */
export function trainerEntry(): string {
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

/** The environment a trainer process starts with (TensorFlow's C++ chatter off unless asked for), plus `extra`. */
export function trainerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2', ...extra };
}

/** Keep the end of a process's stderr while it runs, so its exit can quote what it printed last. */
export function stderrTail(stream: NodeJS.ReadableStream | null | undefined): () => string {
  let tail = '';
  stream?.on('data', (d: Buffer | string) => {
    tail = (tail + d.toString()).slice(-STDERR_TAIL);
  });
  return () => tail;
}

/** How a trainer process that sent no final word ended, with the last lines it printed. */
export function exitReason(code: number | null, signal: string | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const tail = stderr.trim().split('\n').slice(-3).join(' | ');
  return `the trainer process ${how}${tail ? `: ${tail}` : ''}`;
}

/**
 * Start a trainer as a Node child process (CLI, `ridge serve`), with `env` added to its environment (tests set
 * the stand-in trainer's mode this way, never by changing their own environment).
 */
export function forkTrainer(entry: string, env: NodeJS.ProcessEnv = {}): TrainerChild {
  const child = fork(entry, [], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: trainerEnv(env),
    serialization: 'advanced',
  });
  const stderr = stderrTail(child.stderr);
  let startError: string | null = null;
  let ended: string | null = null;
  const exits: ((how: string) => void)[] = [];
  const end = (how: string) => {
    if (ended !== null) return;
    ended = how;
    for (const fn of exits) fn(how);
  };
  child.on('error', (err) => {
    startError ??= `could not start the trainer: ${err.message}`;
    // A process that never started sends no 'exit'.
    if (child.pid === undefined) end(startError);
  });
  child.on('exit', (code, signal) => end(startError ?? exitReason(code, signal, stderr())));
  return {
    get pid() {
      return child.pid;
    },
    get connected() {
      return child.connected;
    },
    send: (c) => void child.send(c),
    onMessage: (fn) => void child.on('message', (m) => fn(m as TrainerMessage)),
    onExit: (fn) => (ended !== null ? fn(ended) : void exits.push(fn)),
    kill: () => void child.kill('SIGKILL'),
  };
}

/**
 * Start a trainer in its own process and relay its events. A crash, an out-of-memory kill or a native library
 * failure in the trainer becomes a 'failed' outcome with the reason; the caller keeps running.
 */
export function spawnTrainer(
  start: Extract<TrainerCommand, { type: 'start' }>,
  onEvent: (e: TrainerEvent) => void,
  opts: { entry?: string; spawn?: TrainerSpawner } = {},
): TrainerHandle {
  const child = (opts.spawn ?? forkTrainer)(opts.entry ?? trainerEntry());
  let terminal: TrainerOutcome | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  const outcome = new Promise<TrainerOutcome>((resolve) => {
    child.onMessage((msg) => {
      if (msg.type === 'predictions') return; // the answer to a predict job, never part of a run
      try {
        onEvent(msg);
      } catch (err) {
        terminal ??= {
          status: 'failed',
          reason: `could not store a trainer event: ${(err as Error).message}`,
        };
        child.kill();
      }
      if (msg.type === 'done') terminal ??= { status: 'done', event: msg };
      if (msg.type === 'cancelled') terminal ??= { status: 'cancelled' };
      if (msg.type === 'failed') terminal ??= { status: 'failed', reason: msg.reason };
    });
    child.onExit((how) => {
      if (killTimer) clearTimeout(killTimer);
      resolve(terminal ?? { status: 'failed', reason: how });
    });
  });
  child.send(start);
  return {
    pid: child.pid,
    cancel() {
      if (!child.connected) return;
      child.send({ type: 'cancel' } satisfies TrainerCommand);
      killTimer ??= setTimeout(() => child.kill(), CANCEL_GRACE_MS);
    },
    outcome,
  };
}
