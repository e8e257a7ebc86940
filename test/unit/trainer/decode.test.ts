import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  DEFAULT_DECODE,
  nmsPerClass,
  type Detection,
} from '../../../src/main/trainer/model/decode';
import { assignTargets, makeGrid } from '../../../src/main/trainer/model/targets';

describe('decoding and NMS on hand-made maps', () => {
  const S = 64;
  const grid = makeGrid(S); // 8x8 at stride 8 + 4x4 at stride 16 = 80 locations
  const C = 2;
  const logit = (p: number) => Math.log(p / (1 - p));

  function emptyMap(): Float32Array {
    const flat = new Float32Array(grid.size * (C + 4));
    for (let k = 0; k < grid.size; k++) for (let c = 0; c < C; c++) flat[k * (C + 4) + c] = -10;
    return flat;
  }
  /** Puts a peak at stride-8 cell (i, j) for class c with distances l, t, r, b (pixels). */
  function peak(
    flat: Float32Array,
    i: number,
    j: number,
    c: number,
    p: number,
    d: [number, number, number, number],
  ) {
    const k = i * 8 + j;
    flat[k * (C + 4) + c] = logit(p);
    d.forEach((v, n) => (flat[k * (C + 4) + C + n] = Math.log(v / 8)));
  }

  it('makes the grid of both levels', () => {
    expect(grid.size).toBe(80);
    expect(grid.px[0]).toBe(4);
    expect(grid.stride[64]).toBe(16);
    expect(grid.px[64]).toBe(8);
  });

  it('decodes a peak into its box and class, and keeps distinct objects', () => {
    const flat = emptyMap();
    peak(flat, 2, 3, 1, 0.9, [10, 6, 4, 8]); // centre (28, 20)
    peak(flat, 6, 6, 0, 0.7, [5, 5, 5, 5]); // centre (52, 52)
    const dets = decodeImage(flat, grid, C);
    expect(dets).toHaveLength(2);
    expect(dets[0]!.classIndex).toBe(1);
    expect(dets[0]!.score).toBeCloseTo(0.9, 5);
    expect(
      [dets[0]!.x1, dets[0]!.y1, dets[0]!.x2, dets[0]!.y2].map((v) => Math.round(v * 1000) / 1000),
    ).toEqual([18, 14, 32, 28]);
    expect(dets[1]!.classIndex).toBe(0);
  });

  it('suppresses overlapping boxes of one class but not of different classes', () => {
    const flat = emptyMap();
    peak(flat, 3, 3, 0, 0.9, [12, 12, 12, 12]);
    peak(flat, 3, 4, 0, 0.8, [20, 12, 4, 12]); // same box, neighbour cell
    peak(flat, 4, 3, 1, 0.6, [12, 20, 12, 4]); // same box, other class
    const dets = decodeImage(flat, grid, C);
    expect(dets.map((d) => [d.classIndex, Math.round(d.score * 10) / 10])).toEqual([
      [0, 0.9],
      [1, 0.6],
    ]);
  });

  it('greedy NMS keeps the highest and caps the count', () => {
    const d = (score: number, x: number): Detection => ({
      classIndex: 0,
      score,
      x1: x,
      y1: 0,
      x2: x + 10,
      y2: 10,
    });
    expect(nmsPerClass([d(0.5, 0), d(0.9, 1), d(0.7, 30)], 0.5, 100).map((x) => x.score)).toEqual([0.9, 0.7]);
    expect(nmsPerClass([d(0.5, 0), d(0.9, 100), d(0.7, 30)], 0.5, 2)).toHaveLength(2);
  });

  it('gives each class its own candidate and detection budget before the cap per image', () => {
    // 64 confident small boxes of class 0 (one per stride-8 cell, none overlapping) and one weak class-1 box.
    const flat = emptyMap();
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) peak(flat, i, j, 0, 0.9, [3, 3, 3, 3]);
    peak(flat, 5, 5, 1, 0.3, [20, 20, 20, 20]);
    const s = { ...DEFAULT_DECODE, preNmsTopK: 10, maxPerClass: 20, maxDetections: 300 };
    const dets = decodeImage(flat, grid, C, s);
    expect(dets.filter((d) => d.classIndex === 0)).toHaveLength(10); // pre-NMS top-k of class 0 alone
    expect(dets.filter((d) => d.classIndex === 1)).toHaveLength(1); // not crowded out by class 0's 64
    const capped = decodeImage(flat, grid, C, { ...s, preNmsTopK: 1000 });
    expect(capped.filter((d) => d.classIndex === 0)).toHaveLength(20); // per-class cap
    expect(capped.at(-1)!.classIndex).toBe(1);
    expect(decodeImage(flat, grid, C, { ...s, preNmsTopK: 1000, maxDetections: 5 })).toHaveLength(5);
  });

  it('assigns targets near the centre, on the level of the object size', () => {
    const t = assignTargets(grid, [{ classIndex: 1, x: 20, y: 20, w: 16, h: 16 }], C, 320);
    const pos = Array.from(t.pos.keys()).filter((k) => t.pos[k] === 1);
    expect(pos.length).toBeGreaterThan(0);
    for (const k of pos) {
      expect(grid.stride[k]).toBe(8);
      expect(t.cls[k * C + 1]).toBe(1);
      expect(Array.from(t.box.subarray(k * 4, k * 4 + 4))).toEqual([20, 20, 36, 36]);
    }
  });

  it('decodes the nanodet head: three levels, distances in strides (linear, not exp)', () => {
    const g = makeGrid(64, 'nanodet'); // 8x8 at 8, 4x4 at 16, 2x2 at 32
    expect(g.levels.map((l) => [l.stride, l.side])).toEqual([
      [8, 8],
      [16, 4],
      [32, 2],
    ]);
    expect(g.distance).toBe('linear');
    const flat = new Float32Array(g.size * (C + 4)).fill(-10);
    const k = 80 + 1; // stride 32, row 0, column 1: centre (48, 16)
    flat[k * (C + 4) + 1] = logit(0.8);
    [0.5, 0.25, 1, 0.125].forEach((v, n) => (flat[k * (C + 4) + C + n] = v));
    const dets = decodeImage(flat, g, C);
    expect(dets).toHaveLength(1);
    expect([dets[0]!.x1, dets[0]!.y1, dets[0]!.x2, dets[0]!.y2]).toEqual([32, 8, 80, 20]);
  });

  it('assigns large objects to the stride-32 level when the head has one', () => {
    const g = makeGrid(320, 'nanodet');
    const t = assignTargets(g, [{ classIndex: 0, x: 40, y: 40, w: 240, h: 240 }], C, 320);
    const strides = new Set(
      Array.from(t.pos.keys())
        .filter((k) => t.pos[k] === 1)
        .map((k) => g.stride[k]),
    );
    expect([...strides]).toEqual([32]);
    const mid = assignTargets(g, [{ classIndex: 0, x: 100, y: 100, w: 120, h: 120 }], C, 320);
    const midStrides = new Set(
      Array.from(mid.pos.keys())
        .filter((k) => mid.pos[k] === 1)
        .map((k) => g.stride[k]),
    );
    expect([...midStrides]).toEqual([16]);
  });
});
