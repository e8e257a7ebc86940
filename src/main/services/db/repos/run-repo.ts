import type Database from 'better-sqlite3';
import type {
  BackendName,
  BackendReason,
  EpochMetrics,
  RunConfig,
  RunRecord,
  RunRobustness,
  RunSaliency,
  RunStatus,
} from '../../../../shared/domain/runs';
import { nowIso } from './rows';

interface RunRow {
  id: string;
  status: RunStatus;
  config_json: string;
  manifest_hash: string;
  backend: BackendName | null;
  backend_reasons_json: string;
  device: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  best_epoch: number | null;
  fail_reason: string | null;
  test_metrics_json: string | null;
  robustness_json: string | null;
  saliency_json: string | null;
  study_id: string | null;
  trainer_version: string | null;
}

interface EpochRow {
  run_id: string;
  epoch: number;
  train_data_loss: number;
  reg_loss: number;
  val_data_loss: number;
  map50: number;
  map50_95: number;
  weight_norm: number;
  learning_rate: number;
  seconds: number;
}

/** Who holds a queued or running run right now, as stored: the owner (JSON, see runs/lease.ts) and its heartbeat. */
export interface StoredLease {
  id: string;
  status: 'queued' | 'running';
  /** The owner's identity as its JSON text, or null for a queued run no process holds. */
  owner: string | null;
  /** Milliseconds since the epoch of the owner's last heartbeat, or null. */
  heartbeatAt: number | null;
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    status: r.status,
    config: JSON.parse(r.config_json) as RunConfig,
    manifestHash: r.manifest_hash,
    backend: r.backend,
    backendReasons: JSON.parse(r.backend_reasons_json) as BackendReason[],
    device: r.device,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    bestEpoch: r.best_epoch,
    failReason: r.fail_reason,
    testMetrics: r.test_metrics_json ? (JSON.parse(r.test_metrics_json) as Record<string, number>) : null,
    robustness: r.robustness_json ? (JSON.parse(r.robustness_json) as RunRobustness) : null,
    saliency: r.saliency_json ? (JSON.parse(r.saliency_json) as RunSaliency) : null,
    studyId: r.study_id,
    trainerVersion: r.trainer_version,
  };
}

function toEpoch(r: EpochRow): EpochMetrics {
  return {
    runId: r.run_id,
    epoch: r.epoch,
    trainDataLoss: r.train_data_loss,
    regLoss: r.reg_loss,
    valDataLoss: r.val_data_loss,
    mAP50: r.map50,
    mAP50_95: r.map50_95,
    weightNorm: r.weight_norm,
    learningRate: r.learning_rate,
    seconds: r.seconds,
  };
}

