import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  augmentPlacement,
  letterboxPlacement,
  transformBoxes,
  untransformBox,
} from '../../../src/main/trainer/data/image';
import { BatchSource, chunk, epochOrder } from '../../../src/main/trainer/data/pipeline';
import { SeededRng } from '../../../src/main/trainer/data/prng';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import type { Manifest } from '../../../src/main/trainer/protocol';
import { sampleManifest } from '../../integration/trainer/fixtures';

describe('letterbox box transform', () => {
  it('round-trips boxes through letterbox and back', () => {
    const p = letterboxPlacement(320, 240, 96);
    expect(p).toMatchObject({ nw: 96, nh: 72, offX: 0, offY: 12 });
    const [b] = transformBoxes([{ classIndex: 0, x: 40, y: 30, w: 100, h: 80 }], p, 96);
    expect(b).toMatchObject({ x: 12, y: 21, w: 30, h: 24 });
    expect(
      untransformBox(b!.x, b!.y, b!.x + b!.w, b!.y + b!.h, p, 96).map((v) => Math.round(v * 1e6) / 1e6),
    ).toEqual([40, 30, 140, 110]);
  });

  it('round-trips through a flipped, shifted placement; clips and drops boxes pushed off the canvas', () => {
    const p = { srcW: 200, srcH: 100, nw: 100, nh: 50, offX: 10, offY: -5, flip: true };
    const [b] = transformBoxes([{ classIndex: 1, x: 20, y: 40, w: 40, h: 20 }], p, 64);
    // scaled x 10..30 -> +10 = 20..40 -> flipped 24..44; y 20..30 -> 15..25
    expect(b).toMatchObject({ x: 24, y: 15, w: 20, h: 10 });
    const back = untransformBox(b!.x, b!.y, b!.x + b!.w, b!.y + b!.h, p, 64);
    expect(back.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([20, 40, 60, 60]);
    expect(transformBoxes([{ classIndex: 0, x: 190, y: 0, w: 10, h: 10 }], p, 64)).toEqual([]); // mostly off-canvas
  });
});

describe('augmentation determinism', () => {
  let dir: string;
  let manifest: Manifest;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-aug-'));
    manifest = await sampleManifest(dir, 8, 3);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('draws the same placement from the same seed, a different one from another', () => {
    const a = augmentPlacement(320, 240, 128, new SeededRng(5));
    expect(augmentPlacement(320, 240, 128, new SeededRng(5))).toEqual(a);
    expect(augmentPlacement(320, 240, 128, new SeededRng(6))).not.toEqual(a);
  });

  it('builds identical batches for the same (seed, epoch) and different ones otherwise', async () => {
    const S = 64;
    const imgs = manifest.images.slice(0, 4);
    const src = new BatchSource(manifest.classes.length, S, makeGrid(S));
    const a = await src.makeBatch(imgs, { seed: 1, epoch: 0 });
    const b = await new BatchSource(manifest.classes.length, S, makeGrid(S)).makeBatch(imgs, {
      seed: 1,
      epoch: 0,
    });
    expect(b.x).toEqual(a.x);
    expect(b.boxes).toEqual(a.boxes);
    expect(b.cls).toEqual(a.cls);
    const c = await src.makeBatch(imgs, { seed: 1, epoch: 1 });
    expect(c.x).not.toEqual(a.x);
    const e = await src.makeBatch(imgs, null);
    expect(Math.max(...e.x)).toBeLessThanOrEqual(1);
    expect(e.placements[0]).toMatchObject({ flip: false, offX: 0 });
  });

  it('shuffles per epoch by seed and never leaves a one-image batch', () => {
    expect(epochOrder(manifest.images, 1, 2)).toEqual(epochOrder(manifest.images, 1, 2));
    expect(epochOrder(manifest.images, 1, 2)).not.toEqual(epochOrder(manifest.images, 1, 3));
    expect(chunk([1, 2, 3, 4, 5], 2).map((g) => g.length)).toEqual([2, 2]);
    expect(chunk([1, 2, 3, 4, 5], 2, false).map((g) => g.length)).toEqual([2, 2, 1]);
  });
});
