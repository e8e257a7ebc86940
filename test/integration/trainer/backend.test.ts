import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelSummary } from '../../../src/shared/domain/runs';
import { loadBackend, ModelFailedError, selectBackend } from '../../../src/main/trainer/backend';
import { estimateSlowTrainSpeed, measureTrainSpeed } from '../../../src/main/trainer/step';

const measure = () =>
  measureTrainSpeed({ numClasses: 2, imgSize: 64, widthMultiplier: 0.25, dropoutRate: 0, seed: 1 }, 2, 1);
const opts = { measure, modelKey: 'test-64', kernelShape: [2, 16, 16, 8], useCache: false };

describe('backend selection', () => {
  const cacheDir = mkdtemp(path.join(os.tmpdir(), 'ridge-backend-'));
  afterAll(async () => rm(await cacheDir, { recursive: true, force: true }));

  it('refuses tfjs-node-gpu with the real missing-addon reason (never a silent fallback)', async () => {
    await expect(selectBackend('tfjs-node-gpu', opts)).rejects.toThrow(
      /tfjs-node-gpu cannot run: .*tfjs_binding\.node/,
    );
  });

  it('refuses webgpu with the real reason: no adapter', async () => {
    await expect(selectBackend('webgpu', opts)).rejects.toThrow(/webgpu cannot run: no WebGPU adapter/);
  });

  it('runs explicit tfjs-node on the native tensorflow backend', async () => {
    const c = await selectBackend('tfjs-node', opts);
    expect(c.backend).toBe('tfjs-node');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(c.device).toMatch(/cores/);
  });

  it('auto loads all four, records every reason with a speed for those that ran, and caches the choice', async () => {
    process.env.RIDGE_CACHE_DIR = await cacheDir;
    const c = await selectBackend('auto', { ...opts, useCache: true });
    expect(c.reasons.map((r) => r.backend)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'cpu']);
    const by = Object.fromEntries(c.reasons.map((r) => [r.backend, r]));
    expect(by['tfjs-node-gpu']).toMatchObject({ ok: false });
    expect(by['tfjs-node-gpu']!.reason).toMatch(/tfjs_binding\.node/);
    expect(by.webgpu!.reason).toMatch(/no WebGPU adapter/);
    expect(by['tfjs-node']!.ok).toBe(true);
    expect(by.cpu!.ok).toBe(true);
    expect(by['tfjs-node']!.imagesPerSecond).toBeGreaterThan(0);
    expect(by.cpu!.imagesPerSecond).toBeGreaterThan(0);
    expect(c.backend).toBe('tfjs-node'); // native beats pure JS by far on this model
    expect(tf.getBackend()).toBe('tensorflow');
    const cached = JSON.parse(
      await readFile(path.join(await cacheDir, 'backend-choice.json'), 'utf8'),
    ) as object;
    expect(Object.keys(cached)).toHaveLength(1);
    const again = await selectBackend('auto', {
      ...opts,
      useCache: true,
      measure: () => Promise.reject(new Error('not re-measured')),
    });
    expect(again.backend).toBe('tfjs-node');
    expect(again.reasons.find((r) => r.backend === 'tfjs-node')!.reason).toMatch(/cached/);
    for (const r of again.reasons.filter((r) => r.backend !== 'tfjs-node'))
      expect(r.reason).toMatch(/\(as found at \d{4}-/);
    delete process.env.RIDGE_CACHE_DIR;
  });

  it('says how a speed was had when the measure estimates it (pure JS is timed small and scaled)', async () => {
    const c = await selectBackend('auto', {
      ...opts,
      measure: async (name) =>
        name === 'cpu' ? { imagesPerSecond: 0.25, how: 'one 64 px image, scaled' } : 40,
    });
    const cpu = c.reasons.find((r) => r.backend === 'cpu')!;
    expect(cpu.reason).toBe('measured 0.25 img/s (one 64 px image, scaled) (slower than tfjs-node)');
    expect(c.backend).toBe('tfjs-node');
  });

  it('tells a model that fails on every backend that loads apart from backends that cannot run', async () => {
    const err = selectBackend('auto', {
      ...opts,
      measure: () => Promise.reject(new Error('Error in oneHot: depth must be >=2, but it is 1')),
    });
    await expect(err).rejects.toBeInstanceOf(ModelFailedError);
    await expect(err).rejects.toThrow(
      /^the model failed while a training step was timed, on every backend that loads \(tfjs-node, cpu\): the fault is in the model or its settings, not the backends\. on tfjs-node and cpu: Error in oneHot: depth must be >=2, but it is 1$/,
    );
  });

  it('times one class (a batch whose class targets have depth 1) like any other model', async () => {
    const one = { numClasses: 1, imgSize: 64, widthMultiplier: 0.25, dropoutRate: 0, seed: 1 };
    await loadBackend('tfjs-node');
    expect(await measureTrainSpeed(one, 2, 1)).toBeGreaterThan(0);
  });

  it('records which kernel implementations native TensorFlow runs on the reason of the chosen backend', async () => {
    const c = await selectBackend('auto', opts);
    const chosen = c.reasons.find((r) => r.backend === c.backend)!;
    expect(chosen.kernels?.map((k) => k.kernel)).toEqual([
      'FusedBatchNorm',
      'Step',
      'FusedBatchNormV3',
      'ReluGrad',
    ]);
    for (const k of chosen.kernels!)
      expect(k.used).toBe(k.replacementMs < k.nativeMs ? 'replacement' : 'native');
    expect(c.reasons.filter((r) => r.kernels)).toHaveLength(1);
    const named = await selectBackend('tfjs-node', opts);
    expect(named.reasons[0]!.kernels).toHaveLength(4);
    expect(kernelSummary(named.reasons)).toMatch(
      /^FusedBatchNorm (native|replacement) [\d.]+ ms \((replacement|native) [\d.]+ ms\), Step .*, FusedBatchNormV3 (native|replacement) [\d.]+ ms \((replacement|native) [\d.]+ ms\), ReluGrad (native|replacement) [\d.]+ ms \((replacement|native) [\d.]+ ms\)$/,
    );
  });

  it('estimates a slow backend from one small image, scaled by pixels', async () => {
    const cfg = { numClasses: 2, imgSize: 128, widthMultiplier: 0.25, dropoutRate: 0, seed: 1 };
    const est = await estimateSlowTrainSpeed(cfg, 64);
    expect(est).toBeGreaterThan(0);
    expect(est).toBeLessThan(await measureTrainSpeed({ ...cfg, imgSize: 64 }, 1, 1));
  });
});
