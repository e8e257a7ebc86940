import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import {
  activeBatchNormTraining,
  FUSED_BN_TRAINING,
  FUSED_BN_TRAINING_GRAD,
  useBatchNormTraining,
  type BatchNormTrainingPath,
} from '../../../src/main/trainer/backend/fused-batch-norm';
import { RELU_GRAD_KERNEL, useReluGrad } from '../../../src/main/trainer/backend/relu-grad';
import { BatchSource, chunk, epochOrder } from '../../../src/main/trainer/data/pipeline';
import { SeededRng } from '../../../src/main/trainer/data/prng';
import { batchTensors } from '../../../src/main/trainer/evaluate';
import type { DetectorConfig } from '../../../src/main/trainer/model/detector';
import { createTrainState, disposeTrainState, trainStep } from '../../../src/main/trainer/step';
import { sampleManifest } from './fixtures';

// Training-mode batch norm through TensorFlow's fused kernels against tfjs-layers' own path (on the native
// backend and on the pure-JS cpu backend): forward output, moving statistics and the gradients w.r.t. input,
// gamma and beta of a BatchNormalization layer on random shapes, and the losses of a few training steps (with
// TensorFlow's ReluGrad as well, whose gradient is checked on its own too).

function values(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const rng = new SeededRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale + offset);
}

function worstDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

/** One training-mode call of a fresh layer: [y, dx, dgamma, dbeta, moving mean, moving variance], kernels run. */
interface LayerRun {
  outputs: Float32Array[];
  kernels: string[];
}

/** One training call of a BatchNormalization layer with seeded weights on `backend`, through `bnPath`. */
async function layerRun(
  backend: 'tensorflow' | 'cpu',
  bnPath: BatchNormTrainingPath,
  shape: [number, number, number, number],
  seed: number,
): Promise<LayerRun> {
  await tf.setBackend(backend);
  useBatchNormTraining(bnPath);
  const c = shape[3];
  const size = shape.reduce((a, b) => a * b, 1);
  const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
  layer.build(shape);
  const init = [
    tf.tensor1d(values(c, seed + 1, 0.5, 1)), // gamma
    tf.tensor1d(values(c, seed + 2, 0.3)), // beta
    tf.tensor1d(values(c, seed + 3, 1)), // moving mean
    tf.tensor1d(values(c, seed + 4, 0.4, 1)), // moving variance
  ];
  layer.setWeights(init);
  tf.dispose(init);
  const x = tf.tensor4d(values(size, seed + 5, 2, 0.7), shape);
  const w = tf.tensor4d(values(size, seed + 6), shape);
  const [gamma, beta] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  let y: tf.Tensor | undefined;
  // gamma and beta are the layer's own variables, which it reads inside: tf.grads w.r.t. them is theirs.
  const profile = await tf.profile(() =>
    tf.grads((xx: tf.Tensor, _g: tf.Tensor, _b: tf.Tensor) => {
      const out = layer.apply(xx, { training: true }) as tf.Tensor;
      y = tf.keep(out.clone());
      return tf.sum(tf.mul(out, w));
    })([x, gamma!, beta!]),
  );
  const tensors = [y!, ...(profile.result as tf.Tensor[]), ...layer.getWeights().slice(2)];
  const outputs = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([...tensors, ...layer.getWeights(), x, w]); // getWeights: the layer's variables themselves
  return { outputs, kernels: profile.kernels.map((k) => k.name) };
}

