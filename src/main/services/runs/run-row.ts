import type { BackendReason, EpochMetrics, RunRecord } from '../../../shared/domain/runs';

/** One run as `ridge runs --json` and the runs table show it: one definition, so the two always agree. */
export interface RunRow {
  id: string;
  status: RunRecord['status'];
  arm: string;
  reg: RunRecord['config']['reg'];
  lambda: number;
  seed: number;
  epochs: number;
  imgSize: number;
  backend: string | null;
  backendReasons: BackendReason[];
  manifestHash: string;
  startedAt: string | null;
  endedAt: string | null;
  durationS: number | null;
  bestEpoch: number | null;
  mAP50: number | null;
  mAP50_95: number | null;
  testMAP50: number | null;
  testMAP50_95: number | null;
  gap: number | null;
  weightNorm: number | null;
  failReason: string | null;
}

/** Build the row of a run from its record and epochs: val numbers at the best epoch, weight norm at the end. */
export function toRunRow(r: RunRecord, epochs: EpochMetrics[]): RunRow {
  const best = r.bestEpoch === null ? undefined : epochs.find((e) => e.epoch === r.bestEpoch);
  const last = epochs[epochs.length - 1];
  const duration = r.startedAt && r.endedAt ? (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000 : null;
  return {
    id: r.id,
    status: r.status,
    arm: r.config.arm,
    reg: r.config.reg,
    lambda: r.config.lambda,
    seed: r.config.seed,
    epochs: r.config.epochs,
    imgSize: r.config.imgSize,
    backend: r.backend,
    backendReasons: r.backendReasons,
    manifestHash: r.manifestHash,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationS: duration,
    bestEpoch: r.bestEpoch,
    mAP50: best?.mAP50 ?? null,
    mAP50_95: best?.mAP50_95 ?? null,
    testMAP50: r.testMetrics?.AP50 ?? null,
    testMAP50_95: r.testMetrics?.AP ?? null,
    gap: best ? best.valDataLoss - best.trainDataLoss : null,
    weightNorm: last?.weightNorm ?? null,
    failReason: r.failReason,
  };
}
