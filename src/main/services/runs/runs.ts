import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunConfig, RunRecord } from '../../../shared/domain/runs';
import type { Manifest, TrainerEvent } from '../../trainer/protocol';
import { UserError } from '../../../shared/errors';
import { type Project, RUNS_DIR } from '../project/project';
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
): RunRecord {
  const manifest = frozen ?? freezeManifest(p);
  const hashes = new Map(p.images.all().map((i) => [i.id, i.sha256]));
  const id = newRunId();
  const dir = runDir(p, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return p.tx(() => p.runs.insert(id, config, manifestHash(manifest, hashes), owner));
}

/** Store one trainer event; the trainer never touches the database, main does it here. */
export function recordEvent(p: Project, runId: string, e: TrainerEvent): void {
  switch (e.type) {
    case 'backend':
      p.tx(() => p.runs.markStarted(runId, e.backend, e.reasons, e.device));
      break;
    case 'epoch':
      p.tx(() => p.runs.addEpoch({ ...e.metrics, runId }));
      break;
    case 'done':
      p.tx(() => p.runs.markEnded(runId, 'done', { bestEpoch: e.bestEpoch, testMetrics: e.testMetrics }));
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
  const onEvent = (e: TrainerEvent) => {
    if (!holds()) return;
    recordEvent(p, runId, e);
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
  const now = p.runs.byId(runId)!;
  if (holds() && (now.status === 'running' || now.status === 'queued')) {
    // The trainer died without a final word (crash, kill, out of memory): say so on the run.
    const reason =
      outcome.status === 'failed' ? outcome.reason : `trainer ended (${outcome.status}) without reporting`;
    p.tx(() => p.runs.markEnded(runId, 'failed', { failReason: reason }));
  }
  return p.runs.byId(runId)!;
}
