import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { WeightEma, emaDecay, emaWindow } from '../../../src/main/trainer/ema';

function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const d = tf.layers
    .dense({ units: 1, name: 'd', kernelInitializer: 'zeros', biasInitializer: 'zeros' })
    .apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: d });
}

const set = (m: tf.LayersModel, k: number, b: number) =>
  m.setWeights([tf.fill([3, 1], k), tf.scalar(b).reshape([1])]);
const first = (t: tf.Tensor) => t.dataSync()[0]!;

describe('weight EMA', () => {
  it('sizes its window from the run length, within bounds', () => {
    expect(emaWindow(100)).toBe(20);
    expect(emaWindow(8000)).toBe(1000);
    expect(emaWindow(1e6)).toBe(2000);
  });

  it('ramps the decay in from zero towards 1 - 1/window', () => {
    expect(emaDecay(1, 100)).toBeLessThan(0.04);
    expect(emaDecay(10_000, 100)).toBeCloseTo(0.99, 6);
    expect(emaDecay(50, 100)).toBeLessThan(emaDecay(51, 100));
  });

  it('averages with the formula ema = d*ema + (1-d)*w after each update', () => {
    const m = tinyModel();
    const ema = new WeightEma(m, 10);
    let expected = 0;
    for (let step = 1; step <= 5; step++) {
      set(m, step, -step);
      ema.update();
      const d = emaDecay(step, 10);
      expected = d * expected + (1 - d) * step;
    }
    return ema.values().then((v) => {
      expect(v[0]![0]).toBeCloseTo(expected, 5);
      expect(v[1]![0]).toBeCloseTo(-expected, 5);
      ema.dispose();
      m.dispose();
    });
  });

  it('lends the averaged weights to the model and puts the trained ones back', async () => {
    const m = tinyModel();
    const ema = new WeightEma(m, 10);
    set(m, 1, 0);
    ema.update();
    set(m, 7, 0);
    const avg = (await ema.values())[0]![0]!;
    const during = await ema.withAveraged(async () => first(m.getWeights()[0]!));
    expect(during).toBeCloseTo(avg, 6);
    expect(first(m.getWeights()[0]!)).toBe(7);
    ema.dispose();
    m.dispose();
  });

  it('restores a checkpointed average and update count exactly', async () => {
    const m = tinyModel();
    const a = new WeightEma(m, 10);
    set(m, 3, 1);
    a.update();
    a.update();
    const b = new WeightEma(m, 10);
    b.restore(await a.values(), a.updates);
    set(m, 5, 2);
    a.update();
    b.update();
    expect(await b.values()).toEqual(await a.values());
    expect(b.updates).toBe(3);
    expect(() => b.restore([], 0)).toThrow(/does not match/);
    a.dispose();
    b.dispose();
    m.dispose();
  });

  it('keeps the tensor count flat across updates and evaluations', async () => {
    const m = tinyModel();
    const ema = new WeightEma(m, 10);
    ema.update();
    await ema.withAveraged(async () => undefined);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      ema.update();
      await ema.withAveraged(async () => undefined);
    }
    expect(tf.memory().numTensors).toBe(before);
    ema.dispose();
    m.dispose();
  });
});
