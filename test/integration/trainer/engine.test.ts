import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictImages, runTraining } from '../../../src/main/trainer/engine';
import type { EpochMetrics, RunConfig } from '../../../src/shared/domain/runs';
import type { Manifest, TrainerEvent } from '../../../src/main/trainer/protocol';
import { evaluateRunModel } from '../../helpers/per-class';
import { sampleManifest, testConfig } from './fixtures';

let root: string;
let manifest: Manifest;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ridge-engine-'));
  manifest = await sampleManifest(path.join(root, 'images'), 24, 11);
});
afterAll(() => rm(root, { recursive: true, force: true }));

let runs = 0;
async function train(
  config: RunConfig,
  opts: { resume?: boolean; outDir?: string; onEvent?: (e: TrainerEvent, ac: AbortController) => void } = {},
) {
  const events: TrainerEvent[] = [];
  const ac = new AbortController();
  const outDir = opts.outDir ?? path.join(root, `run${runs++}`);
  await runTraining({
    manifest,
    config,
    outDir,
    resume: opts.resume ?? false,
    signal: ac.signal,
    emit: (e) => {
      events.push(e);
      opts.onEvent?.(e, ac);
    },
  });
  const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.metrics] : []));
  return { events, epochs, outDir };
}

describe('runTraining', () => {
  it('emits backend, progress, epoch, checkpoint, done; keeps the tensor count flat; exports a loadable model', async () => {
    const counts: number[] = [];
    const { events, epochs, outDir } = await train(testConfig({ epochs: 3 }), {
      onEvent: (e) => e.type === 'epoch' && counts.push(tf.memory().numTensors),
    });
    expect(events[0]!.type).toBe('backend');
    // Training batches came from the trainer thread (the default, see defaultPipelineThread), and the run's
    // record says so.
    const started = events[0] as Extract<TrainerEvent, { type: 'backend' }>;
    expect(started.reasons.find((r) => r.backend === started.backend)?.dataPipeline).toBe(
      'batches prepared in the trainer thread (RIDGE_BATCH_WORKER=1: in a worker thread)',
    );
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.at(-1)!.type).toBe('done');
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    const done = events.at(-1) as Extract<TrainerEvent, { type: 'done' }>;
    expect(Object.keys(done.testMetrics)).toEqual(expect.arrayContaining(['AP', 'AP50', 'AP75', 'AR100']));
    expect(done.modelDir).toBe(path.join(outDir, 'model'));
    for (const m of epochs) {
      expect(m.trainDataLoss).toBeGreaterThan(0);
      expect(m.valDataLoss).toBeGreaterThan(0);
      expect(m.learningRate).toBeGreaterThan(0);
      expect(m.mAP50).toBeGreaterThanOrEqual(0);
    }
    const meta = JSON.parse(await readFile(path.join(done.modelDir, 'ridge-model.json'), 'utf8')) as {
      classes: string[];
      imgSize: number;
      decode: { flipTta: boolean };
    };
    expect(meta).toMatchObject({ classes: manifest.classes, imgSize: 96, decode: { flipTta: true } });
    const testImgs = manifest.images.filter((i) => i.split === 'test');
    const preds = await predictImages(done.modelDir, testImgs, { scoreThreshold: 0.01 });
    for (const p of preds) {
      expect(testImgs.map((i) => i.id)).toContain(p.imageId);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x + p.w).toBeLessThanOrEqual(128 + 1e-6);
      expect(p.score).toBeGreaterThanOrEqual(0.01);
    }
  });

  it('scores each epoch on val with one pass per image: the best checkpoint, decoded so, gives its figures', async () => {
    const { events, epochs, outDir } = await train(
      testConfig({ epochs: 6, learningRate: 5e-3, imgSize: 128 }),
    );
    const done = events.at(-1) as Extract<TrainerEvent, { type: 'done' }>;
    const best = epochs[done.bestEpoch - 1]!;
    const val = manifest.images.filter((i) => i.split === 'val');
    const plain = (await evaluateRunModel(outDir, manifest.classes, val, { flipTta: false })).stats;
    // (A run long enough to find some boxes, so the figures compared are not both zero.)
    expect(plain.AP50).toBeGreaterThan(0);
    expect(best.mAP50).toBeCloseTo(plain.AP50, 6);
    expect(best.mAP50_95).toBeCloseTo(plain.AP, 6);
  });

  it('stops within one batch of a cancel and emits cancelled', async () => {
    const { events } = await train(testConfig({ epochs: 3, batchSize: 4 }), {
      onEvent: (e, ac) => e.type === 'progress' && ac.abort(),
    });
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'cancelled', epoch: 1 });
    expect(events.some((e) => e.type === 'epoch')).toBe(false);
  });

  it('resumes from the last checkpoint on the same trajectory', async () => {
    const config = testConfig({ epochs: 3, reg: 'dropout', lambda: 0.2 });
    const full = await train(config);
    const outDir = path.join(root, 'resumed');
    const first = await train(config, { outDir, onEvent: (e, ac) => e.type === 'checkpoint' && ac.abort() });
    expect(first.events.at(-1)).toEqual({ type: 'cancelled', epoch: 1 });
    const rest = await train(config, { outDir, resume: true });
    expect(rest.epochs.map((m) => m.epoch)).toEqual([2, 3]);
    const pick = (m: Omit<EpochMetrics, 'runId'>) => [m.trainDataLoss, m.valDataLoss, m.weightNorm];
    for (const [i, m] of rest.epochs.entries()) {
      pick(m).forEach((v, k) => expect(v).toBeCloseTo(pick(full.epochs[i + 1]!)[k]!, 2));
    }
    expect(rest.events.at(-1)!.type).toBe('done');
  });

  it('regularizers act: l2 and wd shrink the weight norm vs none; l1 and dropout change the loss trajectory', async () => {
    const base = { epochs: 2, learningRate: 5e-3, imgSize: 96 };
    const none = await train(testConfig({ ...base, reg: 'none' }));
    const l2 = await train(testConfig({ ...base, reg: 'l2', lambda: 1e-2 }));
    const wd = await train(testConfig({ ...base, reg: 'wd', lambda: 5 }));
    const l1 = await train(testConfig({ ...base, reg: 'l1', lambda: 1e-3 }));
    const dropout = await train(testConfig({ ...base, reg: 'dropout', lambda: 0.3 }));
    const last = (r: typeof none) => r.epochs.at(-1)!;
    expect(last(l2).weightNorm).toBeLessThan(last(none).weightNorm);
    expect(last(wd).weightNorm).toBeLessThan(last(none).weightNorm);
    expect(last(l2).regLoss).toBeGreaterThan(0);
    expect(last(l1).regLoss).toBeGreaterThan(0);
    expect(last(none).regLoss).toBe(0);
    expect(last(wd).regLoss).toBe(0);
    const traj = (r: typeof none) => r.epochs.map((m) => m.trainDataLoss);
    expect(traj(l1)).not.toEqual(traj(none));
    expect(traj(dropout)).not.toEqual(traj(none));
    // Same seed, same config => same trajectory (determinism of the whole pipeline).
    const again = await train(testConfig({ ...base, reg: 'none' }));
    traj(again).forEach((v, i) => expect(v).toBeCloseTo(traj(none)[i]!, 3));
  });
});