describe('training-mode batch norm through TensorFlow fused kernels', () => {
  beforeAll(async () => {
    await loadBackend('tfjs-node');
  });
  afterAll(async () => {
    useBatchNormTraining('ops');
    useReluGrad('ops');
    await tf.setBackend('tensorflow');
  });

  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 5], // batch 1, one pixel: the variance is 0
    [1, 3, 5, 7], // batch 1, odd sides and channels
    [3, 7, 5, 9],
    [4, 8, 8, 16],
    [2, 13, 11, 3],
  ];

  it.each(shapes)(
    'equals tfjs-layers on tfjs-node and on the cpu backend: [%i,%i,%i,%i]',
    async (...shape) => {
      const s = shape as [number, number, number, number];
      const seed = s.reduce((a, b) => a * 31 + b, 7);
      const fused = await layerRun('tensorflow', 'fused', s, seed);
      const ops = await layerRun('tensorflow', 'ops', s, seed);
      const js = await layerRun('cpu', 'fused', s, seed); // the cpu backend keeps tfjs-layers' path
      expect(fused.kernels).toContain(FUSED_BN_TRAINING);
      expect(fused.kernels).toContain(FUSED_BN_TRAINING_GRAD);
      expect(fused.kernels).not.toContain('Mean');
      for (const other of [ops, js]) {
        expect(other.kernels).not.toContain(FUSED_BN_TRAINING);
        expect(other.kernels).toContain('Mean');
      }
      const names = ['y', 'dx', 'dgamma', 'dbeta', 'moving mean', 'moving variance'];
      fused.outputs.forEach((f, i) => {
        expect({ [names[i]!]: worstDiff(f, ops.outputs[i]!) < 1e-4 }).toEqual({ [names[i]!]: true });
        expect({ [names[i]!]: worstDiff(f, js.outputs[i]!) < 1e-4 }).toEqual({ [names[i]!]: true });
      });
      // The moving statistics did move (the comparison above is not of untouched initial values).
      const initialMean = values(s[3], seed + 3, 1);
      expect(worstDiff(fused.outputs[4]!, initialMean)).toBeGreaterThan(1e-3);
    },
  );

  it('leaves inference (training false) on tfjs-layers path, bit for bit', async () => {
    useBatchNormTraining('fused');
    const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
    const x = tf.tensor4d(values(2 * 4 * 4 * 6, 3, 2), [2, 4, 4, 6]);
    const p = await tf.profile(() => layer.apply(x, { training: false }) as tf.Tensor);
    expect(p.kernels.map((k) => k.name)).not.toContain(FUSED_BN_TRAINING);
    tf.dispose([p.result as tf.Tensor, x, ...layer.getWeights()]);
  });

  it("TensorFlow's ReluGrad equals tfjs' ReLU gradient (tfjs-node and cpu), zeros and negatives included", async () => {
    const shape = [3, 7, 5, 9];
    const n = 3 * 7 * 5 * 9;
    const xs = values(n, 11, 2).map((v, i) => (i % 17 === 0 ? 0 : v)); // exact zeros: gradient 0 on both
    const ws = values(n, 12);
    const grad = async (backend: 'tensorflow' | 'cpu', p: 'fused' | 'ops') => {
      await tf.setBackend(backend);
      useReluGrad(p);
      const x = tf.tensor(xs, shape);
      const w = tf.tensor(ws, shape);
      const prof = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), w)))(x));
      const out = (await (prof.result as tf.Tensor).data()) as Float32Array;
      tf.dispose([x, w, prof.result as tf.Tensor]);
      return { out, kernels: prof.kernels.map((k) => k.name) };
    };
    const fused = await grad('tensorflow', 'fused');
    const ops = await grad('tensorflow', 'ops');
    const js = await grad('cpu', 'fused'); // the cpu backend keeps tfjs' gradient
    expect(fused.kernels).toContain(RELU_GRAD_KERNEL);
    expect(ops.kernels).not.toContain(RELU_GRAD_KERNEL);
    expect(js.kernels).not.toContain(RELU_GRAD_KERNEL);
    expect(Array.from(fused.out)).toEqual(Array.from(ops.out));
    expect(Array.from(fused.out)).toEqual(Array.from(js.out));
    expect(fused.out.filter((v) => v === 0).length).toBeGreaterThan(n / 3);
    useReluGrad('ops');
    await tf.setBackend('tensorflow');
  });

  it('gives the same losses over a few training steps on a tiny sample (1e-3 relative), ReluGrad included', async () => {
    await tf.setBackend('tensorflow');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-fused-bn-'));
    try {
      const cfg: DetectorConfig = {
        numClasses: 6,
        imgSize: 64,
        widthMultiplier: 0.25,
        dropoutRate: 0,
        seed: 3,
      };
      const m = await sampleManifest(dir, 12, 5, 128, 96);
      const losses: Record<BatchNormTrainingPath, number[]> = { fused: [], ops: [] };
      const kernels: Record<BatchNormTrainingPath, string[]> = { fused: [], ops: [] };
      const tensorsAfter: Record<BatchNormTrainingPath, number[]> = { fused: [], ops: [] };
      for (const bnPath of ['ops', 'fused'] as const) {
        useBatchNormTraining(bnPath);
        useReluGrad(bnPath);
        const s = await createTrainState(cfg, 'l2', 1e-4);
        const source = new BatchSource(cfg.numClasses, cfg.imgSize, s.grid);
        for (const [i, group] of chunk(epochOrder(m.images, 1, 0), 4).entries()) {
          const b = await source.makeBatch(group, { seed: 1, epoch: 0 });
          const { x, targets } = batchTensors(b, cfg.imgSize, cfg.numClasses, s.grid.size);
          if (i === 0) {
            const p = await tf.profile(() => trainStep(s, x, targets, 2e-3));
            kernels[bnPath] = p.kernels.map((k) => k.name);
            losses[bnPath].push(p.result as unknown as number);
          } else losses[bnPath].push(await trainStep(s, x, targets, 2e-3));
          tf.dispose([x, targets.cls, targets.box, targets.pos]);
          tensorsAfter[bnPath].push(tf.memory().numTensors);
        }
        disposeTrainState(s);
      }
      expect(losses.ops).toHaveLength(3);
      // No tensor left behind per step by the fused kernels' tape bookkeeping (the count is flat after step 1).
      expect(tensorsAfter.fused[2]).toBe(tensorsAfter.fused[1]);
      expect(tensorsAfter.ops[2]).toBe(tensorsAfter.ops[1]);
      expect(kernels.fused.filter((k) => k === FUSED_BN_TRAINING).length).toBeGreaterThan(10);
      expect(kernels.ops).not.toContain(FUSED_BN_TRAINING);
      expect(kernels.fused).toContain(RELU_GRAD_KERNEL);
      expect(kernels.ops).not.toContain(RELU_GRAD_KERNEL);
      expect(kernels.fused.length).toBeLessThan(kernels.ops.length);
      losses.fused.forEach((l, i) => {
        expect(Number.isFinite(l)).toBe(true);
        expect(Math.abs(l - losses.ops[i]!) / Math.abs(losses.ops[i]!)).toBeLessThan(1e-3);
      });
      // Training moved the loss (the steps compared are not all the same step).
      expect(losses.ops[2]).not.toBe(losses.ops[0]);
    } finally {
      useBatchNormTraining('ops');
      useReluGrad('ops');
      await rm(dir, { recursive: true, force: true });
    }
    expect(activeBatchNormTraining()).toBe('ops');
  });
});
