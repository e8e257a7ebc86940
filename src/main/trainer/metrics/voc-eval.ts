// PASCAL VOC detection AP: per class, detections in score order (ties in input order) each take the gt of
// highest IoU in their image; a hit on an already taken gt is a false positive; hits on difficult (when
// ignored) or crowd gt count as neither. AP is the area under the precision envelope (all-point) or the
// 11-point average of VOC2007.

import { numpyLinspace } from './params';
import { MetricsInputError, prepareEval } from './prepare';
import { stableSortByScoreDesc } from './sort';
import type {
  CocoDetection,
  CocoGroundTruth,
  VocClassResult,
  VocEvalOptions,
  VocEvalResult,
  VocInterpolation,
} from './types';

const ELEVEN_POINTS = numpyLinspace(0, 1, 11);

/** IoU of [x, y, w, h] boxes; `plusOne` is the VOC devkit convention (inclusive pixel coordinates). */
export function vocIou(a: Float64Array, ai: number, b: Float64Array, bi: number, plusOne: boolean): number {
  const e = plusOne ? 1 : 0;
  const ax2 = a[ai]! + a[ai + 2]!;
  const ay2 = a[ai + 1]! + a[ai + 3]!;
  const bx2 = b[bi]! + b[bi + 2]!;
  const by2 = b[bi + 1]! + b[bi + 3]!;
  const iw = Math.min(ax2, bx2) - Math.max(a[ai]!, b[bi]!) + e;
  if (iw <= 0) return 0;
  const ih = Math.min(ay2, by2) - Math.max(a[ai + 1]!, b[bi + 1]!) + e;
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[ai + 2]! + e) * (a[ai + 3]! + e) + (b[bi + 2]! + e) * (b[bi + 3]! + e) - inter;
  return union > 0 ? inter / union : 0;
}

/** AP from cumulative precision/recall in score order (envelope integration or 11 recall points). */
export function vocAveragePrecision(
  rec: ArrayLike<number>,
  prec: ArrayLike<number>,
  how: VocInterpolation,
): number {
  const n = rec.length;
  if (how === '11-point') {
    let sum = 0;
    for (const r of ELEVEN_POINTS) {
      let pmax = 0;
      for (let i = 0; i < n; i++) if (rec[i]! >= r && prec[i]! > pmax) pmax = prec[i]!;
      sum += pmax;
    }
    return sum / ELEVEN_POINTS.length;
  }
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = rec[i]!;
    mpre[i + 1] = prec[i]!;
  }
  mrec[n + 1] = 1;
  for (let i = n; i >= 0; i--) if (mpre[i + 1]! > mpre[i]!) mpre[i] = mpre[i + 1]!;
  let ap = 0;
  for (let i = 1; i <= n + 1; i++) if (mrec[i] !== mrec[i - 1]) ap += (mrec[i]! - mrec[i - 1]!) * mpre[i]!;
  return ap;
}

/** VOC-style mAP and per-class AP at one IoU threshold (default 0.5, all-point, difficult boxes counted). */
export function evaluateVoc(
  gt: CocoGroundTruth,
  dets: readonly CocoDetection[],
  opts: VocEvalOptions = {},
): VocEvalResult {
  const iouThreshold = opts.iouThreshold ?? 0.5;
  const interpolation = opts.interpolation ?? 'all-point';
  const plusOne = opts.pixelInclusive ?? true;
  if (!(iouThreshold > 0 && iouThreshold <= 1)) throw new MetricsInputError('iouThreshold must be in (0, 1]');
  const p = prepareEval(gt, dets);
  const nImg = p.imageIds.length;
  const nCat = p.categoryIds.length;
  const taken = new Uint8Array(p.gtArea.length);
  const perClass: VocClassResult[] = [];
  // Image and category of every detection slot, and each category's slots in the caller's order (the tie-break).
  const imgOf = new Int32Array(p.dtScore.length);
  const catOf = new Int32Array(p.dtScore.length);
  const slotOfInput = new Int32Array(dets.length).fill(-1);
  for (let b = 0; b < nImg * nCat; b++) {
    for (let j = p.dtStart[b]!; j < p.dtStart[b + 1]!; j++) {
      imgOf[j] = b % nImg;
      catOf[j] = (b / nImg) | 0;
      slotOfInput[p.dtInput[j]!] = j;
    }
  }
  const byInput = new Int32Array(p.dtScore.length);
  const fill = Int32Array.from({ length: nCat }, (_, k) => p.dtStart[k * nImg]!);
  for (const j of slotOfInput) if (j >= 0) byInput[fill[catOf[j]!]!++] = j;

  for (let k = 0; k < nCat; k++) {
    // Which gt count: crowd never, difficult only when not ignored.
    const skip = (j: number): boolean =>
      p.gtCrowd[j] === 1 || (opts.ignoreDifficult === true && p.gtDifficult[j] === 1);
    let npos = 0;
    for (let j = p.gtStart[k * nImg]!; j < p.gtStart[(k + 1) * nImg]!; j++) if (!skip(j)) npos++;
    const d0 = p.dtStart[k * nImg]!;
    const d1 = p.dtStart[(k + 1) * nImg]!;
    const order = stableSortByScoreDesc(byInput.subarray(d0, d1), p.dtScore);
    const rec: number[] = [];
    const prec: number[] = [];
    let tp = 0;
    let fp = 0;
    for (const j of order) {
      const b = k * nImg + imgOf[j]!;
      let best = -Infinity;
      let m = -1;
      for (let g = p.gtStart[b]!; g < p.gtStart[b + 1]!; g++) {
        const v = vocIou(p.dtBox, j * 4, p.gtBox, g * 4, plusOne);
        if (v > best) {
          best = v;
          m = g;
        }
      }
      if (m >= 0 && best >= iouThreshold) {
        if (skip(m)) continue;
        if (taken[m]) fp++;
        else {
          taken[m] = 1;
          tp++;
        }
      } else fp++;
      rec.push(npos > 0 ? tp / npos : 0);
      prec.push(tp / (tp + fp));
    }
    perClass.push({
      categoryId: p.categoryIds[k]!,
      name: p.categoryNames[k]!,
      ap: npos > 0 ? vocAveragePrecision(rec, prec, interpolation) : -1,
      numGt: npos,
      numDetections: d1 - d0,
      truePositives: tp,
      falsePositives: fp,
    });
  }
  const scored = perClass.filter((c) => c.ap >= 0);
  const mAP = scored.length ? scored.reduce((s, c) => s + c.ap, 0) / scored.length : -1;
  return { mAP, iouThreshold, interpolation, perClass };
}
