import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EventMap } from '../../../shared/api/contract';
import type { QueueState, RunProgressView } from '../../../shared/api/runs-contract';
import type { TrainerEvent } from '../../trainer/protocol';
import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';
import { executeRun, runDir } from './runs';
import type { TrainerSpawner } from './trainer-host';

/** Something that wants the queue's events (the server's sockets, Electron's window, tests). */
export type QueueListener = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void;

/** Options of a run queue. */
export interface RunQueueOptions {
  /** A different trainer entry (tests use the stand-in trainer). */
  entry?: string;
  /** How trainer processes start: Node's fork by default, a utilityProcess in the Electron app. */
  spawn?: TrainerSpawner;
  /** A 'running' run whose folder has not changed for this long, and that no live process owns, is interrupted. */
  staleMs?: number;
}

/** File in a run's folder naming the process that executes it, so a restart can tell a dead owner. */
export const OWNER_FILE = 'owner.json';
/** Reason stored on a run whose process died; the UI offers Resume for these. */
export const INTERRUPTED_PREFIX = 'interrupted:';
/** Runs this process is executing right now (any project): never recovered as interrupted. */
const ACTIVE = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function newestMtime(dir: string): number {
  let t = 0;
  try {
    for (const f of readdirSync(dir)) t = Math.max(t, statSync(path.join(dir, f)).mtimeMs);
  } catch {
    /* no folder: never touched */
  }
  return t;
}

/**
 * The project's run queue: one run at a time, executed with executeRun (a trainer process), its events pushed to
 * listeners. The queue itself is SQLite: runs with status 'queued' are the queue, so queued runs survive a
 * restart and `recover()` picks them up again; a run left 'running' by a dead process becomes failed
 * ('interrupted: ...') and can be resumed from its last checkpoint.
 */
export class RunQueue {
  private readonly listeners = new Set<QueueListener>();
  private readonly resumeIds = new Set<string>();
  private current: { runId: string; abort: AbortController; startedMs: number } | null = null;
  private progress: RunProgressView | null = null;
  private pumping: Promise<void> | null = null;
  private batch = { total: 0, done: 0 };
  private disposed = false;

  constructor(
    private readonly p: Project,
    private readonly opts: RunQueueOptions = {},
  ) {}

