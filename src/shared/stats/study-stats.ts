// The statistics of a regularization study, argued here once.
//
// Per arm, each figure is summarized over its seeds: mean, sample sd and a 95% t-interval (t quantiles, since a
// study has 2 to 5 seeds and the normal 1.96 would be far too narrow).
//
// An arm is judged against the baseline on the mean of its seed-paired differences, d_s = arm_s - baseline_s:
// runs of one seed share initialisation and data order, so pairing removes that shared part from the comparison.
// Two sources of uncertainty are left, and the interval carries both:
//  - seeds: training noise, estimated by the sd of d_s over the S seeds, giving s_d^2 / S;
//  - test images: the test split is a sample of the images a person cares about. We bootstrap it: B resamples of
//    the test images with replacement, the SAME resample for every arm and seed (so the pairing holds inside
//    each resample), each run re-scored from its own stored detections (trainer/metrics/coco-resample.ts). The
//    variance over resamples of the mean paired difference, V_img, is the image part.
// SE^2 = s_d^2 / S + V_img. The seed part has S - 1 degrees of freedom and the image part (B >= 1000 resamples)
// effectively infinitely many, so the interval uses Welch-Satterthwaite's df = (S - 1) (SE^2 / (s_d^2 / S))^2:
// with image noise negligible it is the paired t-interval, with seed noise negligible the bootstrap's normal
// interval. The p-value is of the same statistic, 2 P(T_df > |D| / SE), so "the 95% interval excludes 0" and
// "p < .05" always agree, and both come from the same resamples. Part of the per-run image noise is already in
// s_d (each seed's difference is measured on the same images), so adding V_img is conservative; what only V_img
// sees is an arm's advantage that is systematic on some images, which more seeds can never average away.
// A pure bootstrap p-value over seeds as well would be far too liberal with 2 or 3 seeds; hence the t-part.
//
// Arms are compared with one baseline, so each metric is one family: Holm's step-down correction across arms
// keeps the chance of any false claim in the family at 5%. A claim needs the Holm-adjusted p below .05.
// Secondary metrics (robustness mPC, saliencyInBox) are their own families; they have no per-image re-scoring,
// so their interval is the paired t over seeds alone (V_img = 0).

import { tCdf, tQuantile } from './t-dist';

/** A figure over an arm's seeds, as --json and the report show it: mean, sd, 95% t-interval, how many seeds. */
export interface Figure {
  mean: number;
  sd: number;
  ci: [number, number];
  n: number;
}

/** The level every interval and claim uses. */
export const ALPHA = 0.05;

/** Mean, sample sd and 95% t-interval of values (an interval needs 2 values; NaN marks what cannot be known). */
export function figure(values: readonly number[]): Figure {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, ci: [NaN, NaN], n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: NaN, ci: [NaN, NaN], n };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(1 - ALPHA / 2, n - 1) * (sd / Math.sqrt(n));
  return { mean, sd, ci: [mean - half, mean + half], n };
}

/** One arm against the baseline on one metric: per paired seed the full-test figure and, optionally, per resample. */
export interface PairedInput {
  arm: readonly number[];
  baseline: readonly number[];
  /** Per seed, the figure on each bootstrap resample (index b the same resample for both), when re-scorable. */
  armBoot?: readonly ArrayLike<number>[];
  baselineBoot?: readonly ArrayLike<number>[];
}

/** The mean paired difference with its interval and p-value (see the comment at the top). */
export interface PairedDifference {
  diff: number;
  ci: [number, number];
  p: number;
  se: number;
  df: number;
  seeds: number;
  /** Bootstrap resamples behind the image part (0: seeds only). */
  resamples: number;
}

/** The paired, seed-and-image interval of arm minus baseline, or null with fewer than 2 paired seeds. */
export function pairedDifference(x: PairedInput): PairedDifference | null {
  const S = Math.min(x.arm.length, x.baseline.length);
  if (S < 2) return null;
  const d = Array.from({ length: S }, (_, s) => x.arm[s]! - x.baseline[s]!);
  const diff = d.reduce((a, b) => a + b, 0) / S;
  const seedVar = d.reduce((a, v) => a + (v - diff) ** 2, 0) / (S - 1) / S;
  let imageVar = 0;
  let B = 0;
  if (x.armBoot && x.baselineBoot && x.armBoot.length >= S && x.baselineBoot.length >= S) {
    B = Math.min(
      ...x.armBoot.slice(0, S).map((a) => a.length),
      ...x.baselineBoot.slice(0, S).map((a) => a.length),
    );
    if (B >= 2) {
      let sum = 0;
      let sum2 = 0;
      for (let b = 0; b < B; b++) {
        let m = 0;
        for (let s = 0; s < S; s++) m += x.armBoot[s]![b]! - x.baselineBoot[s]![b]!;
        m /= S;
        sum += m;
        sum2 += m * m;
      }
      imageVar = (sum2 - (sum * sum) / B) / (B - 1);
    } else B = 0;
  }
  const se2 = seedVar + imageVar;
  const se = Math.sqrt(se2);
  const df = seedVar > 0 ? (S - 1) * (se2 / seedVar) ** 2 : Infinity;
  if (se === 0) return { diff, ci: [diff, diff], p: diff === 0 ? 1 : 0, se, df, seeds: S, resamples: B };
  const half = tQuantile(1 - ALPHA / 2, df) * se;
  const p = 2 * (1 - tCdf(Math.abs(diff) / se, df));
  return { diff, ci: [diff - half, diff + half], p: Math.min(1, p), se, df, seeds: S, resamples: B };
}

/** Holm's step-down adjusted p-values (same order as given): the family-wise error stays at the level. */
export function holm(p: readonly number[]): number[] {
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(p.length);
  let running = 0;
  order.forEach(([v, i], rank) => {
    running = Math.max(running, Math.min(1, (p.length - rank) * v));
    out[i] = running;
  });
  return out;
}

/** Which rows of a resample draw: weights[im] = how often test image im is drawn, for B resamples of n images. */
export function bootstrapWeights(n: number, B: number, rnd: () => number): Uint16Array[] {
  return Array.from({ length: B }, () => {
    const w = new Uint16Array(n);
    for (let i = 0; i < n; i++) w[Math.floor(rnd() * n)]!++;
    return w;
  });
}
