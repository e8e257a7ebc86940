// COCO mAP re-scored under image weights, for the bootstrap of a study (services/runs/study-stats.ts). A test
// image drawn w times counts w times, as if it were w images under new ids. Matching in COCOeval is per image
// and category, so it does not change with the draw: it is computed once per run (prepareEval + matchCoco, the
// same code as evaluateCoco) and kept as one TP/FP bit per IoU threshold per detection in accumulate's global
// score order. A resample then only re-walks those bits with weights: cumulative TP/FP, the precision envelope
// and the 101-point sampling. Copies of one detection tie in score and are all TP or all FP, so walking them as
// one weighted step gives the envelope COCO gets from the copies side by side (within an all-TP block precision
// rises, so its last copy dominates; within an all-FP block recall does not move). With weights all 1 this is
// evaluateCoco's AP exactly (tested).

import { matchCoco } from './coco-match';
import { COCO_AREA_RANGES, COCO_IOU_THRESHOLDS, COCO_MAX_DETS, COCO_RECALL_THRESHOLDS } from './params';
import { prepareEval } from './prepare';
import { stableSortByScoreDesc } from './sort';
import type { CocoDetection, CocoGroundTruth } from './types';

const EPS = 2 ** -52;
const T = COCO_IOU_THRESHOLDS.length;
const R = COCO_RECALL_THRESHOLDS.length;

/** One run's matches, ready to be re-scored under any image weights. */
export interface ResampleTable {
  /** Image ids in the order weights are given (ascending, COCOeval's order). */
  imageIds: number[];
  /** Per category, non-ignored gt per image: [k][im]. */
  gtCount: Int32Array[];
  /** Per category, detections in global score order: their image index and TP / FP bits (bit t: IoU .50+.05t). */
  dets: { img: Int32Array; tp: Uint16Array; fp: Uint16Array }[];
}

/** Match a run's detections once (area 'all', up to 100 per image) so that each resample costs one pass. */
export function prepareResample(gt: CocoGroundTruth, dets: readonly CocoDetection[]): ResampleTable {
  const p = prepareEval(gt, dets);
  const mt = matchCoco(p, COCO_MAX_DETS, false);
  const nImg = p.imageIds.length;
  const K = p.categoryIds.length;
  const A = COCO_AREA_RANGES.length;
  const [lo, hi] = COCO_AREA_RANGES[0]!;
  const maxDet = COCO_MAX_DETS[COCO_MAX_DETS.length - 1]!;
  const gtCount: Int32Array[] = [];
  const out: ResampleTable['dets'] = [];
  for (let k = 0; k < K; k++) {
    const counts = new Int32Array(nImg);
    const slots: number[] = [];
    const imgOf = new Map<number, number>();
    for (let im = 0; im < nImg; im++) {
      const b = k * nImg + im;
      for (let j = p.gtStart[b]!; j < p.gtStart[b + 1]!; j++)
        if (!p.gtCrowd[j] && !(p.gtArea[j]! < lo || p.gtArea[j]! > hi)) counts[im]!++;
      const end = Math.min(p.dtStart[b + 1]!, p.dtStart[b]! + maxDet);
      for (let j = p.dtStart[b]!; j < end; j++) {
        slots.push(j);
        imgOf.set(j, im);
      }
    }
    const order = stableSortByScoreDesc(Int32Array.from(slots), p.dtScore);
    const img = new Int32Array(order.length);
    const tp = new Uint16Array(order.length);
    const fp = new Uint16Array(order.length);
    order.forEach((j, i) => {
      img[i] = imgOf.get(j)!;
      const row = mt.statusRow[j]!;
      for (let t = 0; t < T; t++) {
        // Unmatched: a false positive when its own area is in range 'all' (bit 0), else ignored.
        const st = row < 0 ? (mt.areaMask[j]! & 1 ? 0 : 2) : mt.status[row * A * T + t]!;
        if (st === 1) tp[i]! |= 1 << t;
        else if (st === 0) fp[i]! |= 1 << t;
      }
    });
    gtCount.push(counts);
    out.push({ img, tp, fp });
  }
  return { imageIds: p.imageIds, gtCount, dets: out };
}

/** COCO AP (mAP50-95) and AP50 of the run when image `im` counts `weights[im]` times (-1: no gt drawn at all). */
export function resampledAP(table: ResampleTable, weights: ArrayLike<number>): { AP: number; AP50: number } {
  let sum = 0;
  let n = 0;
  let sum50 = 0;
  let n50 = 0;
  const evPr = new Float64Array(T * 1024);
  const evTp = new Float64Array(T * 1024);
  const evN = new Int32Array(T);
  const cumTp = new Float64Array(T);
  const cumFp = new Float64Array(T);
  for (let k = 0; k < table.dets.length; k++) {
    const counts = table.gtCount[k]!;
    let gts = 0;
    for (let im = 0; im < counts.length; im++) gts += counts[im]! * weights[im]!;
    if (gts === 0) continue;
    const d = table.dets[k]!;
    let bufPr = evPr;
    let bufTp = evTp;
    const cap = Math.max(1024, d.img.length);
    if (cap > 1024) {
      bufPr = new Float64Array(T * cap);
      bufTp = new Float64Array(T * cap);
    }
    evN.fill(0);
    cumTp.fill(0);
    cumFp.fill(0);
    let nd = 0;
    for (let i = 0; i < d.img.length; i++) {
      const w = weights[d.img[i]!]!;
      if (w === 0) continue;
      nd++;
      const tpBits = d.tp[i]!;
      const fpBits = d.fp[i]!;
      for (let t = 0; t < T; t++) {
        if (tpBits & (1 << t)) {
          cumTp[t]! += w;
          const e = evN[t]!++;
          bufPr[t * cap + e] = cumTp[t]! / (cumFp[t]! + cumTp[t]! + EPS);
          bufTp[t * cap + e] = cumTp[t]!;
        } else if (fpBits & (1 << t)) cumFp[t]! += w;
      }
    }
    for (let t = 0; t < T; t++) {
      let colSum = 0;
      const base = t * cap;
      const nEv = evN[t]!;
      if (nd > 0 && nEv > 0) {
        for (let e = nEv - 2; e >= 0; e--)
          if (bufPr[base + e + 1]! > bufPr[base + e]!) bufPr[base + e] = bufPr[base + e + 1]!;
        colSum += bufPr[base]!; // recall threshold 0
        let e = 0;
        for (let r = 1; r < R; r++) {
          const thr = COCO_RECALL_THRESHOLDS[r]!;
          while (e < nEv && bufTp[base + e]! / gts < thr) e++;
          if (e >= nEv) break;
          colSum += bufPr[base + e]!;
        }
      }
      sum += colSum;
      n += R;
      if (t === 0) {
        sum50 += colSum;
        n50 += R;
      }
    }
  }
  return { AP: n === 0 ? -1 : sum / n, AP50: n50 === 0 ? -1 : sum50 / n50 };
}
