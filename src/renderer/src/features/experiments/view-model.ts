// Pure computations behind the experiment views (unit-tested): smoothing, mean +- sd bands per arm, the
// "settings that differ" filter, table sorting, and which test images two runs disagree on most.
import type { EvalBox, RunRowView } from '../../../../shared/api/runs-contract';
import type { EpochMetrics } from '../../../../shared/domain/runs';
import { greedyMatchCount } from '../../../../shared/geometry';

/** Exponential moving average like TensorBoard's smoothing slider: 0 = raw, 0.99 = very smooth; nulls pass. */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(0.999, Math.max(0, weight));
  let acc = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    acc = acc * w + (1 - w) * v;
    n++;
    // Debiased (as TensorBoard does), so early points are not pulled toward zero.
    return acc / (1 - w ** n);
  });
}

/** What a chart series is computed from: a metric of an epoch, or the generalization gap. */
export type MetricKey =
  keyof Pick<EpochMetrics, 'trainDataLoss' | 'valDataLoss' | 'mAP50' | 'mAP50_95' | 'weightNorm'> | 'gap';

/** The value of a metric at an epoch (gap = val minus train data loss, both in eval mode). */
export function metricOf(e: EpochMetrics, key: MetricKey): number {
  return key === 'gap' ? e.valDataLoss - e.trainDataLoss : e[key];
}

/** Values of one run at the given epoch numbers (null where the run has no such epoch). */
export function seriesOf(
  epochs: readonly EpochMetrics[],
  key: MetricKey,
  xs: readonly number[],
): (number | null)[] {
  const byEpoch = new Map(epochs.map((e) => [e.epoch, e]));
  return xs.map((x) => {
    const e = byEpoch.get(x);
    return e ? metricOf(e, key) : null;
  });
}

/** Every epoch number any of the runs reported, ascending (the shared x axis of the compare charts). */
export function epochAxis(all: Iterable<readonly EpochMetrics[]>): number[] {
  const set = new Set<number>();
  for (const eps of all) for (const e of eps) set.add(e.epoch);
  return [...set].sort((a, b) => a - b);
}

/** Mean and mean +- sd of an arm per epoch, over the seeds that reached that epoch (sd 0 for one seed). */
export interface Band {
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

/** Mean +- sample sd per epoch across several runs' series of equal length. */
export function band(series: readonly (number | null)[][]): Band {
  const n = Math.max(0, ...series.map((s) => s.length));
  const out: Band = { mean: [], lo: [], hi: [] };
  for (let i = 0; i < n; i++) {
    const vs = series.map((s) => s[i]).filter((v): v is number => v !== null && v !== undefined);
    if (vs.length === 0) {
      out.mean.push(null);
      out.lo.push(null);
      out.hi.push(null);
      continue;
    }
    const m = vs.reduce((a, b) => a + b, 0) / vs.length;
    const sd = vs.length > 1 ? Math.sqrt(vs.reduce((a, v) => a + (v - m) ** 2, 0) / (vs.length - 1)) : 0;
    out.mean.push(m);
    out.lo.push(m - sd);
    out.hi.push(m + sd);
  }
  return out;
}

/** Config keys whose values are not all equal across the given runs (what "show only settings that differ" keeps). */
export function differingKeys(configs: readonly Record<string, string | number>[]): string[] {
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].sort();
  return keys.filter((k) => new Set(configs.map((c) => JSON.stringify(c[k]))).size > 1);
}

/** A sortable column of the runs table. */
export type SortKey = keyof RunRowView | 'name';

/** Sort rows by a column; nulls always last whatever the direction, ties keep creation order. */
export function sortRows<T extends Record<string, unknown>>(
  rows: readonly T[],
  key: keyof T,
  dir: 1 | -1,
): T[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = a.r[key];
      const y = b.r[key];
      if (x === null || x === undefined) return y === null || y === undefined ? a.i - b.i : 1;
      if (y === null || y === undefined) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c === 0 ? a.i - b.i : c * dir;
    })
    .map((x) => x.r);
}

/**
 * How much two runs disagree on one image at a score threshold: boxes of either run that the other run has no
 * same-class box for at IoU >= 0.5 (greedy by score). 0 = they found the same objects.
 */
export function disagreement(a: readonly EvalBox[], b: readonly EvalBox[], threshold: number): number {
  const keep = (xs: readonly EvalBox[]) =>
    xs.filter((x) => (x.score ?? 1) >= threshold).sort((p, q) => (q.score ?? 0) - (p.score ?? 0));
  const A = keep(a);
  const B = keep(b);
  const matched = greedyMatchCount(A, B, (x, y) => x.classIndex === y.classIndex);
  return A.length - matched + (B.length - matched);
}

/** Image ids ordered so the images two runs disagree on most come first (ties: image id). */
export function byDisagreement<I extends { id: number }>(
  images: readonly I[],
  boxesA: ReadonlyMap<number, readonly EvalBox[]>,
  boxesB: ReadonlyMap<number, readonly EvalBox[]>,
  threshold: number,
): { image: I; score: number }[] {
  return images
    .map((image) => ({
      image,
      score: disagreement(boxesA.get(image.id) ?? [], boxesB.get(image.id) ?? [], threshold),
    }))
    .sort((x, y) => y.score - x.score || x.image.id - y.image.id);
}

/** A mAP (a fraction 0-1, as stored and as `--json` prints it) as the percent the studio shows everywhere. */
export function formatPct(v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? '–' : (100 * v).toFixed(digits);
}

/** Seconds as "1 h 02 min", "3 min 05 s" or "42 s". */
export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  const t = Math.max(0, Math.round(s));
  if (t >= 3600)
    return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
  if (t >= 60) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${t} s`;
}
