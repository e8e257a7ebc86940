// Verdicts of a study, one Holm family per metric: every arm against the baseline, in one plain sentence each.
// The method is argued in study-stats.ts.
import type { RegMode } from '../domain/runs';
import { ALPHA, holm, pairedDifference } from './study-stats';

/** Metrics a study judges: the primary one and the secondary families (when the runs carry them). */
export const STUDY_METRICS = {
  testMAP50_95: { label: 'test mAP50-95', points: true },
  mPC: { label: 'mPC (mAP50-95 under corruption)', points: true },
  saliencyInBox: { label: 'saliencyInBox', points: false },
} as const;

/** One of STUDY_METRICS. */
export type StudyMetric = keyof typeof STUDY_METRICS;

/** An arm's figures for one metric: per seed the full-test value and, where re-scored, one value per resample. */
export interface ArmFigures {
  arm: string;
  reg: RegMode;
  lambda: number;
  perSeed: ReadonlyMap<number, number>;
  boot?: ReadonlyMap<number, ArrayLike<number>>;
}

/** A verdict as --json carries it. */
export interface Verdict {
  arm: string;
  baseline: string;
  metric: StudyMetric;
  diff: number;
  ci: [number, number];
  p: number;
  pHolm: number;
  seeds: number;
  claim: boolean;
  sentence: string;
}

/** How people read an arm: "L2 1e-4", "weight decay 0.01", "dropout 0.2", "no regularization". */
export function armLabel(reg: RegMode, lambda: number): string {
  const v = Number(lambda.toPrecision(3));
  const s = v !== 0 && (v < 1e-3 || v >= 1e4) ? v.toExponential() : String(v);
  switch (reg) {
    case 'none':
      return 'no regularization';
    case 'l2':
      return `L2 ${s}`;
    case 'wd':
      return `weight decay ${s}`;
    case 'l1':
      return `L1 ${s}`;
    case 'dropout':
      return `dropout ${s}`;
  }
}

/** Judge every arm against the baseline on one metric (Holm across the arms); `images` is the test split's size. */
export function judgeFamily(
  metric: StudyMetric,
  base: ArmFigures,
  arms: readonly ArmFigures[],
  images: number | null,
): Verdict[] {
  const { label, points } = STUDY_METRICS[metric];
  const num = (v: number) => (points ? (100 * v).toFixed(1) : v.toFixed(2));
  const unit = points ? ' points' : '';
  const results = arms.map((a) => {
    const seeds = [...a.perSeed.keys()].filter((s) => base.perSeed.has(s)).sort((x, y) => x - y);
    const bootOk = seeds.every((s) => a.boot?.has(s) && base.boot?.has(s));
    return {
      a,
      seeds,
      d: pairedDifference({
        arm: seeds.map((s) => a.perSeed.get(s)!),
        baseline: seeds.map((s) => base.perSeed.get(s)!),
        ...(bootOk
          ? { armBoot: seeds.map((s) => a.boot!.get(s)!), baselineBoot: seeds.map((s) => base.boot!.get(s)!) }
          : {}),
      }),
    };
  });
  const judged = results.filter((r) => r.d !== null);
  const adjusted = holm(judged.map((r) => r.d!.p));
  return results.map((r) => {
    const who = armLabel(r.a.reg, r.a.lambda);
    const vs = armLabel(base.reg, base.lambda);
    if (!r.d) {
      return {
        arm: r.a.arm,
        baseline: base.arm,
        metric,
        diff: NaN,
        ci: [NaN, NaN] as [number, number],
        p: NaN,
        pHolm: NaN,
        seeds: r.seeds.length,
        claim: false,
        sentence: `${who} vs ${vs}: too few seeds to claim anything (${r.seeds.length} paired seed${r.seeds.length === 1 ? '' : 's'}, 2 needed)`,
      };
    }
    const d = r.d;
    const pHolm = adjusted[judged.indexOf(r)]!;
    const claim = pHolm < ALPHA;
    const where =
      `95% interval ${num(d.ci[0])} to ${num(d.ci[1])}, ${d.seeds} seeds` +
      (images !== null && d.resamples > 0 ? `, ${images} test images` : ', seeds only');
    let sentence: string;
    if (claim)
      sentence = `${who} ${d.diff > 0 ? 'raised' : 'lowered'} ${label} by ${num(Math.abs(d.diff))}${unit} (${where}) against ${vs}`;
    else if (d.ci[0] > 0 || d.ci[1] < 0)
      sentence =
        `${who} vs ${vs}: no claim on ${label}: ${d.diff > 0 ? '+' : ''}${num(d.diff)}${unit} (${where}) ` +
        `does not hold after Holm's correction across ${judged.length} arms`;
    else
      sentence = `${who} vs ${vs}: no claim on ${label}: the difference ${d.diff > 0 ? '+' : ''}${num(d.diff)}${unit} (${where}) may be 0`;
    return {
      arm: r.a.arm,
      baseline: base.arm,
      metric,
      diff: d.diff,
      ci: d.ci,
      p: d.p,
      pHolm,
      seeds: d.seeds,
      claim,
      sentence,
    };
  });
}
