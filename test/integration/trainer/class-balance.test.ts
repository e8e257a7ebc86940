// Class imbalance (issue 12): on a generated project whose boxes are 85% / 8% / 7% of three classes
// (`ridge sample --imbalance 85,8,7`), the class-balanced loss weights are what lets the two minority classes be
// detected at all. Measured with this setting (240 images at 128x128, pretrained trunk at 96 px, 10 epochs,
// val+test): balanced AP50 circle 0.615, square 0.174, triangle 0.042; unbalanced 0.782, 0.015, 0.000 (the BCCD
// collapse); 556 s on a 2-core machine at load 10-14. With 8 epochs: 0.562 / 0.125 / 0.002 against 0.736 / 0.000
// / 0.000 (too thin a margin). The earlier 128 px version (0.752 / 0.324 / 0.061 against 0.855 / 0.000 / 0.000)
// had not finished its first training after 23 min beside a training. The "every class AP50 >= 0.5" is
// not asserted: it needs a far longer training than a test can afford (300 images, 128 px, 24 epochs: 0.889,
// 0.502, 0.237, 23 minutes on a loaded 2-core machine). Tried smaller (2026-12-02): 200 images at 64x64, 64 px
// input, up to 4 objects of 0.3-0.6 of the side, 10 epochs: balanced 0.375 / 0.004 / 0.002, the minority classes
// not learned at all (the balanced training alone: 2.5 min of CPU, 32 min wall at nice 10, load 12-26), so the
// cut cannot come from the input size; fewer images or epochs at 96 px are not measured yet.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../../src/main/trainer/engine';
import type { Manifest } from '../../../src/main/trainer/protocol';
import { evaluateRunModel } from '../../helpers/per-class';
import { sampleManifest, testConfig } from './fixtures';

const SHARES = [85, 8, 7];
/** Input side and epochs: 0.56 of the compute of 128 px x 10 epochs, and the unbalanced run still collapses. */
const IMG = 96;
const EPOCHS = 10;
let root: string;
let manifest: Manifest;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ridge-balance-'));
  manifest = await sampleManifest(path.join(root, 'images'), 240, 3, 128, 128, SHARES);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Trains with the given balancing exponent (undefined: the default); per-class AP50 over val and test. */
async function perClassAp50(classBalancePower: number | undefined, name: string): Promise<number[]> {
  const outDir = path.join(root, name);
  await runTraining({
    manifest,
    config: testConfig({
      epochs: EPOCHS,
      imgSize: IMG,
      seed: 1,
      learningRate: 4e-3,
      backbone: 'mobilenetv2',
    }),
    outDir,
    resume: false,
    signal: new AbortController().signal,
    emit: () => undefined,
    ...(classBalancePower === undefined ? {} : { classBalancePower }),
  });
  const held = manifest.images.filter((i) => i.split !== 'train');
  return (await evaluateRunModel(outDir, manifest.classes, held)).perClass.map((c) => c.AP50);
}

describe('class imbalance 85/8/7', () => {
  it('detects the minority classes with class balancing on, and scores them higher than with it off', async () => {
    const on = await perClassAp50(undefined, 'balanced');
    const off = await perClassAp50(0, 'unbalanced');
    expect(on[0]).toBeGreaterThanOrEqual(0.5);
    expect(on[1]).toBeGreaterThan(off[1]!);
    expect(on[2]).toBeGreaterThan(off[2]!);
  }, 1_800_000);
});
