import { randomBytes } from 'node:crypto';
import type { EventMap } from '../../../shared/api/contract';
import type { QueueState, RunProgressView } from '../../../shared/api/runs-contract';
import { RESUMABLE_STATUSES } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import type { TrainerEvent } from '../../trainer/protocol';
import type { Project } from '../project/project';
import { ForeignRunWatch } from './foreign-runs';
import { HEARTBEAT_MS, ownerGone, ownerKey, parseOwner, type RunOwner, STALE_MS } from './lease';
import { executeRun } from './runs';
import type { TrainerSpawner } from './trainer-host';

/** Something that wants the queue's events (a session, and through it a window or a browser tab; tests). */
export type QueueListener = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void;

/** How a front door's composition root sets up the run queue of a project. */
export interface RunQueueOptions {
  /** This process, as the owner of the runs the queue holds. */
  owner: RunOwner;
  /**
   * Also take queued runs no live process holds (left by a process that ended): the long-lived doors (ridge
   * serve, the app) do; a `ridge train` runs only what it queued itself.
   */
  adopt: boolean;
  /** The trainer entry file (the door knows where its bundle is; tests pass the stand-in trainer). */
  entry?: string;
  /** How trainer processes start: Node's fork by default, a utilityProcess in the Electron app. */
  spawn?: TrainerSpawner;
  /** Heartbeat period and staleness limit of the owner leases (tests shorten them). */
  heartbeatMs?: number;
  staleMs?: number;
}

/**
 * The project's run queue in this process: one run at a time, executed with executeRun (a trainer process), its
 * events pushed to listeners. The queue itself is SQLite: every queued or running run is held by one queue
 * through its owner lease (renewed every heartbeatMs), so several processes can train runs of one project side
 * by side without ever training one run twice. On each heartbeat tick the queue also looks after runs other
 * processes held: a running run whose owner is gone becomes `interrupted` (resumable), a queued one is released
 * (and taken when `adopt`), and what live owners' runs do is pushed as events too.
 */
export class RunQueue {
  private readonly listeners = new Set<QueueListener>();
  /** Runs this queue holds and has not started yet, in order. */
  private readonly waiting: string[] = [];
  private current: { runId: string; abort: AbortController; startedMs: number; lost: boolean } | null = null;
  private progress: RunProgressView | null = null;
  private pumping: Promise<void> | null = null;
  private batch = { total: 0, done: 0 };
  private disposed = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly foreign: ForeignRunWatch;
  /** This queue's lease holder key, as stored on the runs it holds. */
  readonly holder: string;

  constructor(
    private readonly p: Project,
    private readonly opts: RunQueueOptions,
  ) {
    this.holder = ownerKey(opts.owner, randomBytes(6).toString('hex'));
    this.foreign = new ForeignRunWatch(p, (e, payload) => this.emit(e, payload));
  }

