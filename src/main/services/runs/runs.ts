import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSqliteBusy, retryWhileBusy } from '../db/write-queue';
import { TRAINER_VERSION } from '../../../shared/domain/comparability';
import type { RunConfig, RunRecord } from '../../../shared/domain/runs';
import type { Manifest, TrainerEvent } from '../../trainer/protocol';
import { UserError } from '../../../shared/errors';
import { type Project, RUNS_DIR } from '../project/project';
import { appendEpochMemory } from './epoch-memory';
import { freezeManifest, manifestHash } from './manifest';
import { spawnTrainer, type TrainerHandle, type TrainerSpawner } from './trainer-host';

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `r${t}-${randomBytes(3).toString('hex')}`;
}

/** A run's folder inside the project: manifest, checkpoints, exported model, log. */
export function runDir(p: Project, runId: string): string {
  return path.join(p.dir, RUNS_DIR, runId);
}

/**
 * Create a queued run: its data frozen into a manifest (hash recorded), its whole config stored. A comparison
 * passes one manifest to every run, so all arms and seeds train on exactly the same data. Callers plan and check
 * first (plan.ts: createPlannedRuns, which runs assertTrainable); this only stores.
 */
export function createRun(
  p: Project,
  config: RunConfig,
  frozen?: Manifest,
  owner: string | null = null,
  studyId: string | null = null,
): RunRecord {
  const manifest = frozen ?? freezeManifest(p);
  const hashes = new Map(p.images.all().map((i) => [i.id, i.sha256]));
  const id = newRunId();
  const dir = runDir(p, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return p.tx(() =>
    p.runs.insert(id, config, manifestHash(manifest, hashes), owner, {
      studyId,
      trainerVersion: TRAINER_VERSION,
    }),
  );
}

/** Store one trainer event; the trainer never touches the database, main does it here. */
export function recordEvent(p: Project, runId: string, e: TrainerEvent): void {
  switch (e.type) {
    case 'backend':
      p.tx(() => p.runs.markStarted(runId, e.backend, e.reasons, e.device));
      break;
    case 'epoch':
      p.tx(() => p.runs.addEpoch({ ...e.metrics, runId }));
      if (e.memory) appendEpochMemory(runDir(p, runId), e.metrics.epoch, e.memory);
      break;
    case 'done':
      p.tx(() =>
        p.runs.markEnded(runId, 'done', {
          bestEpoch: e.bestEpoch,
          testMetrics: e.testMetrics,
          ...(e.robustness ? { robustness: e.robustness } : {}),
          ...(e.saliency ? { saliency: e.saliency } : {}),
        }),
      );
      break;
    case 'failed':
      p.tx(() => p.runs.markEnded(runId, 'failed', { failReason: e.reason }));
      break;
    case 'cancelled':
      p.tx(() => p.runs.markEnded(runId, 'cancelled'));
      break;
    default:
      break;
  }
}

/** How long a trainer event waits for another process's lock before the run fails for it. */
const EVENT_WAIT_MS = 60_000;

/**
 * A run's trainer events, stored in order. Each is written at once; while another process holds the project's
 * lock (a server's connection waits only briefly) the events queue up and are written, in order, as soon as it is
 * free, so a CLI import beside a training neither stalls the event loop nor fails the run.
 */
class EventStore {
  private readonly backlog: TrainerEvent[] = [];
  private flushing: Promise<void> | null = null;
  private failure: string | null = null;

  constructor(
    private readonly p: Project,
    private readonly runId: string,
  ) {}

  /** Store an event (throws only for a failure other than a busy lock, as recordEvent does). */
  record(e: TrainerEvent): void {
    if (this.failure) return;
    if (!this.backlog.length) {
      try {
        return recordEvent(this.p, this.runId, e);
      } catch (err) {
        if (!isSqliteBusy(err)) throw err;
      }
    }
    this.backlog.push(e);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.backlog.length) {
        const e = this.backlog[0]!;
        await retryWhileBusy(() => recordEvent(this.p, this.runId, e), EVENT_WAIT_MS);
        this.backlog.shift();
      }
    } catch (err) {
      this.failure = `could not store a trainer event: ${(err as Error).message}`;
      this.backlog.length = 0;
    } finally {
      this.flushing = null;
    }
  }

  /** Wait until every event is stored; the reason the run failed if one could not be. */
  async drained(): Promise<string | null> {
    while (this.flushing) await this.flushing;
    return this.failure;
  }
}

/** Options of executeRun. */
export interface ExecuteOptions {
  resume?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: TrainerEvent) => void;
  /** Whether the caller still holds the run's lease; once false, the trainer's events are no longer stored. */
  holds?: () => boolean;
  /** A different trainer entry (tests). */
  entry?: string;
  /** How the trainer process starts (default: Node's fork; the Electron app passes a utilityProcess). */
  spawn?: TrainerSpawner;
}

/**
 * Train a queued run (with resume: from its last checkpoint) in a trainer process and store everything it
 * reports. Resolves with the final run record whatever happened to the trainer; it never leaves a run 'running'
 * while the caller holds it. The caller (the project's run queue) holds the run's lease.
 */
export async function executeRun(p: Project, runId: string, opts: ExecuteOptions = {}): Promise<RunRecord> {
  const run = p.runs.byId(runId);
  if (!run) throw new UserError(`no run ${runId} in this project`);
  if (run.status !== 'queued') throw new UserError(`run ${runId} is ${run.status}, not queued`);
  const dir = runDir(p, runId);
  const holds = opts.holds ?? (() => true);
  let handle: TrainerHandle;
  const store = new EventStore(p, runId);
  const onEvent = (e: TrainerEvent) => {
    if (!holds()) return;
    store.record(e);
    opts.onEvent?.(e);
  };
  try {
    handle = spawnTrainer(
      {
        type: 'start',
        runId,
        manifestPath: path.join(dir, 'manifest.json'),
        config: run.config,
        outDir: dir,
        resume: Boolean(opts.resume),
      },
      onEvent,
      { ...(opts.entry ? { entry: opts.entry } : {}), ...(opts.spawn ? { spawn: opts.spawn } : {}) },
    );
  } catch (err) {
    p.tx(() => p.runs.markEnded(runId, 'failed', { failReason: (err as Error).message }));
    return p.runs.byId(runId)!;
  }
  const onAbort = () => handle.cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const outcome = await handle.outcome;
  opts.signal?.removeEventListener('abort', onAbort);
  const unstored = await store.drained();
  const now = p.runs.byId(runId)!;
  if (holds() && (now.status === 'running' || now.status === 'queued')) {
    // The trainer died without a final word (crash, kill, out of memory): say so on the run.
    const reason =
      unstored ??
      (outcome.status === 'failed' ? outcome.reason : `trainer ended (${outcome.status}) without reporting`);
    await retryWhileBusy(
      () => p.tx(() => p.runs.markEnded(runId, 'failed', { failReason: reason })),
      EVENT_WAIT_MS,
    );
  }
  return p.runs.byId(runId)!;
}
