import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { robustnessOfModel, saliencyOfModel } from '../../../src/main/trainer/analysis';
import { runTraining } from '../../../src/main/trainer/engine';
import type { Manifest, TrainerEvent } from '../../../src/main/trainer/protocol';
import { CORRUPTIONS, SEVERITIES } from '../../../src/main/trainer/robustness/corruptions';
import { evaluateSaliency } from '../../../src/main/trainer/robustness/saliency';
import { BatchSource } from '../../../src/main/trainer/data/pipeline';
import { openExportedModel } from '../../../src/main/trainer/engine';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import { sampleManifest, testConfig } from './fixtures';

let root: string;
let manifest: Manifest;
let done: Extract<TrainerEvent, { type: 'done' }>;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ridge-robust-'));
  manifest = await sampleManifest(path.join(root, 'images'), 24, 11);
  const events: TrainerEvent[] = [];
  const t0 = performance.now();
  await runTraining({
    manifest,
    config: testConfig({ epochs: 2, robustness: true }),
    outDir: path.join(root, 'run'),
    resume: false,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  console.log(`tiny run with robustness and saliency: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  done = events.at(-1) as typeof done;
  expect(done.type).toBe('done');
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('robustness and saliency after training', () => {
  it('scores every corruption at severities 1, 3, 5; mPC is their mean, rPC over the clean test mAP50-95', () => {
    const r = done.robustness!;
    console.log(
      `robustness: ${r.seconds.toFixed(1)} s on ${r.images} test images; saliency ${done.saliency!.seconds.toFixed(1)} s`,
    );
    expect(r.scores.map((s) => `${s.corruption}@${s.severity}`)).toEqual(
      CORRUPTIONS.flatMap((c) => SEVERITIES.map((s) => `${c}@${s}`)),
    );
    for (const s of r.scores) expect(s.mAP50_95).toBeGreaterThanOrEqual(0);
    expect(r.clean).toBe(done.testMetrics.AP);
    expect(r.mPC).toBeCloseTo(r.scores.reduce((a, s) => a + s.mAP50_95, 0) / 15, 12);
    if (r.clean > 0) expect(r.rPC).toBeCloseTo(r.mPC / r.clean, 12);
    expect(r.images).toBe(manifest.images.filter((i) => i.split === 'test').length);
  });

  it('stores saliencyInBox over the test images with boxes', () => {
    const s = done.saliency!;
    expect(s.images).toBeGreaterThan(0);
    expect(s.saliencyInBox).toBeGreaterThan(0);
  });

  it('saliencyInBox does not depend on how many images share a gradient pass (passes are kept small for memory)', async () => {
    const { model, meta } = await openExportedModel(path.join(root, 'run', 'model'));
    try {
      const source = new BatchSource(meta.classes.length, meta.imgSize, makeGrid(meta.imgSize));
      const test = manifest.images.filter((i) => i.split === 'test');
      const one = await evaluateSaliency(model, source, test, { batchSize: 1 });
      const pairs = await evaluateSaliency(model, source, test, { batchSize: 8 });
      expect(one.images).toBeGreaterThan(1);
      expect(pairs.images).toBe(one.images);
      expect(pairs.saliencyInBox!).toBeCloseTo(one.saliencyInBox!, 4);
    } finally {
      model.dispose();
    }
  });

  it('on demand: the exported model gives the same clean figure and, the noise seeded, the same scores', async () => {
    const again = await robustnessOfModel(done.modelDir, manifest, 7);
    expect(again.clean).toBeCloseTo(done.robustness!.clean, 6);
    again.scores.forEach((s, i) => expect(s.mAP50_95).toBeCloseTo(done.robustness!.scores[i]!.mAP50_95, 6));
  }, 120_000);

  it('maps one detection: grey levels over the image region, peak 255, and a clear error past the last one', async () => {
    const image = manifest.images.find((i) => i.split === 'test' && i.boxes.length > 0)!;
    const m = await saliencyOfModel(done.modelDir, image, 0);
    expect(m.values).toHaveLength(m.width * m.height);
    expect(Math.max(...m.values)).toBe(255);
    expect(m.width).toBe(96); // 128 x 96 images letterboxed to 96: 96 x 72
    expect(m.height).toBe(72);
    await expect(saliencyOfModel(done.modelDir, image, m.detections)).rejects.toThrow(
      `detection ${m.detections} does not exist`,
    );
  }, 60_000);
});
