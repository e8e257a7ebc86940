import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicEpochs } from '../../../src/main/trainer/engine';
import type { RawImage } from '../../../src/main/trainer/data/image';
import { mirrorBoxes, mosaicBoxes, mosaicLayout, renderMosaic } from '../../../src/main/trainer/data/mosaic';
import { BatchSource } from '../../../src/main/trainer/data/pipeline';
import { SeededRng } from '../../../src/main/trainer/data/prng';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import type { Manifest } from '../../../src/main/trainer/protocol';
import { sampleManifest } from '../../integration/trainer/fixtures';

/** A solid-colour image whose red channel says which of the four it is. */
function solid(width: number, height: number, red: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data[i * 3] = red;
  return { data, width, height };
}

describe('mosaic layout', () => {
  it('puts each image corner on the centre and tiles the canvas with the four quadrants', () => {
    const size = 64;
    const l = mosaicLayout(Array(4).fill({ width: 80, height: 60 }), size, new SeededRng(3));
    expect(l.cx).toBeGreaterThanOrEqual(16);
    expect(l.cx).toBeLessThanOrEqual(48);
    const [tl, tr, bl, br] = l.placements;
    expect(tl.offX + tl.nw).toBe(l.cx);
    expect(tl.offY + tl.nh).toBe(l.cy);
    expect([tr.offX, tr.offY + tr.nh]).toEqual([l.cx, l.cy]);
    expect([bl.offX + bl.nw, bl.offY]).toEqual([l.cx, l.cy]);
    expect([br.offX, br.offY]).toEqual([l.cx, l.cy]);
    const area = l.regions.reduce((a, [x0, y0, x1, y1]) => a + (x1 - x0) * (y1 - y0), 0);
    expect(area).toBe(size * size);
    expect(mosaicLayout(Array(4).fill({ width: 80, height: 60 }), size, new SeededRng(3))).toEqual(l);
  });

  it('renders each quadrant from its own image', async () => {
    const size = 32;
    const raws = [10, 20, 30, 40].map((r) => solid(64, 64, r));
    const l = mosaicLayout(raws, size, new SeededRng(1));
    const canvas = await renderMosaic(raws, l, size);
    const red = (x: number, y: number) => canvas[(y * size + x) * 3]!;
    expect(red(0, 0)).toBe(10);
    expect(red(size - 1, 0)).toBe(20);
    expect(red(0, size - 1)).toBe(30);
    expect(red(size - 1, size - 1)).toBe(40);
  });

  it('clips boxes to their quadrant, drops mostly hidden ones, and mirrors with the canvas', () => {
    const size = 100;
    const p = { srcW: 100, srcH: 100, nw: 100, nh: 100, flip: false };
    const layout = {
      cx: 50,
      cy: 50,
      placements: [
        { ...p, offX: -50, offY: -50 },
        { ...p, offX: 50, offY: -50 },
        { ...p, offX: -50, offY: 50 },
        { ...p, offX: 50, offY: 50 },
      ] as const,
      regions: [
        [0, 0, 50, 50],
        [50, 0, 100, 50],
        [0, 50, 50, 100],
        [50, 50, 100, 100],
      ] as [number, number, number, number][],
    };
    const box = (x: number, y: number, w: number, h: number) => ({ classIndex: 2, x, y, w, h });
    // Image 0 shows its bottom-right quarter: a box at 60..90 lands at 10..40; one at 0..20 is off-canvas.
    // Image 3 shows its top-left 50 px: a box at 20..60 lands at 70..110, keeps 70..100 (56% of its area);
    // one at 45..75 keeps 95..100 (3%) and is dropped.
    const out = mosaicBoxes(
      [[box(60, 60, 30, 30), box(0, 0, 20, 20)], [], [], [box(20, 20, 40, 40), box(45, 45, 30, 30)]],
      { ...layout, placements: [...layout.placements] as never },
      size,
    );
    expect(out).toEqual([box(10, 10, 30, 30), box(70, 70, 30, 30)]);
    expect(mirrorBoxes(out, size)).toEqual([box(60, 10, 30, 30), box(0, 70, 30, 30)]);
  });

  it('runs mosaic for all but the last 15% of epochs', () => {
    expect(mosaicEpochs(1)).toBe(1);
    expect(mosaicEpochs(3)).toBe(2);
    expect(mosaicEpochs(50)).toBe(43);
  });
});

describe('mosaic batches', () => {
  let dir: string;
  let manifest: Manifest;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-mosaic-'));
    manifest = await sampleManifest(dir, 8, 4);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are deterministic by seed and carry boxes from the other images', async () => {
    const S = 64;
    const imgs = manifest.images.slice(0, 4);
    const req = { seed: 2, epoch: 0, mosaic: { probability: 1, pool: manifest.images } };
    const a = await new BatchSource(manifest.classes.length, S, makeGrid(S)).makeBatch(imgs, req);
    const b = await new BatchSource(manifest.classes.length, S, makeGrid(S)).makeBatch(imgs, req);
    expect(b.x).toEqual(a.x);
    expect(b.boxes).toEqual(a.boxes);
    const plain = await new BatchSource(manifest.classes.length, S, makeGrid(S)).makeBatch(imgs, {
      seed: 2,
      epoch: 0,
    });
    expect(plain.x).not.toEqual(a.x);
    for (const boxes of a.boxes)
      for (const bx of boxes) {
        expect(bx.x).toBeGreaterThanOrEqual(0);
        expect(bx.x + bx.w).toBeLessThanOrEqual(S + 1e-9);
      }
    expect(a.boxes.flat().length).toBeGreaterThan(0);
  });
});
