import type Database from 'better-sqlite3';
import type {
  BackendName,
  BackendReason,
  EpochMetrics,
  RunConfig,
  RunRecord,
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
}

interface EpochRow {
  run_id: string;
  epoch: number;
  train_data_loss: number;
  train_reg_loss: number;
  val_data_loss: number;
  val_reg_loss: number;
  map50: number;
  map50_95: number;
  weight_norm: number;
  learning_rate: number;
  seconds: number;
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
  };
}

function toEpoch(r: EpochRow): EpochMetrics {
  return {
    runId: r.run_id,
    epoch: r.epoch,
    trainDataLoss: r.train_data_loss,
    trainRegLoss: r.train_reg_loss,
    valDataLoss: r.val_data_loss,
    valRegLoss: r.val_reg_loss,
    mAP50: r.map50,
    mAP50_95: r.map50_95,
    weightNorm: r.weight_norm,
    learningRate: r.learning_rate,
    seconds: r.seconds,
  };
}

/** All SQL on training runs and their per-epoch metrics (written by main from trainer events). */
export class RunRepo {
  private readonly q;
  constructor(private readonly db: Database.Database) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO run (id, status, config_json, arm, reg, lambda, seed, manifest_hash, created_at)
         VALUES (@id, 'queued', @config, @arm, @reg, @lambda, @seed, @manifestHash, @now)`,
      ),
      byId: db.prepare('SELECT * FROM run WHERE id = ?'),
      list: db.prepare('SELECT * FROM run ORDER BY created_at, rowid'),
      start: db.prepare(
        `UPDATE run SET status = 'running', started_at = coalesce(started_at, @now), backend = @backend,
           backend_reasons_json = @reasons, device = @device WHERE id = @id`,
      ),
      finish: db.prepare(
        `UPDATE run SET status = @status, ended_at = @now, fail_reason = @failReason,
           best_epoch = coalesce(@bestEpoch, best_epoch), test_metrics_json = coalesce(@testMetrics, test_metrics_json)
         WHERE id = @id`,
      ),
      epoch: db.prepare(
        `INSERT OR REPLACE INTO epoch_metric (run_id, epoch, train_data_loss, train_reg_loss, val_data_loss,
           val_reg_loss, map50, map50_95, weight_norm, learning_rate, seconds)
         VALUES (@runId, @epoch, @trainDataLoss, @trainRegLoss, @valDataLoss, @valRegLoss, @mAP50, @mAP50_95,
           @weightNorm, @learningRate, @seconds)`,
      ),
      epochs: db.prepare('SELECT * FROM epoch_metric WHERE run_id = ? ORDER BY epoch'),
      remove: db.prepare('DELETE FROM run WHERE id = ?'),
      name: db.prepare('SELECT name FROM run WHERE id = ?'),
      rename: db.prepare('UPDATE run SET name = ? WHERE id = ?'),
    };
  }

  /** Queue a run with its whole config and the hash of its frozen manifest. */
  insert(id: string, config: RunConfig, manifestHash: string): RunRecord {
    this.q.insert.run({
      id,
      config: JSON.stringify(config),
      arm: config.arm,
      reg: config.reg,
      lambda: config.lambda,
      seed: config.seed,
      manifestHash,
      now: nowIso(),
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

  /** Mark a run running on a backend, with why the others did not run. */
  markStarted(id: string, backend: BackendName, reasons: BackendReason[], device: string): void {
    this.q.start.run({ id, backend, reasons: JSON.stringify(reasons), device, now: nowIso() });
  }

  /** End a run: done, failed (with reason) or cancelled. */
  markEnded(
    id: string,
    status: Extract<RunStatus, 'done' | 'failed' | 'cancelled'>,
    extra: { failReason?: string; bestEpoch?: number; testMetrics?: Record<string, number> } = {},
  ): void {
    this.q.finish.run({
      id,
      status,
      now: nowIso(),
      failReason: extra.failReason ?? null,
      bestEpoch: extra.bestEpoch ?? null,
      testMetrics: extra.testMetrics ? JSON.stringify(extra.testMetrics) : null,
    });
  }

  /** Store one epoch's metrics (idempotent per run and epoch, so a resumed run can rewrite an epoch). */
  addEpoch(m: EpochMetrics): void {
    this.q.epoch.run(m);
  }

  /** A run's epochs in order. */
  epochs(runId: string): EpochMetrics[] {
    return (this.q.epochs.all(runId) as EpochRow[]).map(toEpoch);
  }

  /** The display name a person gave a run, or null. */
  name(id: string): string | null {
    return (this.q.name.get(id) as { name: string | null } | undefined)?.name ?? null;
  }

  /** Set or clear (null) a run's display name. */
  rename(id: string, name: string | null): void {
    this.q.rename.run(name, id);
  }

  /** Delete a run and its metrics. */
  remove(id: string): boolean {
    return this.q.remove.run(id).changes > 0;
  }
}
