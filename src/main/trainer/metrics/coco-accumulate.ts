// COCOeval.accumulate over the matches: per category all detections of all images, stable-sorted by score
// (images in id order, each image's own score order), cumulative TP/FP, the precision envelope and the
// 101-point sampling by searchsorted(recall, recThrs, 'left').
//
// Only true positives move recall, and between two of them precision only falls, so the envelope at the
// first index reaching a recall threshold is the running max of precision over the TP events from there
// on. Each (area, IoU) column therefore needs one pass over the sorted detections and its TP events only.

import type { CocoMatches } from './coco-match';
import { DT_FP, DT_TP } from './coco-match';
import { COCO_AREA_RANGES, COCO_IOU_THRESHOLDS, COCO_MAX_DETS, COCO_RECALL_THRESHOLDS } from './params';
import type { PreparedEval } from './prepare';
import { stableSortByScoreDesc } from './sort';

/** numpy's np.spacing(1), added to the precision denominator exactly as accumulate does. */
const EPS = 2 ** -52;

/** pycocotools' eval arrays; -1 marks settings with no gt (or no gt and no detection). */
export interface CocoAccumulation {
  /** precision[t, r, k, a, maxDets[-1]] at [((k * A + a) * T + t) * R + r]; only the largest maxDet is kept. */
  precision: Float64Array;
  /** scores[t, r, k, a, maxDets[-1]], same layout as precision. */
  scores: Float64Array;
  /** recall[t, k, a, m] at [((k * A + a) * M + m) * T + t]. */
  recall: Float64Array;
}

/** Index of a precision/scores value in CocoAccumulation (k category, a area, t IoU, r recall threshold). */
export function precisionIndex(k: number, a: number, t: number, r: number): number {
  return (
    ((k * COCO_AREA_RANGES.length + a) * COCO_IOU_THRESHOLDS.length + t) * COCO_RECALL_THRESHOLDS.length + r
  );
}

/** Index of a recall value in CocoAccumulation (k category, a area, m maxDets index, t IoU). */
export function recallIndex(k: number, a: number, m: number, t: number): number {
  return ((k * COCO_AREA_RANGES.length + a) * COCO_MAX_DETS.length + m) * COCO_IOU_THRESHOLDS.length + t;
}

/** Detection slots of category k (rank below maxDet in their image), in accumulate's global score order. */
function categoryOrder(p: PreparedEval, k: number, maxDet: number): Int32Array {
  const nImg = p.imageIds.length;
  let n = 0;
  for (let im = 0; im < nImg; im++) {
    const b = k * nImg + im;
    n += Math.min(p.dtStart[b + 1]! - p.dtStart[b]!, maxDet);
  }
  const slots = new Int32Array(n);
  let w = 0;
  for (let im = 0; im < nImg; im++) {
    const b = k * nImg + im;
    const end = Math.min(p.dtStart[b + 1]!, p.dtStart[b]! + maxDet);
    for (let j = p.dtStart[b]!; j < end; j++) slots[w++] = j;
  }
  // Slots are in (image, rank) order, the order np.concatenate gives, so a stable sort is mergesort's.
  return stableSortByScoreDesc(slots, p.dtScore);
}

/** Run accumulate for every category, area range and maxDet (precision only for the largest maxDet). */
export function accumulateCoco(p: PreparedEval, mt: CocoMatches): CocoAccumulation {
  const T = COCO_IOU_THRESHOLDS.length;
  const R = COCO_RECALL_THRESHOLDS.length;
  const A = COCO_AREA_RANGES.length;
  const M = COCO_MAX_DETS.length;
  const K = p.categoryIds.length;
  const AT = A * T;
  const maxDet = COCO_MAX_DETS[M - 1]!;
  const precision = new Float64Array(K * A * T * R).fill(-1);
  const scores = new Float64Array(K * A * T * R).fill(-1);
  const recall = new Float64Array(K * A * M * T).fill(-1);
  const recThr = Float64Array.from(COCO_RECALL_THRESHOLDS);
  const { status, statusRow, areaMask, npig, smallTp } = mt;
  const dtScore = p.dtScore;
  // Module imports compile to getters under CommonJS bundlers: read constants once, not in the hot loops.
  const TP = DT_TP;
  const FP = DT_FP;
  const tp = new Int32Array(AT);
  const fp = new Int32Array(AT);
  // False positives of detections that matched nothing, per area range (the same at every IoU threshold).
  const fpArea = new Int32Array(A);
  // Per column, the precision at each TP event and where in the sorted order it happened.
  let evPr = new Float64Array(0);
  let evAt = new Int32Array(0);

  for (let k = 0; k < K; k++) {
    if (!mt.evaluated[k]) continue;
    const order = categoryOrder(p, k, maxDet);
    const nd = order.length;
    let cap = 0;
    for (let a = 0; a < A; a++) cap = Math.max(cap, npig[k * A + a]!);
    if (evPr.length < cap * AT) {
      evPr = new Float64Array(cap * AT);
      evAt = new Int32Array(cap * AT);
    }
    tp.fill(0);
    fp.fill(0);
    fpArea.fill(0);
    for (let i = 0; i < nd; i++) {
      const j = order[i]!;
      const srow = statusRow[j]!;
      if (srow < 0) {
        const mask = areaMask[j]!;
        for (let a = 0; a < A; a++) if (mask & (1 << a)) fpArea[a]!++;
        continue;
      }
      const row = srow * AT;
      for (let a = 0; a < A; a++) {
        for (let t = 0; t < T; t++) {
          const q = a * T + t;
          const st = status[row + q];
          if (st === FP) fp[q]!++;
          else if (st === TP) {
            // Each TP takes a distinct non-ignored gt, so there are at most npig of them.
            const e = tp[q]!++;
            const nTp = e + 1;
            evPr[q * cap + e] = nTp / (fp[q]! + fpArea[a]! + nTp + EPS);
            evAt[q * cap + e] = i;
          }
        }
      }
    }
    for (let a = 0; a < A; a++) {
      const n = npig[k * A + a]!;
      if (n === 0) continue;
      // Smaller maxDets: the summary only reads their final recall, TPs among each image's first m.
      for (let m = 0; m < M - 1; m++) {
        for (let t = 0; t < T; t++) {
          recall[recallIndex(k, a, m, t)] = smallTp[((k * (M - 1) + m) * A + a) * T + t]! / n;
        }
      }
      for (let t = 0; t < T; t++) {
        const q = a * T + t;
        const ev = q * cap;
        const nTp = tp[q]!;
        recall[recallIndex(k, a, M - 1, t)] = nd ? nTp / n : 0;
        for (let e = nTp - 2; e >= 0; e--)
          if (evPr[ev + e + 1]! > evPr[ev + e]!) evPr[ev + e] = evPr[ev + e + 1]!;
        const base = precisionIndex(k, a, t, 0);
        if (nd === 0) {
          precision.fill(0, base, base + R);
          scores.fill(0, base, base + R);
          continue;
        }
        // Recall threshold 0 lands on the first detection, whatever it is.
        precision[base] = nTp ? evPr[ev]! : 0;
        scores[base] = dtScore[order[0]!]!;
        let e = 0;
        for (let r = 1; r < R; r++) {
          const thr = recThr[r]!;
          while (e < nTp && (e + 1) / n < thr) e++;
          if (e >= nTp) {
            precision.fill(0, base + r, base + R);
            scores.fill(0, base + r, base + R);
            break;
          }
          precision[base + r] = evPr[ev + e]!;
          scores[base + r] = dtScore[order[evAt[ev + e]!]!]!;
        }
      }
    }
  }
  return { precision, scores, recall };
}
