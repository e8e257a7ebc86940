// COCO bbox evaluation equal to pycocotools' COCOeval (evaluate + accumulate + summarize), with per-class
// AP and PR curves on top. Input is what loadRes would see: every detection's area is w*h, ids 1..N.

import type { CocoAccumulation } from './coco-accumulate';
import { accumulateCoco, precisionIndex, recallIndex } from './coco-accumulate';
import { matchCoco } from './coco-match';
import { COCO_AREA_RANGES, COCO_IOU_THRESHOLDS, COCO_MAX_DETS, COCO_RECALL_THRESHOLDS } from './params';
import { MetricsInputError, prepareEval } from './prepare';
import type {
  CocoClassResult,
  CocoDetection,
  CocoEvalOptions,
  CocoEvalResult,
  CocoGroundTruth,
  CocoStats,
  PrCurve,
} from './types';

const T = COCO_IOU_THRESHOLDS.length;
const R = COCO_RECALL_THRESHOLDS.length;
const M = COCO_MAX_DETS.length;

/** Index of an IoU threshold in .50:.05:.95, or an error naming the valid ones. */
function iouIndex(iou: number): number {
  const t = COCO_IOU_THRESHOLDS.findIndex((v) => Math.abs(v - iou) < 1e-9);
  if (t < 0) throw new MetricsInputError(`IoU threshold ${iou} is not one of .50:.05:.95`);
  return t;
}

/** _summarize for AP: mean of precision > -1 over the chosen IoU thresholds, recall thresholds and classes. */
function meanPrecision(
  acc: CocoAccumulation,
  ks: readonly number[],
  a: number,
  ts: readonly number[],
): number {
  let sum = 0;
  let n = 0;
  for (const k of ks) {
    for (const t of ts) {
      const base = precisionIndex(k, a, t, 0);
      for (let r = 0; r < R; r++) {
        const v = acc.precision[base + r]!;
        if (v > -1) {
          sum += v;
          n++;
        }
      }
    }
  }
  return n === 0 ? -1 : sum / n;
}

/** _summarize for AR: mean of recall > -1 over IoU thresholds and classes at one maxDets index. */
function meanRecall(acc: CocoAccumulation, ks: readonly number[], a: number, m: number): number {
  let sum = 0;
  let n = 0;
  for (const k of ks) {
    for (let t = 0; t < T; t++) {
      const v = acc.recall[recallIndex(k, a, m, t)]!;
      if (v > -1) {
        sum += v;
        n++;
      }
    }
  }
  return n === 0 ? -1 : sum / n;
}

/** The 12 numbers of summarize() for iouType 'bbox' over the classes in `ks`. */
function summarize(acc: CocoAccumulation, ks: readonly number[]): CocoStats {
  const allT = Array.from({ length: T }, (_, t) => t);
  const t50 = [iouIndex(0.5)];
  const t75 = [iouIndex(0.75)];
  const last = M - 1;
  return {
    AP: meanPrecision(acc, ks, 0, allT),
    AP50: meanPrecision(acc, ks, 0, t50),
    AP75: meanPrecision(acc, ks, 0, t75),
    APsmall: meanPrecision(acc, ks, 1, allT),
    APmedium: meanPrecision(acc, ks, 2, allT),
    APlarge: meanPrecision(acc, ks, 3, allT),
    AR1: meanRecall(acc, ks, 0, 0),
    AR10: meanRecall(acc, ks, 0, 1),
    AR100: meanRecall(acc, ks, 0, last),
    ARsmall: meanRecall(acc, ks, 1, last),
    ARmedium: meanRecall(acc, ks, 2, last),
    ARlarge: meanRecall(acc, ks, 3, last),
  };
}

function curve(acc: CocoAccumulation, k: number, t: number): PrCurve {
  const base = precisionIndex(k, 0, t, 0);
  return {
    iouThreshold: COCO_IOU_THRESHOLDS[t]!,
    precision: Array.from(acc.precision.subarray(base, base + R)),
    scores: Array.from(acc.scores.subarray(base, base + R)),
  };
}

/** COCO bbox evaluation with pycocotools' exact semantics: 12 stats, per-class AP and PR curves (throws MetricsInputError). */
export function evaluateCoco(
  gt: CocoGroundTruth,
  dets: readonly CocoDetection[],
  opts: CocoEvalOptions = {},
): CocoEvalResult {
  const curveTs = (opts.curveIouThresholds ?? [0.5, 0.75]).map(iouIndex);
  const p = prepareEval(gt, dets);
  const matches = matchCoco(p, COCO_MAX_DETS, opts.useIgnoreFlag === true);
  const acc = accumulateCoco(p, matches);
  const allK = p.categoryIds.map((_, k) => k);
  const stats = summarize(acc, allK);
  const perClass: CocoClassResult[] = p.categoryIds.map((categoryId, k) => ({
    categoryId,
    name: p.categoryNames[k]!,
    AP: meanPrecision(
      acc,
      [k],
      0,
      Array.from({ length: T }, (_, t) => t),
    ),
    AP50: meanPrecision(acc, [k], 0, [iouIndex(0.5)]),
    AP75: meanPrecision(acc, [k], 0, [iouIndex(0.75)]),
    AR100: meanRecall(acc, [k], 0, M - 1),
    numGt: matches.npig[k * COCO_AREA_RANGES.length]!,
    numDetections: matches.numDetections[k]!,
    curves: curveTs.map((t) => curve(acc, k, t)),
  }));
  return { stats, perClass, recallThresholds: [...COCO_RECALL_THRESHOLDS] };
}
