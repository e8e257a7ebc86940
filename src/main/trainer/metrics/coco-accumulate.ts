// COCOeval.accumulate over the matches: per category all detections of all images, stable-sorted by score
// (images in id order, each image's own score order), cumulative TP/FP, the precision envelope and the
// 101-point sampling by searchsorted(recall, recThrs, 'left').

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

/** Rank of every detection slot within its image (0 = highest score), for the smaller maxDets. */
function slotRanks(p: PreparedEval): Int32Array {
  const rank = new Int32Array(p.dtScore.length);
  const nb = p.dtStart.length - 1;
  for (let b = 0; b < nb; b++) {
    const s = p.dtStart[b]!;
    for (let j = s; j < p.dtStart[b + 1]!; j++) rank[j] = j - s;
  }
  return rank;
}

/** Run accumulate for every category, area range and maxDet (precision only for the largest maxDet). */
export function accumulateCoco(p: PreparedEval, mt: CocoMatches): CocoAccumulation {
  const T = COCO_IOU_THRESHOLDS.length;
  const R = COCO_RECALL_THRESHOLDS.length;
  const A = COCO_AREA_RANGES.length;
  const M = COCO_MAX_DETS.length;
  const K = p.categoryIds.length;
  const AT = A * T;
  const nImg = p.imageIds.length;
  const maxDet = COCO_MAX_DETS[M - 1]!;
  const precision = new Float64Array(K * A * T * R).fill(-1);
  const scores = new Float64Array(K * A * T * R).fill(-1);
  const recall = new Float64Array(K * A * M * T).fill(-1);
  const rank = slotRanks(p);
  const recThr = Float64Array.from(COCO_RECALL_THRESHOLDS);
  const { status, npig, smallTp } = mt;
  // Module imports compile to getters under CommonJS bundlers: read constants once, not in the hot loops.
  const TP = DT_TP;
  const FP = DT_FP;
  let cs = new Uint8Array(0);
  let rc = new Float64Array(0);
  let pr = new Float64Array(0);

  for (let k = 0; k < K; k++) {
    if (!mt.evaluated[k]) continue;
    const order = categoryOrder(p, k, maxDet);
    const nd = order.length;
    if (rc.length < nd) {
      rc = new Float64Array(nd);
      pr = new Float64Array(nd);
      cs = new Uint8Array(nd * AT);
    }
    // Outcomes in score order, one contiguous run per (area, IoU threshold).
    for (let i = 0; i < nd; i++) {
      const row = order[i]! * AT;
      for (let q = 0; q < AT; q++) cs[q * nd + i] = status[row + q]!;
    }
    for (let a = 0; a < A; a++) {
      const n = npig[k * A + a]!;
      if (n === 0) continue;
      // Smaller maxDets: the summary only reads their final recall, TPs among each image's first m.
      for (let m = 0; m < M - 1; m++) {
        for (let t = 0; t < T; t++)
          recall[recallIndex(k, a, m, t)] = smallTp[((k * (M - 1) + m) * A + a) * T + t]! / n;
      }
      for (let t = 0; t < T; t++) {
        const off = (a * T + t) * nd;
        let tp = 0;
        let fp = 0;
        for (let i = 0; i < nd; i++) {
          const st = cs[off + i];
          if (st === TP) tp++;
          else if (st === FP) fp++;
          rc[i] = tp / n;
          pr[i] = tp / (fp + tp + EPS);
        }
        recall[recallIndex(k, a, M - 1, t)] = nd ? rc[nd - 1]! : 0;
        for (let i = nd - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
        const base = precisionIndex(k, a, t, 0);
        let i = 0;
        for (let r = 0; r < R; r++) {
          const thr = recThr[r]!;
          while (i < nd && rc[i]! < thr) i++;
          if (i >= nd) {
            precision.fill(0, base + r, base + R);
            scores.fill(0, base + r, base + R);
            break;
          }
          precision[base + r] = pr[i]!;
          scores[base + r] = p.dtScore[order[i]!]!;
        }
      }
    }
  }
  return { precision, scores, recall };
}
