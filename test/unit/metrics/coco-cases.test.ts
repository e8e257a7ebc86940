import { describe, expect, it } from 'vitest';
import {
  COCO_STAT_KEYS,
  MetricsInputError,
  cocoIou,
  cocoStatsArray,
  evaluateCoco,
  type CocoDetection,
  type CocoGroundTruth,
  type CocoGtAnnotation,
} from '../../../src/main/trainer/metrics';

const CATS = [
  { id: 1, name: 'cat' },
  { id: 2, name: 'dog' },
];

function gtOf(annotations: CocoGtAnnotation[], images = [1]): CocoGroundTruth {
  return { images: images.map((id) => ({ id, width: 640, height: 480 })), categories: CATS, annotations };
}

function ann(id: number, bbox: number[], extra: Partial<CocoGtAnnotation> = {}): CocoGtAnnotation {
  return { id, image_id: 1, category_id: 1, bbox, iscrowd: 0, ...extra };
}

function det(bbox: number[], score: number, extra: Partial<CocoDetection> = {}): CocoDetection {
  return { image_id: 1, category_id: 1, bbox, score, ...extra };
}

/** Precision is tp / (tp + fp + eps) as in pycocotools, so a perfect score is 1 - 2^-52, not 1: compare closely. */
function expectNear(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) =>
    expected[i] === -1 ? expect(v).toBe(-1) : expect(v).toBeCloseTo(expected[i]!, 12),
  );
}

