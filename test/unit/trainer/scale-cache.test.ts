import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeRgb,
  letterboxPlacement,
  renderPlacement,
  transformBoxes,
} from '../../../src/main/trainer/data/image';
import { BatchSource } from '../../../src/main/trainer/data/pipeline';
import { cachedSide, decodeAtScale } from '../../../src/main/trainer/data/scale-cache';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import type { Manifest } from '../../../src/main/trainer/protocol';
import { sampleManifest } from '../../integration/trainer/fixtures';

describe('images decoded once at the input scale', () => {
  let dir: string;
  let manifest: Manifest;
  const S = 64; // 128x96 images: kept at 74x56, the largest a 1.15 scale jitter of a 64 px input asks for
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-scale-'));
    manifest = await sampleManifest(dir, 4, 5);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shrinks large images to the cached side, keeps small ones as decoded', async () => {
    const img = manifest.images[0]!;
    expect(cachedSide(S)).toBe(74);
    const small = await decodeAtScale(img.file, cachedSide(S));
    expect([small.width, small.height]).toEqual([74, 56]);
    const full = await decodeAtScale(img.file, 1000);
    expect([full.width, full.height]).toEqual([128, 96]);
  });

  it('gives the same eval boxes and nearly the same pixels as letterboxing the full-size image', async () => {
    const src = new BatchSource(manifest.classes.length, S, makeGrid(S));
    const b = await src.makeBatch(manifest.images, null);
    for (const [i, img] of manifest.images.entries()) {
      const raw = await decodeRgb(img.file);
      const p = letterboxPlacement(raw.width, raw.height, S);
      const want = transformBoxes(
        img.boxes.map((x) => ({ ...x })),
        p,
        S,
      );
      expect(b.boxes[i]!.length).toBe(want.length);
      b.boxes[i]!.forEach((got, k) => {
        for (const key of ['x', 'y', 'w', 'h'] as const)
          expect(Math.abs(got[key] - want[k]![key])).toBeLessThan(0.6);
      });
      const canvas = await renderPlacement(raw, p, S);
      let diff = 0;
      for (let j = 0; j < canvas.length; j++) diff += Math.abs(canvas[j]! / 255 - b.x[i * S * S * 3 + j]!);
      expect(diff / canvas.length).toBeLessThan(0.03);
    }
  });
});
