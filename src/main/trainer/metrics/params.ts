// COCOeval's default bbox parameters, computed the way numpy computes them so comparisons against them
// (recall >= threshold, IoU >= threshold) flip at exactly the same values as in pycocotools.

import type { CocoStats } from './types';

/** np.linspace(start, stop, num): i * step + start with the last value set to stop, bit for bit. */
export function numpyLinspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i === num - 1 ? stop : i * step + start);
  return out;
}

/** IoU thresholds .50:.05:.95 (T = 10), as Params.setDetParams builds them. */
export const COCO_IOU_THRESHOLDS: readonly number[] = numpyLinspace(0.5, 0.95, 10);

/** Recall thresholds 0:.01:1 (R = 101) for 101-point interpolated precision. */
export const COCO_RECALL_THRESHOLDS: readonly number[] = numpyLinspace(0, 1, 101);

/** Area ranges all / small / medium / large, bounds inclusive on both sides as in evaluateImg. */
export const COCO_AREA_RANGES: readonly (readonly [number, number])[] = [
  [0, 1e5 ** 2],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e5 ** 2],
];

/** Max detections per image for the AR statistics; the last one also caps every image's detections. */
export const COCO_MAX_DETS: readonly number[] = [1, 10, 100];

/** The statistics in pycocotools' `stats` array order, so results can be printed or compared as arrays. */
export const COCO_STAT_KEYS: readonly (keyof CocoStats)[] = [
  'AP',
  'AP50',
  'AP75',
  'APsmall',
  'APmedium',
  'APlarge',
  'AR1',
  'AR10',
  'AR100',
  'ARsmall',
  'ARmedium',
  'ARlarge',
];

/** The 12 statistics as pycocotools' `stats` array, for printing and for comparing with the reference. */
export function cocoStatsArray(stats: CocoStats): number[] {
  return COCO_STAT_KEYS.map((k) => stats[k]);
}