describe('evaluateCoco on hand-made cases', () => {
  it('scores a perfect detection 1.0 and leaves empty area ranges at -1', () => {
    const { stats, perClass } = evaluateCoco(gtOf([ann(1, [10, 10, 50, 50])]), [det([10, 10, 50, 50], 0.9)]);
    expectNear(cocoStatsArray(stats), [1, 1, 1, -1, 1, -1, 1, 1, 1, -1, 1, -1]);
    const cat = perClass[0]!;
    expect(cat).toMatchObject({ categoryId: 1, name: 'cat', AR100: 1, numGt: 1, numDetections: 1 });
    expectNear([cat.AP, cat.AP50, cat.AP75], [1, 1, 1]);
    expectNear(cat.curves[0]!.precision, new Array<number>(101).fill(1));
    expect(perClass[0]!.curves[0]!.scores.every((s) => s === 0.9)).toBe(true);
  });

  it('scores no detections 0, not -1', () => {
    const { stats, perClass } = evaluateCoco(gtOf([ann(1, [10, 10, 50, 50]), ann(2, [0, 0, 200, 200])]), []);
    expect(stats.AP).toBe(0);
    expect(stats.AP50).toBe(0);
    expect(stats.AR100).toBe(0);
    expect(stats.APlarge).toBe(0);
    expect(stats.APsmall).toBe(-1);
    expect(perClass[0]!.AP).toBe(0);
    expect(perClass[0]!.curves[0]!.precision.every((p) => p === 0)).toBe(true);
  });

  it('gives -1 per class, in the curves too, for a category with no gt even when it has detections', () => {
    const res = evaluateCoco(gtOf([ann(1, [10, 10, 50, 50])]), [
      det([10, 10, 50, 50], 0.9),
      det([100, 100, 30, 30], 0.8, { category_id: 2 }),
    ]);
    const dog = res.perClass.find((c) => c.categoryId === 2)!;
    expect(dog).toMatchObject({ AP: -1, AP50: -1, AP75: -1, AR100: -1, numGt: 0, numDetections: 1 });
    expect(dog.curves[0]!.precision.every((p) => p === -1)).toBe(true);
    expect(res.stats.AP).toBeCloseTo(1, 12);
  });

  it('ignores detections on crowd regions (crowd IoU = intersection / detection area)', () => {
    const person = ann(1, [10, 10, 50, 50]);
    const crowd = ann(2, [200, 200, 300, 200], { iscrowd: 1 });
    // The crowd hit scores higher: as a false positive it would halve precision at full recall.
    const dets = [det([250, 250, 40, 40], 0.95), det([10, 10, 50, 50], 0.9)];
    expect(
      cocoIou(new Float64Array([250, 250, 40, 40]), 0, new Float64Array([200, 200, 300, 200]), 0, true),
    ).toBe(1);
    expect(evaluateCoco(gtOf([person, crowd]), dets).stats.AP).toBeCloseTo(1, 12);
    expect(evaluateCoco(gtOf([person, crowd]), dets).perClass[0]!.numGt).toBe(1);
    const notCrowd = evaluateCoco(gtOf([person, { ...crowd, iscrowd: 0 }]), dets);
    expect(notCrowd.stats.AP50).toBeLessThan(1);
  });

  it('follows the 101-point envelope on a TP, FP, TP sequence', () => {
    const gt = gtOf([ann(1, [0, 0, 100, 100]), ann(2, [300, 300, 100, 100])]);
    const dets = [det([0, 0, 100, 100], 0.9), det([150, 150, 50, 50], 0.8), det([300, 300, 100, 100], 0.7)];
    const { stats, perClass } = evaluateCoco(gt, dets);
    // Recall thresholds 0..0.50 see precision 1, 0.51..1 see 2/3 (2 TP of 3, plus numpy's eps).
    const twoThirds = 2 / (3 + 2 ** -52);
    expect(stats.AP).toBeCloseTo((51 + 50 * twoThirds) / 101, 12);
    expect(stats.AR1).toBe(0.5);
    expect(stats.AR10).toBe(1);
    expect(perClass[0]!.curves[0]!.scores.slice(49, 53)).toEqual([0.9, 0.9, 0.7, 0.7]);
  });

  it('uses the gt area field, not w*h, for the area ranges, and w*h for detections', () => {
    // A 40x40 box (1600 px, medium by w*h) whose area field says small.
    const { stats } = evaluateCoco(gtOf([ann(1, [10, 10, 40, 40], { area: 900 })]), [
      det([10, 10, 40, 40], 0.9),
    ]);
    expect(stats.APsmall).toBeCloseTo(1, 12);
    expect(stats.APmedium).toBe(-1);
  });

  it('ignores the gt `ignore` field as pycocotools does, unless asked', () => {
    const gt = gtOf([ann(1, [0, 0, 100, 100]), ann(2, [300, 300, 100, 100], { ignore: 1 })]);
    const dets = [det([0, 0, 100, 100], 0.9)];
    expect(evaluateCoco(gt, dets).stats.AR100).toBe(0.5);
    expect(evaluateCoco(gt, dets, { useIgnoreFlag: true }).stats.AR100).toBe(1);
  });

  it('caps detections at 100 per image in score order, keeping input order on ties', () => {
    const gt = gtOf([ann(1, [0, 0, 100, 100])]);
    const misses = Array.from({ length: 100 }, (_, i) => det([400, 300, 10 + i, 10], 0.5));
    // The hit ties with the 100 misses but comes last, so the cap drops it.
    expect(evaluateCoco(gt, [...misses, det([0, 0, 100, 100], 0.5)]).stats.AR100).toBe(0);
    expect(evaluateCoco(gt, [det([0, 0, 100, 100], 0.5), ...misses]).stats.AR100).toBe(1);
  });

  it('lists the statistics in pycocotools order', () => {
    const { stats } = evaluateCoco(gtOf([ann(1, [10, 10, 50, 50])]), [det([10, 10, 50, 50], 0.9)]);
    expect(COCO_STAT_KEYS).toHaveLength(12);
    expect(cocoStatsArray(stats)).toEqual(COCO_STAT_KEYS.map((k) => stats[k]));
    expect(COCO_STAT_KEYS.slice(0, 3)).toEqual(['AP', 'AP50', 'AP75']);
    expect(COCO_STAT_KEYS.slice(6, 9)).toEqual(['AR1', 'AR10', 'AR100']);
  });

  it('drops detections of unknown categories and rejects unknown images and bad boxes', () => {
    const gt = gtOf([ann(1, [10, 10, 50, 50])]);
    expect(
      evaluateCoco(gt, [det([10, 10, 50, 50], 0.9), det([1, 1, 5, 5], 0.99, { category_id: 7 })]).stats.AP,
    ).toBeCloseTo(1, 12);
    expect(() => evaluateCoco(gt, [det([10, 10, 50, 50], 0.9, { image_id: 2 })])).toThrow(MetricsInputError);
    expect(() => evaluateCoco(gt, [det([10, 10, 50], 0.9)])).toThrow(/bbox/);
    expect(() => evaluateCoco(gtOf([ann(1, [0, 0, 1, 1]), ann(1, [2, 2, 1, 1])]), [])).toThrow(/duplicate/);
    expect(() => evaluateCoco(gt, [], { curveIouThresholds: [0.6, 0.62] })).toThrow(/IoU threshold/);
  });

  it('returns -1 everywhere when the ground truth is empty', () => {
    const { stats, perClass } = evaluateCoco(gtOf([]), []);
    expect(cocoStatsArray(stats).every((v) => v === -1)).toBe(true);
    expect(perClass.map((c) => c.AP)).toEqual([-1, -1]);
  });
});
