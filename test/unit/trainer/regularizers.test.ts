import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW } from '../../../src/main/trainer/optimizer';
import {
  isKernelName,
  kernelNorm,
  kernelVariables,
  regularizationTerm,
} from '../../../src/main/trainer/regularizers';
import { learningRateAt } from '../../../src/main/trainer/schedule';

function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1] });
  const c = tf.layers
    .conv2d({ filters: 2, kernelSize: 2, name: 'c', kernelInitializer: 'ones' })
    .apply(input);
  const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(c) as tf.SymbolicTensor;
  const f = tf.layers.flatten().apply(bn);
  const d = tf.layers
    .dense({ units: 1, name: 'd', kernelInitializer: 'ones', biasInitializer: 'ones' })
    .apply(f) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: d });
}

describe('regularizers', () => {
  it('selects only conv/dense kernels (not biases, not batch-norm parameters)', () => {
    const m = tinyModel();
    const names = kernelVariables(m).map((v) => v.shape.join('x'));
    expect(names).toEqual(['2x2x1x2', '18x1']);
    expect(isKernelName('s3a_conv/kernel')).toBe(true);
    expect(isKernelName('l8_pred/bias')).toBe(false);
    expect(isKernelName('stem_bn/gamma')).toBe(false);
    m.dispose();
  });

  it('computes lambda*sum(w^2) for l2, lambda*sum|w| for l1, zero for none/wd/dropout', async () => {
    const k = [tf.tensor([1, -2, 3]), tf.tensor([[-1, 0.5]])];
    const val = (mode: 'l2' | 'l1' | 'none' | 'wd' | 'dropout') =>
      regularizationTerm(mode, 0.1, k).dataSync()[0]!;
    expect(val('l2')).toBeCloseTo(0.1 * (1 + 4 + 9 + 1 + 0.25), 6);
    expect(val('l1')).toBeCloseTo(0.1 * (1 + 2 + 3 + 1 + 0.5), 6);
    expect(val('none')).toBe(0);
    expect(val('wd')).toBe(0);
    expect(val('dropout')).toBe(0);
    expect(await kernelNorm(k)).toBeCloseTo(Math.sqrt(15.25), 6);
    tf.dispose(k);
  });

  it('matches the penalty on a real tiny model: conv kernel of ones (8) + dense kernel of ones (18)', () => {
    const m = tinyModel();
    const ks = kernelVariables(m);
    expect(regularizationTerm('l2', 0.5, ks).dataSync()[0]).toBeCloseTo(0.5 * 26, 5);
    expect(regularizationTerm('l1', 0.5, ks).dataSync()[0]).toBeCloseTo(0.5 * 26, 5);
    m.dispose();
  });
});

describe('AdamW step', () => {
  it('equals the formula: w <- w(1 - lr*wd) - lr*mhat/(sqrt(vhat)+eps), decay on flagged params only', () => {
    const w = tf.variable(tf.tensor([1, -2]));
    const b = tf.variable(tf.tensor([0.5]));
    const opt = new AdamW([w, b], [true, false], { weightDecay: 0.1 });
    const lr = 0.01;
    const g = [tf.tensor([0.3, -0.4]), tf.tensor([2])];
    opt.apply(g, lr);
    // step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2 => update = g/(|g|+eps) = sign(g) (almost).
    const upd = (gi: number) => gi / (Math.abs(gi) + 1e-8);
    const expectW = [1 * (1 - lr * 0.1) - lr * upd(0.3), -2 * (1 - lr * 0.1) - lr * upd(-0.4)];
    const got = Array.from(w.dataSync());
    expect(got[0]).toBeCloseTo(expectW[0]!, 6);
    expect(got[1]).toBeCloseTo(expectW[1]!, 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.5 - lr * upd(2), 6); // bias: not decayed
    // step 2 with the same gradient: m = 0.19 g, v = 0.001999 g^2 -> bias-corrected again equals g, g^2.
    opt.apply(g, lr);
    const m2 = 0.19 * 0.3;
    const v2 = (0.999 * 0.001 + 0.001) * 0.09;
    const w2 = expectW[0]! * (1 - lr * 0.1) - (lr * (m2 / 0.19)) / (Math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8);
    expect(w.dataSync()[0]).toBeCloseTo(w2, 6);
    opt.dispose();
    tf.dispose([w, b, ...g]);
  });

  it('round-trips its state', async () => {
    const w = tf.variable(tf.tensor([1, 2]));
    const opt = new AdamW([w], [true]);
    opt.apply([tf.tensor([1, 1])], 0.1);
    const s = await opt.getState();
    const opt2 = new AdamW([w], [true]);
    opt2.setState(s);
    expect(await opt2.getState()).toEqual(s);
    opt.dispose();
    opt2.dispose();
    w.dispose();
  });
});

describe('learning-rate schedule', () => {
  it('warms up, peaks at the base lr and decays to 5%', () => {
    expect(learningRateAt(1, 0, 100)).toBeLessThan(0.3);
    expect(learningRateAt(1, 7, 100)).toBeCloseTo(1, 5);
    expect(learningRateAt(1, 100, 100)).toBeCloseTo(0.05, 5);
  });
});
