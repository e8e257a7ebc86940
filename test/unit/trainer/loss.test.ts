import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { detectionLoss, gridTensors } from '../../../src/main/trainer/model/loss';
import { makeGrid } from '../../../src/main/trainer/model/targets';

// A 16 px input: 2x2 locations at stride 8 and one at stride 16; one class; location 0 (centre 4,4) is the
// only positive, for the box 0,0..12,12. Its distance logits predict l=t=r=b=4 px: the box 0,0..8,8.
const grid = makeGrid(16);
const g = gridTensors(grid);
const logit = (p: number) => Math.log(p / (1 - p));

function outputs(clsLogit: number, reg: tf.Tensor): tf.Tensor[] {
  const cls = tf.tensor([clsLogit, -20, -20, -20]).reshape([1, 2, 2, 1]);
  const l8 = tf.concat([cls, reg.reshape([1, 2, 2, 4])], 3);
  const l16 = tf.tensor([-20, 0, 0, 0, 0]).reshape([1, 1, 1, 5]);
  return [l8, l16];
}
const targets = {
  cls: tf.tensor([1, 0, 0, 0, 0]).reshape([1, 5, 1]),
  box: tf.tensor([0, 0, 12, 12, ...Array(16).fill(0)]).reshape([1, 5, 4]),
  pos: tf.tensor([1, 0, 0, 0, 0]).reshape([1, 5, 1]),
};
const reg = tf.tensor([...Array(4).fill(Math.log(4 / 8)), ...Array(12).fill(0)]);

// The predicted 0..8 box overlaps the 0..12 target with IoU 64 / 144.
const IOU = 64 / 144;

describe('detection loss (quality focal + GIoU + class CE at positives)', () => {
  it("falls as a positive's class score approaches its box's IoU and as its box approaches the target", () => {
    const at = (p: number, r = reg) => detectionLoss(outputs(logit(p), r), targets, g, 1).dataSync()[0]!;
    expect(at(IOU)).toBeLessThan(at(0.9));
    expect(at(IOU)).toBeLessThan(at(0.2));
    expect(at(0.3)).toBeLessThan(at(0.1));
    // l=t=r=b=6 px around (4,4) is -2..10: closer to 0..12 than the 0..8 box.
    const better = tf.tensor([...Array(4).fill(Math.log(6 / 8)), ...Array(12).fill(0)]);
    expect(at(0.5, better)).toBeLessThan(at(0.5));
  });

  it("pulls a positive's class score towards its box's IoU, not towards 1 (GFL's quality target)", () => {
    const clsGrad = (p: number) =>
      tf
        .grad((c: tf.Tensor) => {
          const cls = tf.concat([c.reshape([1]), tf.tensor([-20, -20, -20])]).reshape([1, 2, 2, 1]);
          const l8 = tf.concat([cls, reg.reshape([1, 2, 2, 4])], 3);
          return detectionLoss([l8, tf.tensor([-20, 0, 0, 0, 0]).reshape([1, 1, 1, 5])], targets, g, 1);
        })(tf.scalar(logit(p)))
        .dataSync()[0]!;
    expect(Math.abs(clsGrad(IOU))).toBeLessThan(1e-6);
    expect(clsGrad(0.2)).toBeLessThan(0);
    expect(clsGrad(0.9)).toBeGreaterThan(0);
  });

  it('moves boxes only through the box term (the same box gradient at any class score)', () => {
    const boxGrad = (p: number) =>
      tf
        .grad((r: tf.Tensor) => detectionLoss(outputs(logit(p), r), targets, g, 1))(reg)
        .arraySync() as number[];
    const a = boxGrad(0.9);
    const b = boxGrad(0.2);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    expect(Math.abs(a[0]!)).toBeGreaterThan(0);
  });

  it("weights a positive's terms by its class weight, normalised by the weighted positives", () => {
    const base = detectionLoss(outputs(logit(0.5), reg), targets, g, 1).dataSync()[0]!;
    const weighted = (w: number) =>
      detectionLoss(
        outputs(logit(0.5), reg),
        { ...targets, weight: tf.tensor([w, 1, 1, 1, 1]).reshape([1, 5, 1]) },
        g,
        1,
      ).dataSync()[0]!;
    expect(weighted(1)).toBeCloseTo(base, 6);
    // A lone positive's weight cancels against the normaliser (over positives, it would triple the loss).
    expect(weighted(3)).toBeCloseTo(base, 5);
  });
});
