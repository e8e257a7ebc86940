// Per image and category matching, as COCOeval.computeIoU + evaluateImg do it: IoU of the score-sorted
// detections (capped at maxDet) against the gt, then for each area range and IoU threshold a greedy match in
// score order with ignored gt sorted last. Results go into flat typed arrays, one byte per decision, kept
// only for detections that matched something: any other one is a false positive wherever its own area is in
// range and ignored elsewhere, which its area mask says.

import { COCO_AREA_RANGES, COCO_IOU_THRESHOLDS } from './params';
import type { PreparedEval } from './prepare';

/** Outcome of a detection at one (area range, IoU threshold): counts as a false positive. */
export const DT_FP = 0;
/** Outcome of a detection at one (area range, IoU threshold): counts as a true positive. */
export const DT_TP = 1;
/** Outcome of a detection at one (area range, IoU threshold): left out of TP and FP counts. */
export const DT_IGNORED = 2;

/** Matching outcome for every detection slot of a PreparedEval, read by the accumulation step. */
export interface CocoMatches {
  /** Per slot, bit a set when the detection's area (w*h) lies in area range a. */
  areaMask: Uint8Array;
  /** Per slot, its row in `status`, or -1 when it matched nothing (outcome given by `areaMask`). */
  statusRow: Int32Array;
  /** [row * A * T + a * T + t]: DT_FP, DT_TP or DT_IGNORED. */
  status: Uint8Array;
  /** Non-ignored gt per category and area range: [k * A + a] (accumulate's npig). */
  npig: Int32Array;
  /** 1 where a category has any gt or detection at all (otherwise evaluateImg returns None everywhere). */
  evaluated: Uint8Array;
  /** Detections that entered the evaluation per category (after the per-image cap). */
  numDetections: Int32Array;
  /** TPs among each image's first maxDets[m] detections, m < M - 1: [((k * (M - 1) + m) * A + a) * T + t]. */
  smallTp: Int32Array;
}

/** pycocotools' bbIou (maskApi.c), operation for operation: crowd gt use the detection's area as union. */
export function cocoIou(d: Float64Array, di: number, g: Float64Array, gi: number, crowd: boolean): number {
  const dx = d[di]!;
  const dy = d[di + 1]!;
  const dw = d[di + 2]!;
  const dh = d[di + 3]!;
  const gx = g[gi]!;
  const gy = g[gi + 1]!;
  const gw = g[gi + 2]!;
  const gh = g[gi + 3]!;
  const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
  if (w <= 0) return 0;
  const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
  if (h <= 0) return 0;
  const i = w * h;
  const da = dw * dh;
  return i / (crowd ? da : da + gw * gh - i);
}

/** Grow-only scratch buffers, so the per-bucket loop allocates nothing. */
class Scratch {
  ious = new Float64Array(1024);
  gtOrder = new Int32Array(64);
  gtIg = new Uint8Array(64);
  /** Stamp of the (area, threshold) pass that took each gt: no clearing between passes. */
  gtTaken = new Int32Array(64);
  dtMatched = new Uint8Array(128);
  canMatch = new Uint8Array(128);

  fit(nd: number, ng: number): void {
    if (this.ious.length < nd * ng) this.ious = new Float64Array(Math.max(nd * ng, this.ious.length * 2));
    if (this.gtOrder.length < ng) {
      const n = Math.max(ng, this.gtOrder.length * 2);
      this.gtOrder = new Int32Array(n);
      this.gtIg = new Uint8Array(n);
      this.gtTaken = new Int32Array(n);
    }
    if (this.dtMatched.length < nd) {
      this.dtMatched = new Uint8Array(Math.max(nd, this.dtMatched.length * 2));
      this.canMatch = new Uint8Array(this.dtMatched.length);
    }
  }
}

