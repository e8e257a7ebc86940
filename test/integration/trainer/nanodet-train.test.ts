// The nanodet backbone: the detector starts from the COCO-pretrained NanoDet's weights (all but the class
// prediction), trains with every regularization mode including dropout, and exports a model whose three
// levels decode as NanoDet's distances (bins 0..10 strides, linear).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import { runTraining } from '../../../src/main/trainer/engine';
import { loadExportedModel } from '../../../src/main/trainer/export';
import { buildDetectorWithBackbone, headLayout } from '../../../src/main/trainer/model/detector';
import { NANODET_BINS, readNanoDetWeights } from '../../../src/main/trainer/model/nanodet';
import { nanoDetModelDir, nanoDetUnavailableReason } from '../../../src/main/trainer/model/nanodet-package';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import type { Manifest, TrainerEvent } from '../../../src/main/trainer/protocol';
import { sampleManifest, testConfig } from './fixtures';

let root: string;
let manifest: Manifest;
beforeAll(async () => {
  await loadBackend('tfjs-node');
  root = await mkdtemp(path.join(os.tmpdir(), 'ridge-nanodet-'));
  manifest = await sampleManifest(path.join(root, 'images'), 20, 5);
});
afterAll(() => rm(root, { recursive: true, force: true }));

const cfg = {
  numClasses: 3,
  imgSize: 96,
  widthMultiplier: 1,
  dropoutRate: 0,
  seed: 1,
  backbone: 'nanodet' as const,
};

describe('the nanodet backbone', () => {
  it('is installed by set-up (scripts/provision-nanodet.sh)', () => {
    expect(nanoDetUnavailableReason()).toBeNull();
  });

  it('starts from the graph weights, frozen through the stride-4 stage, with a new class prediction', async () => {
    const graph = await readNanoDetWeights(nanoDetModelDir());
    const model = await buildDetectorWithBackbone(cfg);
    const same = (layer: string, i: number) =>
      expect(Array.from(model.getLayer(layer).getWeights()[0]!.dataSync())).toEqual(
        Array.from(graph[i]!.kernel.dataSync()),
      );
    same('nd_conv0', 0);
    same('nd_conv24', 24);
    same('nd_conv28', 28);
    expect(model.getLayer('nd_conv4').trainable).toBe(false);
    expect(model.getLayer('nd_conv5').trainable).toBe(true);
    expect(model.getLayer('l8_cls_pred').getWeights()[0]!.shape).toEqual([1, 1, 128, 3]);
    expect(model.getLayer('nd_l8_reg_pred').getWeights()[0]!.shape).toEqual([1, 1, 128, 4 * NANODET_BINS]);
    expect(model.outputs.map((o) => o.shape.slice(1))).toEqual([
      [12, 12, 7],
      [6, 6, 7],
      [3, 3, 7],
    ]);
    expect(makeGrid(96, 'nanodet').levels.map((l) => l.stride)).toEqual([...headLayout('nanodet').strides]);
    model.dispose();
  });

  it('says how to install the weights when they are missing', async () => {
    const before = process.env.RIDGE_NANODET_DIR;
    process.env.RIDGE_NANODET_DIR = path.join(root, 'nowhere');
    try {
      await expect(buildDetectorWithBackbone(cfg)).rejects.toThrow(
        /COCO-pretrained NanoDet weights are not installed \(nanodet\.json and nanodet\.bin missing in .*nowhere\): run bash scripts\/provision-nanodet\.sh/,
      );
    } finally {
      if (before === undefined) delete process.env.RIDGE_NANODET_DIR;
      else process.env.RIDGE_NANODET_DIR = before;
    }
  });

  it('trains with dropout, and exports a model whose distances are bin expectations', async () => {
    const events: TrainerEvent[] = [];
    const outDir = path.join(root, 'run');
    await runTraining({
      manifest,
      config: testConfig({ epochs: 1, imgSize: 96, backbone: 'nanodet', reg: 'dropout', lambda: 0.2 }),
      outDir,
      resume: false,
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });
    expect(events.at(-1)!.type).toBe('done');
    const { model, meta } = await loadExportedModel(path.join(outDir, 'model'));
    expect(meta.strides).toEqual([8, 16, 32]);
    expect(model.layers.some((l) => l.getClassName() === 'RidgeSpatialDropout2D')).toBe(false);
    const x = tf.randomUniform([1, 96, 96, 3], 0, 1, 'float32', 3);
    const outs = model.predict(x) as tf.Tensor[];
    const C = manifest.classes.length;
    for (const o of outs) {
      const d = Array.from(o.slice([0, 0, 0, C], [-1, -1, -1, 4]).dataSync());
      expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...d)).toBeLessThanOrEqual(NANODET_BINS - 1 + 1e-4);
    }
    tf.dispose([x, ...outs]);
    model.dispose();
  });
});
