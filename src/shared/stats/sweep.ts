// A lambda sweep: the arms of one regularization mode at several strengths, read against log10 lambda. One place
// for the sweep's figures and for which strength is best, so report.html and the Experiments view say the same.
import type { RegMode } from '../domain/runs';
import type { Figure } from './study-stats';
import { armLabel } from './verdicts';

/** The figures a sweep plots against log10 lambda, in order (mAP-like ones are fractions, shown in percent). */
export const SWEEP_METRICS = [
  { key: 'testMAP50_95', title: 'test mAP50-95', percent: true },
  { key: 'mPC', title: 'mPC (mAP50-95 under corruption)', percent: true },
  { key: 'gap', title: 'gap (val - train loss)', percent: false },
  { key: 'weightNorm', title: 'weight norm |w|', percent: false },
] as const;

/** One of SWEEP_METRICS. */
export type SweepMetric = (typeof SWEEP_METRICS)[number]['key'];

/** What a sweep needs of an arm (a StudyArmView; over JSON an unknown figure value arrives as null). */
export interface SweepArm {
  arm: string;
  reg: RegMode;
  lambda: number;
  testMAP50_95: Figure;
  mPC: Figure;
  gap: Figure;
  weightNorm: Figure;
}

/** One mode's sweep: strengths ascending, each metric's figure per strength, the best strength in words. */
export interface Sweep {
  mode: RegMode;
  lambdas: number[];
  arms: string[];
  figures: Record<SweepMetric, Figure[]>;
  /** Index into lambdas of the highest mean test mAP50-95, or null when no strength has a figure yet. */
  best: number | null;
  /** "Best L2 strength by mean test mAP50-95: 1e-4 (41.2%, 95% interval 38.0 to 44.4, 3 seeds); ..." */
  bestSentence: string;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function strength(lambda: number): string {
  return armLabel('l2', lambda).slice(3); // the number as every verdict writes it
}

const MODE_NAMES: Record<RegMode, string> = {
  none: 'no regularization',
  l2: 'L2',
  wd: 'weight decay',
  l1: 'L1',
  dropout: 'dropout',
};

/**
 * The best strength of a sweep: the highest mean test mAP50-95 over seeds. Said with its 95% interval, and, when
 * that interval overlaps another strength's (or either is unknown), that the sweep does not single it out.
 */
function bestOf(mode: RegMode, lambdas: number[], f: Figure[]): Pick<Sweep, 'best' | 'bestSentence'> {
  let best: number | null = null;
  f.forEach((x, i) => {
    if (finite(x.mean) && (best === null || x.mean > f[best]!.mean)) best = i;
  });
  const who = `Best ${MODE_NAMES[mode]} strength by mean test mAP50-95`;
  if (best === null) return { best, bestSentence: `${who}: not known yet (no finished runs)` };
  const b = f[best]!;
  const pct = (v: number) => (100 * v).toFixed(1);
  const hasCi = finite(b.ci[0]) && finite(b.ci[1]);
  const where = hasCi
    ? `${pct(b.mean)}%, 95% interval ${pct(b.ci[0])} to ${pct(b.ci[1])}, ${b.n} seeds`
    : `${pct(b.mean)}%, ${b.n} seed${b.n === 1 ? '' : 's'}: no interval`;
  const overlaps = lambdas
    .map((l, i) => ({ l, x: f[i]! }))
    .filter(({ x }, i) => i !== best && finite(x.mean))
    .filter(
      ({ x }) => !hasCi || !finite(x.ci[0]) || !finite(x.ci[1]) || (x.ci[1] >= b.ci[0] && x.ci[0] <= b.ci[1]),
    )
    .map(({ l }) => strength(l));
  const tail = overlaps.length
    ? `; its interval overlaps ${overlaps.join(', ')}, so the sweep does not single it out`
    : '';
  return { best, bestSentence: `${who}: ${strength(lambdas[best]!)} (${where})${tail}` };
}

/** Sweeps of a study's arms: every mode with at least two strengths, strengths ascending. */
export function sweepsOf(arms: readonly SweepArm[]): Sweep[] {
  const modes = [...new Set(arms.filter((a) => a.reg !== 'none').map((a) => a.reg))];
  return modes
    .map((mode) => {
      const mine = arms.filter((a) => a.reg === mode).sort((x, y) => x.lambda - y.lambda);
      const lambdas = mine.map((a) => a.lambda);
      const figures = Object.fromEntries(
        SWEEP_METRICS.map((m) => [m.key, mine.map((a) => a[m.key])]),
      ) as Record<SweepMetric, Figure[]>;
      return {
        mode,
        lambdas,
        arms: mine.map((a) => a.arm),
        figures,
        ...bestOf(mode, lambdas, figures.testMAP50_95),
      };
    })
    .filter((s) => s.lambdas.length >= 2);
}
