import type { RunRowView } from '../../../shared/api/runs-contract';
import type { EpochMetrics, RunRecord } from '../../../shared/domain/runs';

/**
 * Build the row of a run (as `ridge runs --json` and the runs table show it) from its record and epochs: val
 * numbers at the best epoch, weight norm at the end.
 */
export function toRunRow(r: RunRecord, epochs: EpochMetrics[]): RunRowView {
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