  /** Listen to queue events; returns the unsubscribe function. */
  subscribe(l: QueueListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit<E extends keyof EventMap>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        /* a listener's failure never stops training */
      }
    }
  }

  /** Queued run ids, oldest first (straight from SQLite, so it is what a restart would see). */
  private queuedIds(): string[] {
    return this.p.runs
      .list()
      .filter((r) => r.status === 'queued' || this.resumeIds.has(r.id))
      .filter((r) => r.id !== this.current?.runId)
      .map((r) => r.id);
  }

  /** The queue as the UI shows it. */
  state(): QueueState {
    const queued = this.disposed ? [] : this.queuedIds();
    const pr = this.progress;
    const perRun = pr && pr.etaS !== null && pr.fraction > 0.02 ? pr.etaS / (1 - pr.fraction + 1e-9) : null;
    return {
      running: this.current?.runId ?? null,
      queued,
      progress: pr,
      batchTotal: Math.max(this.batch.total, this.batch.done + queued.length + (this.current ? 1 : 0)),
      batchDone: this.batch.done,
      batchEtaS: pr && pr.etaS !== null && perRun !== null ? pr.etaS + perRun * queued.length : null,
    };
  }

  /**
   * Mark runs left 'running' by a process that is gone as failed ('interrupted'), then start the queued ones.
   * A run is left alone while this process runs it, while the process in its owner file lives, or (no owner
   * file: started by `ridge train`) while its folder changed within staleMs.
   */
  recover(): string[] {
    const interrupted: string[] = [];
    const staleMs = this.opts.staleMs ?? 10 * 60_000;
    for (const r of this.p.runs.list()) {
      if (r.status !== 'running' || ACTIVE.has(r.id)) continue;
      const dir = runDir(this.p, r.id);
      const ownerFile = path.join(dir, OWNER_FILE);
      let dead: boolean;
      if (existsSync(ownerFile)) {
        const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid: number };
        dead = owner.pid === process.pid || !pidAlive(owner.pid);
      } else dead = Date.now() - newestMtime(dir) > staleMs;
      if (!dead) continue;
      this.p.tx(() =>
        this.p.runs.markEnded(r.id, 'failed', {
          failReason: `${INTERRUPTED_PREFIX} the process running it ended; resume continues from the last checkpoint`,
        }),
      );
      interrupted.push(r.id);
    }
    this.kick();
    return interrupted;
  }

  /** Runs were queued in SQLite (createRun): start them when the current one ends. */
  kick(): void {
    if (this.disposed) return;
    this.emit('runs.queue', this.state());
    if (!this.pumping)
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
      });
  }

  /** Queue a failed/cancelled run again, to continue from its last checkpoint. */
  resume(runId: string): void {
    const r = this.p.runs.byId(runId);
    if (!r) throw new UserError(`no run ${runId} in this project`);
    if (r.status === 'done') throw new UserError(`run ${runId} is already done`);
    if (r.status === 'running' || r.status === 'queued')
      throw new UserError(`run ${runId} is already ${r.status}`);
    this.resumeIds.add(runId);
    this.kick();
  }

  /** Stop the running run (within a batch) or take a queued one off the queue (stored as cancelled). */
  cancel(runId: string): boolean {
    if (this.current?.runId === runId) {
      this.current.abort.abort();
      return true;
    }
    if (this.resumeIds.delete(runId)) {
      this.emit('runs.queue', this.state());
      return true;
    }
    const r = this.p.runs.byId(runId);
    if (r?.status !== 'queued') return false;
    this.p.tx(() => this.p.runs.markEnded(runId, 'cancelled'));
    this.emit('run.ended', { runId, status: 'cancelled', failReason: null });
    this.emit('runs.queue', this.state());
    return true;
  }

  /** Resolves when nothing is running or queued (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Stop for good (project closing): cancels the running run; queued runs stay queued in SQLite for next time. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.current?.abort.abort();
    await this.idle();
    this.listeners.clear();
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.disposed) return;
      const next = this.queuedIds()[0];
      if (!next) {
        this.batch = { total: 0, done: 0 };
        this.progress = null;
        this.emit('runs.queue', this.state());
        return;
      }
      await this.runOne(next);
      this.batch.done++;
    }
  }

  private async runOne(runId: string): Promise<void> {
    const resume = this.resumeIds.delete(runId);
    const abort = new AbortController();
    const run = this.p.runs.byId(runId)!;
    this.current = { runId, abort, startedMs: Date.now() };
    this.batch.total = Math.max(this.batch.total, this.batch.done + 1 + this.queuedIds().length);
    this.progress = null;
    ACTIVE.add(runId);
    const dir = runDir(this.p, runId);
    try {
      if (existsSync(dir)) writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid }));
      this.emit('runs.queue', this.state());
      const end = await executeRun(this.p, runId, {
        resume,
        signal: abort.signal,
        onEvent: (e) => this.onEvent(runId, run.config.epochs, e),
        ...(this.opts.entry ? { entry: this.opts.entry } : {}),
        ...(this.opts.spawn ? { spawn: this.opts.spawn } : {}),
      });
      this.emit('run.ended', { runId, status: end.status, failReason: end.failReason });
    } catch (err) {
      // The project closed under the run (or the store failed): the next open recovers it as interrupted.
      this.emit('run.ended', { runId, status: 'failed', failReason: (err as Error).message });
    } finally {
      ACTIVE.delete(runId);
      this.current = null;
      this.progress = null;
    }
  }

  private onEvent(runId: string, epochs: number, e: TrainerEvent): void {
    if (e.type === 'progress') {
      const fraction = Math.min(1, (e.epoch - 1 + e.step / Math.max(1, e.steps)) / epochs); // epochs count from 1
      const elapsed = (Date.now() - (this.current?.startedMs ?? Date.now())) / 1000;
      this.progress = {
        runId,
        epoch: e.epoch,
        epochs,
        step: e.step,
        steps: e.steps,
        loss: e.loss,
        fraction,
        etaS: fraction > 0.01 ? (elapsed * (1 - fraction)) / fraction : null,
        imagesPerSecond: Number.isFinite(e.imagesPerSecond) ? e.imagesPerSecond : null,
      };
      this.emit('run.progress', { runId, epoch: e.epoch, step: e.step, steps: e.steps, loss: e.loss });
      this.emit('runs.queue', this.state());
    } else if (e.type === 'epoch') {
      this.emit('run.epoch', { ...e.metrics, runId });
    } else if (e.type === 'backend') {
      this.emit('runs.queue', this.state());
    }
  }
}
