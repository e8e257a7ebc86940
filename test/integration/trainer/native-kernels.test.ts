import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseNativeKernels, kernelTimingShape, loadBackend } from '../../../src/main/trainer/backend';
import { timeAndChooseKernels } from '../../../src/main/trainer/backend/kernel-choice';
import {
  activeNativeKernels,
  KERNEL_CHOICE_NAMES,
  NATIVE_KERNEL_REPLACEMENTS,
  originalNativeKernel,
  useNativeKernel,
} from '../../../src/main/trainer/backend/native-kernels';
import { SeededRng } from '../../../src/main/trainer/data/prng';

// The native backend's replaceable kernels (FusedBatchNorm, Step) against the pure-JS backend, kernel by kernel
// and through the gradient of a conv + batch-norm (training statistics) + ReLU block: with the replacements
// installed, and with tfjs-node's own, since backend selection may choose either on a machine.

function values(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const rng = new SeededRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale + offset);
}

/** Runs `f` on a backend with fresh tensors from the same arrays and returns the outputs' values. */
async function on(backend: 'cpu' | 'tensorflow', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(f);
  const data = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(outs);
  return data;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe('native kernel replacements', () => {
  beforeAll(async () => {
    await loadBackend('tfjs-node');
    for (const k of NATIVE_KERNEL_REPLACEMENTS) useNativeKernel(k.kernelName, 'replacement');
  });

  it("switch between the replacement and tfjs-node's own, which is kept aside", () => {
    for (const k of NATIVE_KERNEL_REPLACEMENTS) {
      expect(tf.getKernel(k.kernelName, 'tensorflow')?.kernelFunc).toBe(k.kernelFunc);
      const own = originalNativeKernel(k.kernelName);
      expect(own?.kernelFunc).not.toBe(k.kernelFunc);
      useNativeKernel(k.kernelName, 'native');
      expect(tf.getKernel(k.kernelName, 'tensorflow')?.kernelFunc).toBe(own!.kernelFunc);
      expect(activeNativeKernels()[k.kernelName]).toBe('native');
      useNativeKernel(k.kernelName, 'replacement');
      expect(activeNativeKernels()[k.kernelName]).toBe('replacement');
    }
  });

  it('batchNorm equals the JS backend with and without scale/offset, on a per-channel and a broadcast mean', async () => {
    const shape: [number, number, number, number] = [2, 5, 7, 6];
    const x = values(2 * 5 * 7 * 6, 1, 3, 10);
    const mean = values(6, 2, 1, 10);
    const variance = values(6, 3, 0.5, 1);
    const scale = values(6, 4, 1, 0.5);
    const offset = values(6, 5);
    const cases = () => {
      const xt = tf.tensor4d(x, shape);
      const m = tf.tensor1d(mean);
      const v = tf.tensor1d(variance);
      return [
        tf.batchNorm(xt, m, v, tf.tensor1d(offset), tf.tensor1d(scale), 1e-3),
        tf.batchNorm(xt, m, v, undefined, undefined, 1e-5),
        tf.batchNorm(
          xt,
          m.reshape([1, 1, 1, 6]),
          v.reshape([1, 1, 1, 6]),
          tf.tensor4d(offset, [1, 1, 1, 6]),
          undefined,
          0.1,
        ),
      ];
    };
    const native = await on('tensorflow', cases);
    const js = await on('cpu', cases);
    native.forEach((n, i) => expectClose(n, js[i]!, 1e-5));
  });

  it('step gives 1 above zero, alpha elsewhere, NaN for NaN, as the JS backend', async () => {
    const x = Float32Array.from([-2, -0, 0, 1e-30, 3, NaN, Infinity, -Infinity]);
    const cases = () => [tf.step(tf.tensor1d(x)), tf.step(tf.tensor1d(x), 0.2)];
    const [plain, leaky] = await on('tensorflow', cases);
    expect(Array.from(plain!)).toEqual([0, 0, 0, 1, 1, NaN, 1, 0]);
    expect(Array.from(leaky!).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([
      0.2,
      0.2,
      0.2,
      1,
      1,
      NaN,
      1,
      0.2,
    ]);
    const js = await on('cpu', cases);
    expect(Array.from(plain!)).toEqual(Array.from(js[0]!));
    expect(Array.from(leaky!)).toEqual(Array.from(js[1]!));
  });

  it.each(['replacement', 'native'] as const)(
    'the gradient of conv + batch norm (batch statistics) + ReLU equals the JS backend (%s kernels)',
    async (impl) => {
      for (const k of NATIVE_KERNEL_REPLACEMENTS) useNativeKernel(k.kernelName, impl);
      const xs = values(3 * 8 * 8 * 2, 6);
      const ks = values(3 * 3 * 2 * 4, 7, 0.5);
      const gs = values(4, 8, 0.3, 1);
      const bs = values(4, 9, 0.1);
      const ws = values(3 * 8 * 8 * 4, 10);
      const grads = () => {
        const x = tf.tensor4d(xs, [3, 8, 8, 2]);
        const w = tf.tensor4d(ws, [3, 8, 8, 4]);
        const f = (k: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
          const c = tf.conv2d(x, k as tf.Tensor4D, 1, 'same');
          const { mean, variance } = tf.moments(c, [0, 1, 2]);
          return tf.sum(tf.mul(tf.relu(tf.batchNorm(c, mean, variance, beta, gamma, 1e-3)), w));
        };
        const { value, grads: g } = tf.valueAndGrads((...args: tf.Tensor[]) =>
          f(args[0]!, args[1]!, args[2]!),
        )([tf.tensor4d(ks, [3, 3, 2, 4]), tf.tensor1d(gs), tf.tensor1d(bs)]);
        return [value, ...g];
      };
      const native = await on('tensorflow', grads);
      const js = await on('cpu', grads);
      native.forEach((n, i) => expectClose(n, js[i]!, 1e-4));
      await tf.setBackend('tensorflow');
    },
  );
});

describe('the kernel choice at backend selection', () => {
  const cacheDir = mkdtemp(path.join(os.tmpdir(), 'ridge-kernels-'));
  afterAll(async () => {
    delete process.env.RIDGE_CACHE_DIR;
    await rm(await cacheDir, { recursive: true, force: true });
  });

  it('times both implementations of each kernel and installs the faster one', () => {
    const shape = kernelTimingShape(64);
    expect(shape).toEqual([8, 32, 32, 32]);
    const choices = timeAndChooseKernels(shape, 3);
    expect(choices.map((c) => c.kernel)).toEqual([...KERNEL_CHOICE_NAMES]);
    expect(KERNEL_CHOICE_NAMES).toEqual(['FusedBatchNorm', 'Step', 'FusedBatchNormV3', 'ReluGrad']);
    for (const c of choices) {
      expect(c.nativeMs).toBeGreaterThan(0);
      expect(c.replacementMs).toBeGreaterThan(0);
      expect(c.used).toBe(c.replacementMs < c.nativeMs ? 'replacement' : 'native');
      expect(activeNativeKernels()[c.kernel]).toBe(c.used);
      expect(c.shape).toEqual(shape);
    }
  });

  it('caches the choice per machine and model shape, re-measuring when the key changes', async () => {
    process.env.RIDGE_CACHE_DIR = await cacheDir;
    const opts = { modelKey: 'k-64', shape: kernelTimingShape(64) };
    const first = await chooseNativeKernels('tfjs-node', opts);
    const file = path.join(await cacheDir, 'kernel-choice.json');
    const read = async () => JSON.parse(await readFile(file, 'utf8')) as Record<string, { kernels: unknown }>;
    expect(Object.values(await read())).toEqual([expect.objectContaining({ kernels: first })]);
    // A cached choice is installed as recorded: flip one in the file and it is what runs.
    const key = Object.keys(await read())[0]!;
    const flipped = first.map((c, i) =>
      i === 0 ? { ...c, used: c.used === 'native' ? 'replacement' : 'native' } : c,
    );
    await writeFile(file, JSON.stringify({ [key]: { kernels: flipped } }));
    expect(await chooseNativeKernels('tfjs-node', opts)).toEqual(flipped);
    expect(activeNativeKernels()[flipped[0]!.kernel]).toBe(flipped[0]!.used);
    // An entry made with fewer candidates (before batch norm and ReLU were choices) is measured again.
    await writeFile(file, JSON.stringify({ [key]: { kernels: first.slice(0, 2) } }));
    const again = await chooseNativeKernels('tfjs-node', opts);
    expect(again.map((c) => c.kernel)).toEqual([...KERNEL_CHOICE_NAMES]);
    expect((await read())[key]?.kernels).toEqual(again);
    await chooseNativeKernels('tfjs-node', { ...opts, modelKey: 'k-96' });
    expect(Object.keys(await read())).toHaveLength(2);
    expect(await chooseNativeKernels('cpu', opts)).toEqual([]);
  });
});
