// The pretrained MobileNetV2 backbone: weights really come from the nsfwjs tarball, the detector built on it
// trains, and its export loads with plain tf.loadLayersModel and predicts what the trained model predicts.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import { runTraining } from '../../../src/main/trainer/engine';
import { loadExportedModel } from '../../../src/main/trainer/export';
import { buildDetectorWithBackbone, TRUNK_PREFIX } from '../../../src/main/trainer/model/detector';
import {
  FROZEN_THROUGH,
  mobileNetV2Trunk,
  pretrainedUnavailableReason,
} from '../../../src/main/trainer/model/pretrained';
import type { Manifest, TrainerEvent } from '../../../src/main/trainer/protocol';
import { sampleManifest, testConfig } from './fixtures';

let root: string;
let manifest: Manifest;
beforeAll(async () => {
  await loadBackend('tfjs-node');
  root = await mkdtemp(path.join(os.tmpdir(), 'ridge-pretrained-'));
  manifest = await sampleManifest(path.join(root, 'images'), 20, 5);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The package's own first conv kernel, decoded independently of pretrained.ts. */
function packagedConv1(): Float32Array {
  const req = createRequire(__filename);
  const dir = path.resolve(
    path.dirname(req.resolve('nsfwjs/models/mobilenet_v2')),
    '../../models/mobilenet_v2',
  );
  const json = req(path.join(dir, 'model.min.js')) as {
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const g = json.weightsManifest[0]!;
  const buf = Buffer.concat(
    g.paths.map((p) => Buffer.from(req(path.join(dir, `${p}.min.js`)) as string, 'base64')),
  );
  const map = tf.io.decodeWeights(
    buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    g.weights,
  );
  return map['Conv1/kernel']!.dataSync() as Float32Array;
}

describe('pretrained MobileNetV2 backbone', () => {
  it('is available here (nsfwjs is a dependency)', () => {
    expect(pretrainedUnavailableReason()).toBeNull();
  });

  it('loads the packaged weights into a trainable trunk with stride 8/16/32 taps, frozen through the stride-8 stage', async () => {
    const trunk = await mobileNetV2Trunk(96, 'x_');
    expect(trunk.outputs.map((o) => o.shape.slice(1))).toEqual([
      [12, 12, 32],
      [6, 6, 96],
      [3, 3, 320],
    ]);
    const frozen = trunk.layers.filter((l) => !l.trainable).map((l) => l.name);
    expect(frozen[0]).toBe('x_input_1');
    expect(frozen.at(-1)).toBe(`x_${FROZEN_THROUGH}`);
    expect(trunk.getLayer('x_block_6_expand').trainable).toBe(true);
    const conv1 = trunk.getLayer('x_Conv1').getWeights()[0]!.dataSync();
    expect(Array.from(conv1)).toEqual(Array.from(packagedConv1()));
    await expect(mobileNetV2Trunk(100)).rejects.toThrow(/multiple of 32/);
    trunk.dispose();
  });

  it('keeps the pretrained weights when the detector initialises its own layers', async () => {
    const cfg = { numClasses: 3, imgSize: 64, widthMultiplier: 0.25, dropoutRate: 0, seed: 1 };
    const model = await buildDetectorWithBackbone({ ...cfg, backbone: 'mobilenetv2' });
    const conv1 = model.getLayer(`${TRUNK_PREFIX}Conv1`).getWeights()[0]!.dataSync();
    expect(Array.from(conv1)).toEqual(Array.from(packagedConv1()));
    model.dispose();
  });

  it('trains, records the backbone, and exports a model that loads with its pretrained layers and predicts', async () => {
    const events: TrainerEvent[] = [];
    const outDir = path.join(root, 'run');
    await runTraining({
      manifest,
      config: testConfig({ epochs: 1, imgSize: 64, backbone: 'mobilenetv2' }),
      outDir,
      resume: false,
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });
    expect(events.at(-1)!.type).toBe('done');
    const { model, meta } = await loadExportedModel(path.join(outDir, 'model'));
    expect(meta.config.backbone).toBe('mobilenetv2');
    expect(model.layers.some((l) => l.name === `${TRUNK_PREFIX}block_5_add`)).toBe(true);
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 3);
    const outs = model.predict(x) as tf.Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([
      [1, 8, 8, manifest.classes.length + 4],
      [1, 4, 4, manifest.classes.length + 4],
    ]);
    expect(outs.every((o) => o.dataSync().every(Number.isFinite))).toBe(true);
    tf.dispose([x, ...outs]);
    model.dispose();
  });
});
