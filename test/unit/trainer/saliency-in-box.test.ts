import { describe, expect, it } from 'vitest';
import { imageRegion, saliencyInBox } from '../../../src/main/trainer/robustness/saliency';
import { analysisSubset, summarizeRobustness } from '../../../src/main/trainer/robustness/robustness';

const S = 64;
const uniform = new Float32Array(S * S).fill(0.3);
const whole = { x0: 0, y0: 0, x1: S, y1: S };

describe('saliencyInBox', () => {
  it('scores a uniform map 1.0 on a sparse image and on a dense one (overlapping boxes counted once)', () => {
    expect(saliencyInBox(uniform, S, whole, [{ x: 10, y: 12, w: 5, h: 4 }])).toBeCloseTo(1, 12);
    const dense = Array.from({ length: 30 }, (_, i) => ({ x: (i * 7) % 50, y: (i * 11) % 50, w: 20, h: 18 }));
    expect(saliencyInBox(uniform, S, whole, dense)).toBeCloseTo(1, 12);
    // Boxes over the whole image: the ratio is 1 whatever the map.
    const ramp = Float32Array.from({ length: S * S }, (_, i) => i % S);
    expect(saliencyInBox(ramp, S, whole, [{ x: 0, y: 0, w: S, h: S }])).toBeCloseTo(1, 12);
  });

  it('scores a map all inside the boxes 1 / (area share), and one all outside 0', () => {
    const box = { x: 8, y: 8, w: 16, h: 8 }; // 128 of 4096 pixels
    const inside = new Float32Array(S * S);
    for (let y = 8; y < 16; y++) for (let x = 8; x < 24; x++) inside[y * S + x] = 1 + x;
    expect(saliencyInBox(inside, S, whole, [box])).toBeCloseTo(4096 / 128, 9);
    const outside = new Float32Array(S * S).fill(1);
    for (let y = 8; y < 16; y++) for (let x = 8; x < 24; x++) outside[y * S + x] = 0;
    expect(saliencyInBox(outside, S, whole, [box])).toBe(0);
  });

  it('counts only the image region of a letterboxed canvas, not the padding', () => {
    const region = imageRegion({ srcW: 200, srcH: 100, nw: 64, nh: 32, offX: 0, offY: 16, flip: false }, S);
    expect(region).toEqual({ x0: 0, y0: 16, x1: 64, y1: 48 });
    // All saliency on the padding is ignored; a uniform map over the image still scores 1.
    const map = new Float32Array(S * S).fill(5);
    for (let y = 16; y < 48; y++) for (let x = 0; x < S; x++) map[y * S + x] = 1;
    expect(saliencyInBox(map, S, region, [{ x: 4, y: 20, w: 10, h: 10 }])).toBeCloseTo(1, 12);
  });

  it('is undefined (null) without box pixels or without saliency', () => {
    expect(saliencyInBox(uniform, S, whole, [])).toBeNull();
    expect(saliencyInBox(new Float32Array(S * S), S, whole, [{ x: 0, y: 0, w: 4, h: 4 }])).toBeNull();
  });
});

describe('summarizeRobustness', () => {
  it('mPC is the mean over corruptions and severities; rPC divides it by the clean figure', () => {
    const scores = [0.2, 0.1, 0.3].map((m, i) => ({ corruption: 'c', severity: i, mAP50_95: m }));
    const s = summarizeRobustness(scores, 0.4);
    expect(s.mPC).toBeCloseTo(0.2, 12);
    expect(s.rPC).toBeCloseTo(0.5, 12);
    expect(summarizeRobustness(scores, 0).rPC).toBeNull();
  });
});

describe('analysisSubset', () => {
  const test = Array.from({ length: 24 }, (_, i) => i);
  it('keeps every test image without a limit, or with one at or above the split size', () => {
    expect(analysisSubset(test)).toEqual(test);
    expect(analysisSubset(test, 24)).toEqual(test);
    expect(analysisSubset(test, 100)).toEqual(test);
  });

  it('takes the limit spread evenly over the split, distinct and in manifest order, the same every time', () => {
    expect(analysisSubset(test, 12)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
    expect(analysisSubset(test, 5)).toEqual([2, 7, 12, 16, 21]);
    const odd = analysisSubset(
      Array.from({ length: 30 }, (_, i) => i),
      16,
    );
    expect(new Set(odd).size).toBe(16);
    expect([...odd].sort((a, b) => a - b)).toEqual(odd);
    expect(analysisSubset(test, 1)).toEqual([12]);
  });
});