  /** Look after the project's runs now (interrupted ones marked, queued ones started), then every heartbeat. */
  start(): string[] {
    const interrupted = this.tick();
    this.timer ??= setInterval(() => this.tick(), this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
    return interrupted;
  }

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

  /** The queue as the UI shows it. */
  state(): QueueState {
    const queued = this.disposed ? [] : [...this.waiting];
    const pr = this.progress;
    const perRun = pr && pr.etaS !== null && pr.fraction > 0.02 ? pr.etaS / (1 - pr.fraction + 1e-9) : null;
    return {
      running: this.current?.runId ?? null,
      queued,
      progress: pr,
      batchTotal: Math.max(this.batch.total, this.batch.done + queued.length + (this.current ? 1 : 0)),
      batchDone: this.batch.done,
      batchEtaS: pr && pr.etaS !== null && perRun !== null ? pr.etaS + perRun * queued.length : null,
      elsewhere: this.foreign.running(),
    };
  }

  /**
   * One heartbeat: renew this queue's leases (a run it lost is stopped), then look at every other queued or
   * running run of the project: a gone owner's running run becomes interrupted, its queued run is released
   * (and taken when adopting); live owners' runs are watched. Returns the runs it marked interrupted.
   */
  tick(): string[] {
    if (this.disposed) return [];
    const interrupted: string[] = [];
    let changed = false;
    const now = Date.now();
    // Renew only while holding runs: an idle queue takes no write lock every heartbeat.
    if (this.busy) this.p.tx(() => this.p.runs.heartbeat(this.holder));
    const leases = this.p.runs.leases();
    const ours = new Set(leases.filter((l) => l.owner === this.holder).map((l) => l.id));
    if (this.current && !this.current.lost && this.lostRun(this.current.runId, leases)) {
      // Another process judged this queue gone and took the run: stop training it here.
      this.current.lost = true;
      this.current.abort.abort();
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (ours.has(this.waiting[i]!)) continue;
      this.waiting.splice(i, 1);
      changed = true;
    }
    const elsewhere: { runId: string; pid: number }[] = [];
    for (const l of leases) {
      if (l.owner === this.holder) continue;
      const owner = parseOwner(l.owner);
      const gone =
        l.owner === null ? 'no process holds it' : ownerGone(owner, l.heartbeatAt, now, this.staleMs);
      if (!gone) {
        if (l.status === 'running' && owner) elsewhere.push({ runId: l.id, pid: owner.pid });
        continue;
      }
      if (l.status === 'running') {
        if (this.interrupt(l.id, l.owner, gone)) interrupted.push(l.id);
      } else {
        if (l.owner !== null) this.p.tx(() => this.p.runs.release(l.id, l.owner));
        if (this.opts.adopt && this.p.tx(() => this.p.runs.claimQueued(l.id, this.holder))) {
          this.waiting.push(l.id);
          changed = true;
        }
      }
    }
    changed = this.foreign.update(elsewhere) || changed || interrupted.length > 0;
    if (changed) this.kick();
    return interrupted;
  }

  /** Whether the running run was taken from this queue (held by another, or marked interrupted); ended is not. */
  private lostRun(runId: string, leases: { id: string; owner: string | null }[]): boolean {
    const l = leases.find((x) => x.id === runId);
    if (l) return l.owner !== this.holder;
    return this.p.runs.byId(runId)?.status === 'interrupted';
  }

  private get staleMs(): number {
    return this.opts.staleMs ?? STALE_MS;
  }

  private interrupt(runId: string, owner: string | null, why: string): boolean {
    const reason = `interrupted: ${why}; resume continues from the last checkpoint`;
    if (!this.p.tx(() => this.p.runs.markInterrupted(runId, owner, reason))) return false;
    this.emit('run.ended', { runId, status: 'interrupted', failReason: reason });
    return true;
  }

  /** Runs this queue's holder created (createPlannedRuns with `holder`): train them after the current one. */
  enqueue(runIds: readonly string[]): void {
    for (const id of runIds) {
      if (this.waiting.includes(id) || this.current?.runId === id) continue;
      if (!this.p.tx(() => this.p.runs.claimQueued(id, this.holder)))
        throw new UserError(`run ${id} is not queued here`);
      this.waiting.push(id);
    }
    this.kick();
  }

  /** Start the next waiting run when the current one ends. */
  private kick(): void {
    if (this.disposed) return;
    this.emit('runs.queue', this.state());
    if (!this.pumping)
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
      });
  }

  /** The process that holds a queued or running run, when it is alive; null when none does. */
  private liveHolder(runId: string): RunOwner | null {
    const l = this.p.runs.leases().find((x) => x.id === runId);
    if (!l || l.owner === null) return null;
    if (l.owner === this.holder) return this.opts.owner;
    const owner = parseOwner(l.owner);
    if (ownerGone(owner, l.heartbeatAt, Date.now(), this.staleMs)) return null;
    return owner;
  }

  /**
   * Queue a failed, cancelled or interrupted run again, to continue from its last checkpoint. A run that a live
   * process holds is refused, naming the process (two trainers never run one run).
   */
  resume(runId: string): void {
    const r = this.p.runs.byId(runId);
    if (!r) throw new UserError(`no run ${runId} in this project`);
    if (r.status === 'done') throw new UserError(`run ${runId} is already done`);
    if (r.status === 'queued' || r.status === 'running') {
      const holder = this.liveHolder(runId);
      if (holder) throw new UserError(`run ${runId} is ${r.status} in process ${holder.pid}`);
      this.tick(); // its holder is gone: mark it interrupted (or release it) first
    }
    const now = this.p.runs.byId(runId)!;
    if (now.status === 'queued' && this.p.tx(() => this.p.runs.claimQueued(runId, this.holder))) {
      if (!this.waiting.includes(runId)) this.waiting.push(runId);
    } else if (RESUMABLE_STATUSES.includes(now.status)) {
      if (!this.p.tx(() => this.p.runs.requeue(runId, this.holder)))
        throw new UserError(`run ${runId} changed while resuming it; try again`);
      this.waiting.push(runId);
    } else if (!this.waiting.includes(runId)) throw new UserError(`run ${runId} is ${now.status}`);
    this.kick();
  }

  /**
   * Stop the running run (within a batch) or take a queued one off the queue (stored as cancelled). A run another
   * live process trains is refused, naming it; false when there is nothing to cancel.
   */
  cancel(runId: string): boolean {
    if (this.current?.runId === runId) {
      this.current.abort.abort();
      return true;
    }
    const r = this.p.runs.byId(runId);
    if (r?.status !== 'queued' && r?.status !== 'running') return false;
    const i = this.waiting.indexOf(runId);
    if (i < 0) {
      const holder = this.liveHolder(runId);
      if (holder) throw new UserError(`run ${runId} is ${r.status} in process ${holder.pid}; stop it there`);
      if (r.status === 'running') return this.tick().includes(runId);
    } else this.waiting.splice(i, 1);
    this.p.tx(() => this.p.runs.markEnded(runId, 'cancelled'));
    this.emit('run.ended', { runId, status: 'cancelled', failReason: null });
    this.emit('runs.queue', this.state());
    return true;
  }

  /** Resolves when nothing is running or waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Whether this queue is training or holds runs waiting to train. */
  get busy(): boolean {
    return this.current !== null || this.waiting.length > 0;
  }

  /**
   * Stop for good (the project closes): the running run is cancelled, waiting runs are released (still queued in
   * SQLite, for whichever queue opens the project next).
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.current?.abort.abort();
    await this.idle();
    const waiting = this.waiting.splice(0);
    this.p.tx(() => {
      for (const id of waiting) this.p.runs.release(id, this.holder);
    });
    this.listeners.clear();
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.disposed) return;
      const next = this.waiting[0];
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
    this.waiting.splice(this.waiting.indexOf(runId), 1);
    const abort = new AbortController();
    const run = this.p.runs.byId(runId)!;
    const current = { runId, abort, startedMs: Date.now(), lost: false };
    this.current = current;
    this.batch.total = Math.max(this.batch.total, this.batch.done + 1 + this.waiting.length);
    this.progress = null;
    try {
      this.emit('runs.queue', this.state());
      const end = await executeRun(this.p, runId, {
        // A run that stored epochs continues from its last checkpoint (the engine starts over without one).
        resume: this.p.runs.epochCount(runId) > 0,
        signal: abort.signal,
        holds: () => !current.lost,
        onEvent: (e) => this.onEvent(runId, run.config.epochs, e),
        ...(this.opts.entry ? { entry: this.opts.entry } : {}),
        ...(this.opts.spawn ? { spawn: this.opts.spawn } : {}),
      });
      if (!current.lost) this.emit('run.ended', { runId, status: end.status, failReason: end.failReason });
    } catch (err) {
      // The project closed under the run (or the store failed): the next open finds it interrupted.
      this.emit('run.ended', { runId, status: 'failed', failReason: (err as Error).message });
    } finally {
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
      this.emit('run.started', { runId, backend: e.backend, device: e.device, reasons: e.reasons });
      this.emit('runs.queue', this.state());
    }
  }
}