/** All SQL on training runs, their owner leases and their per-epoch metrics (written by main from trainer events). */
export class RunRepo {
  private readonly q;
  constructor(private readonly db: Database.Database) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO run (id, status, config_json, arm, reg, lambda, seed, manifest_hash, created_at, owner_json,
           heartbeat_at, study_id, trainer_version)
         VALUES (@id, 'queued', @config, @arm, @reg, @lambda, @seed, @manifestHash, @now, @owner, @heartbeat,
           @studyId, @trainerVersion)`,
      ),
      byId: db.prepare('SELECT * FROM run WHERE id = ?'),
      list: db.prepare('SELECT * FROM run ORDER BY created_at, rowid'),
      ofStudy: db.prepare('SELECT * FROM run WHERE study_id = ? ORDER BY created_at, rowid'),
      start: db.prepare(
        `UPDATE run SET status = 'running', started_at = coalesce(started_at, @now), backend = @backend,
           backend_reasons_json = @reasons, device = @device WHERE id = @id`,
      ),
      finish: db.prepare(
        `UPDATE run SET status = @status, ended_at = @now, fail_reason = @failReason,
           best_epoch = coalesce(@bestEpoch, best_epoch), test_metrics_json = coalesce(@testMetrics, test_metrics_json),
           robustness_json = coalesce(@robustness, robustness_json), saliency_json = coalesce(@saliency, saliency_json),
           owner_json = NULL, heartbeat_at = NULL
         WHERE id = @id`,
      ),
      leases: db.prepare(
        `SELECT id, status, owner_json AS owner, heartbeat_at AS heartbeatAt FROM run
         WHERE status IN ('queued', 'running') ORDER BY created_at, rowid`,
      ),
      claimQueued: db.prepare(
        `UPDATE run SET owner_json = @owner, heartbeat_at = @now
         WHERE id = @id AND status = 'queued' AND (owner_json IS NULL OR owner_json = @owner)`,
      ),
      requeue: db.prepare(
        `UPDATE run SET status = 'queued', owner_json = @owner, heartbeat_at = @now, ended_at = NULL
         WHERE id = @id AND status IN ('failed', 'cancelled', 'interrupted')`,
      ),
      heartbeat: db.prepare(
        `UPDATE run SET heartbeat_at = @now WHERE owner_json = @owner AND status IN ('queued', 'running')`,
      ),
      release: db.prepare(
        `UPDATE run SET owner_json = NULL, heartbeat_at = NULL
         WHERE id = @id AND status = 'queued' AND owner_json IS @owner`,
      ),
      interrupt: db.prepare(
        `UPDATE run SET status = 'interrupted', ended_at = @now, fail_reason = @reason, owner_json = NULL,
           heartbeat_at = NULL
         WHERE id = @id AND status = 'running' AND owner_json IS @owner`,
      ),
      epoch: db.prepare(
        `INSERT OR REPLACE INTO epoch_metric (run_id, epoch, train_data_loss, reg_loss, val_data_loss, map50,
           map50_95, weight_norm, learning_rate, seconds)
         VALUES (@runId, @epoch, @trainDataLoss, @regLoss, @valDataLoss, @mAP50, @mAP50_95, @weightNorm,
           @learningRate, @seconds)`,
      ),
      epochs: db.prepare('SELECT * FROM epoch_metric WHERE run_id = ? ORDER BY epoch'),
      epochCount: db.prepare('SELECT count(*) AS n FROM epoch_metric WHERE run_id = ?'),
      robustness: db.prepare('UPDATE run SET robustness_json = @robustness WHERE id = @id'),
      remove: db.prepare('DELETE FROM run WHERE id = ?'),
      clearEpochs: db.prepare('DELETE FROM epoch_metric WHERE run_id = ?'),
      clearResults: db.prepare(
        `UPDATE run SET best_epoch = NULL, test_metrics_json = NULL, robustness_json = NULL, saliency_json = NULL,
           fail_reason = NULL WHERE id = ? AND status IN ('failed', 'cancelled')`,
      ),
      name: db.prepare('SELECT name FROM run WHERE id = ?'),
      rename: db.prepare('UPDATE run SET name = ? WHERE id = ?'),
    };
  }

  /** Queue a run with its whole config and the hash of its frozen manifest, held by `owner` when given. */
  insert(
    id: string,
    config: RunConfig,
    manifestHash: string,
    owner: string | null = null,
    link: { studyId?: string | null; trainerVersion?: string | null } = {},
  ): RunRecord {
    this.q.insert.run({
      studyId: link.studyId ?? null,
      trainerVersion: link.trainerVersion ?? null,
      id,
      config: JSON.stringify(config),
      arm: config.arm,
      reg: config.reg,
      lambda: config.lambda,
      seed: config.seed,
      manifestHash,
      now: nowIso(),
      owner,
      heartbeat: owner === null ? null : Date.now(),
    });
    return this.byId(id)!;
  }

  /** One run, or undefined. */
  byId(id: string): RunRecord | undefined {
    const r = this.q.byId.get(id) as RunRow | undefined;
    return r && toRun(r);
  }

  /** Runs oldest first. */
  list(): RunRecord[] {
    return (this.q.list.all() as RunRow[]).map(toRun);
  }

  /** The runs a study made, oldest first. */
  ofStudy(studyId: string): RunRecord[] {
    return (this.q.ofStudy.all(studyId) as RunRow[]).map(toRun);
  }

  /** Mark a run running on a backend, with why the others did not run. */
  markStarted(id: string, backend: BackendName, reasons: BackendReason[], device: string): void {
    this.q.start.run({ id, backend, reasons: JSON.stringify(reasons), device, now: nowIso() });
  }

  /** End a run: done, failed (with reason) or cancelled; its owner lease ends with it. */
  markEnded(
    id: string,
    status: Extract<RunStatus, 'done' | 'failed' | 'cancelled'>,
    extra: {
      failReason?: string;
      bestEpoch?: number;
      testMetrics?: Record<string, number>;
      robustness?: RunRobustness;
      saliency?: RunSaliency;
    } = {},
  ): void {
    this.q.finish.run({
      id,
      status,
      now: nowIso(),
      failReason: extra.failReason ?? null,
      bestEpoch: extra.bestEpoch ?? null,
      testMetrics: extra.testMetrics ? JSON.stringify(extra.testMetrics) : null,
      robustness: extra.robustness ? JSON.stringify(extra.robustness) : null,
      saliency: extra.saliency ? JSON.stringify(extra.saliency) : null,
    });
  }

  /** Store (or replace) a finished run's robustness evaluation, measured later on demand. */
  setRobustness(id: string, robustness: RunRobustness): void {
    this.q.robustness.run({ id, robustness: JSON.stringify(robustness) });
  }

  /** Every queued or running run with who holds it, oldest first. */
  leases(): StoredLease[] {
    return this.q.leases.all() as StoredLease[];
  }

  /** Take a queued run no process holds (or that `owner` holds already); false when another holds it. */
  claimQueued(id: string, owner: string): boolean {
    return this.q.claimQueued.run({ id, owner, now: Date.now() }).changes === 1;
  }

  /** Queue an ended run again (resume), held by `owner`; false when it is not failed, cancelled or interrupted. */
  requeue(id: string, owner: string): boolean {
    return this.q.requeue.run({ id, owner, now: Date.now() }).changes === 1;
  }

  /** Renew the heartbeat of every queued or running run `owner` holds; returns how many it still holds. */
  heartbeat(owner: string): number {
    return this.q.heartbeat.run({ owner, now: Date.now() }).changes;
  }

  /** A queued run's owner is gone: the run waits for any process to take it (only if `owner` still holds it). */
  release(id: string, owner: string | null): boolean {
    return this.q.release.run({ id, owner }).changes === 1;
  }

  /** A running run's owner is gone: interrupted, resumable (only if `owner` still holds it). */
  markInterrupted(id: string, owner: string | null, reason: string): boolean {
    return this.q.interrupt.run({ id, owner, reason, now: nowIso() }).changes === 1;
  }

  /** Store one epoch's metrics (idempotent per run and epoch, so a resumed run can rewrite an epoch). */
  addEpoch(m: EpochMetrics): void {
    this.q.epoch.run(m);
  }

  /** A run's epochs in order. */
  epochs(runId: string): EpochMetrics[] {
    return (this.q.epochs.all(runId) as EpochRow[]).map(toEpoch);
  }

  /** How many epochs a run has stored (cheap: watching another process's run). */
  epochCount(runId: string): number {
    return (this.q.epochCount.get(runId) as { n: number }).n;
  }

  /** The display name a person gave a run, or null. */
  name(id: string): string | null {
    return (this.q.name.get(id) as { name: string | null } | undefined)?.name ?? null;
  }

  /** Set or clear (null) a run's display name. */
  rename(id: string, name: string | null): void {
    this.q.rename.run(name, id);
  }

  /**
   * Forget what a failed or cancelled run trained (its epochs and results), so it is trained again from the start
   * (the queue resumes from a checkpoint only when epochs are stored). False for a run in any other status.
   */
  clearForRestart(id: string): boolean {
    if (this.q.clearResults.run(id).changes !== 1) return false;
    this.q.clearEpochs.run(id);
    return true;
  }

  /** Delete a run and its metrics. */
  remove(id: string): boolean {
    return this.q.remove.run(id).changes > 0;
  }
}
