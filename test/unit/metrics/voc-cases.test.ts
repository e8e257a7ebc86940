import { describe, expect, it } from 'vitest';
import {
  evaluateVoc,
  vocAveragePrecision,
  vocIou,
  type CocoDetection,
  type CocoGroundTruth,
  type CocoGtAnnotation,
} from '../../../src/main/trainer/metrics';

function gtOf(annotations: CocoGtAnnotation[]): CocoGroundTruth {
  return {
    images: [{ id: 1, width: 500, height: 400 }],
    categories: [
      { id: 1, name: 'car' },
      { id: 2, name: 'bus' },
    ],
    annotations,
  };
}

function ann(id: number, bbox: number[], extra: Partial<CocoGtAnnotation> = {}): CocoGtAnnotation {
  return { id, image_id: 1, category_id: 1, bbox, iscrowd: 0, ...extra };
}

function det(bbox: number[], score: number): CocoDetection {
  return { image_id: 1, category_id: 1, bbox, score };
}

describe('evaluateVoc on hand-made cases', () => {
  it('scores a perfect detection 1 and leaves classes without gt out of the mean', () => {
    const res = evaluateVoc(gtOf([ann(1, [10, 10, 50, 50])]), [det([10, 10, 50, 50], 0.9)]);
    expect(res.mAP).toBe(1);
    expect(res.perClass.map((c) => c.ap)).toEqual([1, -1]);
    expect(res).toMatchObject({ iouThreshold: 0.5, interpolation: 'all-point' });
  });

  it('scores no detections 0', () => {
    expect(evaluateVoc(gtOf([ann(1, [10, 10, 50, 50])]), []).mAP).toBe(0);
  });

  it('counts a second hit on the same gt as a false positive', () => {
    const res = evaluateVoc(gtOf([ann(1, [10, 10, 50, 50]), ann(2, [200, 200, 50, 50])]), [
      det([10, 10, 50, 50], 0.9),
      det([11, 11, 50, 50], 0.8),
      det([200, 200, 50, 50], 0.7),
    ]);
    const car = res.perClass[0]!;
    expect(car).toMatchObject({ truePositives: 2, falsePositives: 1, numGt: 2, numDetections: 3 });
    // All-point: 0.5 at precision 1, then 0.5 at precision 2/3.
    expect(car.ap).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
  });

  it('neither rewards nor punishes hits on difficult boxes when they are ignored', () => {
    const gt = gtOf([ann(1, [10, 10, 50, 50]), ann(2, [200, 200, 50, 50], { difficult: 1 })]);
    const dets = [det([200, 200, 50, 50], 0.9), det([10, 10, 50, 50], 0.8)];
    expect(evaluateVoc(gt, dets, { ignoreDifficult: true }).mAP).toBe(1);
    expect(evaluateVoc(gt, dets, { ignoreDifficult: true }).perClass[0]!.numGt).toBe(1);
    expect(evaluateVoc(gt, dets).mAP).toBe(1);
    expect(evaluateVoc(gt, [dets[1]!]).mAP).toBe(0.5);
  });

  it('applies the threshold with >= and the +1 pixel convention by default', () => {
    const a = new Float64Array([0, 0, 9, 9]);
    const b = new Float64Array([0, 0, 9, 4]);
    expect(vocIou(a, 0, b, 0, true)).toBe(0.5);
    expect(vocIou(a, 0, b, 0, false)).toBeCloseTo(4 / 9, 15);
    const gt = gtOf([ann(1, [0, 0, 9, 9])]);
    expect(evaluateVoc(gt, [det([0, 0, 9, 4], 0.9)]).mAP).toBe(1);
    expect(evaluateVoc(gt, [det([0, 0, 9, 4], 0.9)], { pixelInclusive: false }).mAP).toBe(0);
  });

  it('computes the 11-point average', () => {
    // Recall 0.5 at precision 1, recall 1 at precision 0.5: points 0..0.5 give 1, 0.6..1 give 0.5.
    expect(vocAveragePrecision([0.5, 0.5, 1], [1, 0.5, 2 / 3], '11-point')).toBeCloseTo(
      (6 + 5 * (2 / 3)) / 11,
      12,
    );
    expect(vocAveragePrecision([], [], '11-point')).toBe(0);
    expect(vocAveragePrecision([], [], 'all-point')).toBe(0);
  });

  it('rejects a threshold outside (0, 1]', () => {
    expect(() => evaluateVoc(gtOf([]), [], { iouThreshold: 0 })).toThrow(/iouThreshold/);
  });
});