/** Match every (image, category) bucket; `useIgnoreFlag` adds gt `ignore` to the crowd flag. */
export function matchCoco(p: PreparedEval, maxDets: readonly number[], useIgnoreFlag: boolean): CocoMatches {
  const maxDet = maxDets[maxDets.length - 1]!;
  const caps = Int32Array.from(maxDets.slice(0, -1));
  const M1 = caps.length;
  const T = COCO_IOU_THRESHOLDS.length;
  const A = COCO_AREA_RANGES.length;
  const AT = A * T;
  const nImg = p.imageIds.length;
  const nCat = p.categoryIds.length;
  const nb = nImg * nCat;
  const { gtStart, dtStart, gtBox, gtArea, gtCrowd, gtIgnoreField, gtZeroId, dtBox } = p;
  const thr = Float64Array.from(COCO_IOU_THRESHOLDS, (t) => Math.min(t, 1 - 1e-10));
  const minThr = Math.min(...thr);
  const areaLo = Float64Array.from(COCO_AREA_RANGES, (r) => r[0]);
  const areaHi = Float64Array.from(COCO_AREA_RANGES, (r) => r[1]);
  // Module imports compile to getters under CommonJS bundlers: read constants once, not in the hot loops.
  const TP = DT_TP;
  const FP = DT_FP;
  const IGNORED = DT_IGNORED;

  const areaMask = new Uint8Array(p.dtScore.length);
  for (let j = 0; j < areaMask.length; j++) {
    const area = dtBox[j * 4 + 2]! * dtBox[j * 4 + 3]!;
    let mask = 0;
    for (let a = 0; a < A; a++) if (!(area < areaLo[a]! || area > areaHi[a]!)) mask |= 1 << a;
    areaMask[j] = mask;
  }
  // Status rows only for detections that share a bucket with some gt.
  const statusRow = new Int32Array(p.dtScore.length).fill(-1);
  let rows = 0;
  for (let b = 0; b < nb; b++) {
    if (gtStart[b + 1] === gtStart[b]) continue;
    const end = Math.min(dtStart[b + 1]!, dtStart[b]! + maxDet);
    for (let j = dtStart[b]!; j < end; j++) statusRow[j] = rows++;
  }
  const status = new Uint8Array(rows * AT);
  const npig = new Int32Array(nCat * A);
  const evaluated = new Uint8Array(nCat);
  const numDetections = new Int32Array(nCat);
  const smallTp = new Int32Array(nCat * M1 * AT);
  let stamp = 0;
  const s = new Scratch();

  for (let k = 0; k < nCat; k++) {
    for (let im = 0; im < nImg; im++) {
      const b = k * nImg + im;
      const g0 = gtStart[b]!;
      const G = gtStart[b + 1]! - g0;
      const d0 = dtStart[b]!;
      const D = Math.min(dtStart[b + 1]! - d0, maxDet);
      if (G === 0 && D === 0) continue;
      evaluated[k] = 1;
      numDetections[k]! += D;
      s.fit(D, G);
      const { ious, gtOrder, gtIg, gtTaken, dtMatched, canMatch } = s;
      // A detection below the lowest threshold with every gt matches nothing anywhere: skip it below.
      let anyCanMatch = false;
      for (let di = 0; di < D; di++) {
        dtMatched[di] = 0;
        let top = 0;
        for (let gi = 0; gi < G; gi++) {
          const v = cocoIou(dtBox, (d0 + di) * 4, gtBox, (g0 + gi) * 4, gtCrowd[g0 + gi] === 1);
          ious[di * G + gi] = v;
          if (v > top) top = v;
        }
        canMatch[di] = top >= minThr ? 1 : 0;
        if (canMatch[di]) anyCanMatch = true;
      }
      for (let a = 0; a < A; a++) {
        const lo = areaLo[a]!;
        const hi = areaHi[a]!;
        // gt: ignore flag per area, then the stable "ignored last" order.
        let n0 = 0;
        for (let gi = 0; gi < G; gi++) {
          const j = g0 + gi;
          const ig =
            gtCrowd[j] === 1 ||
            (useIgnoreFlag && gtIgnoreField[j] === 1) ||
            gtArea[j]! < lo ||
            gtArea[j]! > hi;
          gtIg[gi] = ig ? 1 : 0;
          if (!ig) n0++;
        }
        npig[k * A + a]! += n0;
        if (!anyCanMatch) continue;
        let front = 0;
        let back = n0;
        for (let gi = 0; gi < G; gi++) gtOrder[gtIg[gi] ? back++ : front++] = gi;
        const bit = 1 << a;
        for (let t = 0; t < T; t++) {
          stamp++;
          const t0 = thr[t]!;
          for (let di = 0; di < D; di++) {
            if (!canMatch[di]) continue;
            let best = t0;
            let m = -1;
            const row = di * G;
            for (let o = 0; o < G; o++) {
              const gi = gtOrder[o]!;
              if (gtTaken[gi] === stamp && !gtCrowd[g0 + gi]) continue;
              if (m > -1 && gtIg[m] === 0 && gtIg[gi] === 1) break;
              const v = ious[row + gi]!;
              if (v < best) continue;
              best = v;
              m = gi;
            }
            const out = areaMask[d0 + di]! & bit ? FP : IGNORED;
            let res = out;
            if (m > -1) {
              dtMatched[di] = 1;
              gtTaken[m] = stamp;
              if (gtIg[m]) res = IGNORED;
              else if (!gtZeroId[g0 + m]) {
                res = TP;
                for (let c = 0; c < M1; c++) if (di < caps[c]!) smallTp[((k * M1 + c) * A + a) * T + t]!++;
              }
            }
            status[statusRow[d0 + di]! * AT + a * T + t] = res;
          }
        }
      }
      // A detection that never matched is fully described by its area mask.
      for (let di = 0; di < D; di++) if (!dtMatched[di]) statusRow[d0 + di] = -1;
    }
  }
  return { areaMask, statusRow, status, npig, evaluated, numDetections, smallTp };
}
