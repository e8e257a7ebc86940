import { describe, expect, it } from 'vitest';
import { inputBoxOnImage, mapRectOnImage } from '../../../src/renderer/src/features/experiments/heatmap';
import {
  colorAt,
  heatmapPixels,
  INFERNO,
  legendGradient,
  normalise,
  quantile,
} from '../../../src/shared/heatmap';
import { robustnessGrid } from '../../../src/renderer/src/features/experiments/robustness-table';
import {
  analysisBlocker,
  defaultSaliencyPair,
  matchingDetection,
  saliencyError,
} from '../../../src/renderer/src/features/experiments/saliency-pair';
import type { RunRowView } from '../../../src/shared/api/runs-contract';
import type { Placement } from '../../../src/shared/domain/runs';

describe('saliency colour scale', () => {
  it('runs from the first stop to the last, clamps outside 0..1 and interpolates between stops', () => {
    expect(colorAt(0)).toEqual(INFERNO[0]);
    expect(colorAt(1)).toEqual(INFERNO[INFERNO.length - 1]);
    expect(colorAt(-3)).toEqual(INFERNO[0]);
    expect(colorAt(7)).toEqual(INFERNO[INFERNO.length - 1]);
    expect(colorAt(Number.NaN)).toEqual(INFERNO[0]);
    expect(colorAt(0.3)).toEqual(INFERNO[3]); // a stop exactly
    // Halfway between stops 1 and 2: the rounded mean of each channel.
    const mid = colorAt(0.15);
    const [a, b] = [INFERNO[1]!, INFERNO[2]!];
    expect(mid).toEqual([0, 1, 2].map((c) => Math.round((a[c]! + b[c]!) / 2)));
  });

  it('gets brighter along the scale (sum of channels rises), so more saliency never reads as less', () => {
    const lum = (t: number) => colorAt(t).reduce((s, c) => s + c, 0);
    for (let t = 0; t < 1; t += 0.05) expect(lum(t + 0.05)).toBeGreaterThanOrEqual(lum(t) - 1e-9);
  });

  it('the legend bar uses the same stops, first at 0% and last at 100%', () => {
    const g = legendGradient();
    expect(g).toMatch(/^linear-gradient\(to right, rgb\(0, 0, 4\) 0%,/);
    expect(g).toContain('rgb(252, 255, 164) 100%');
    expect(g.match(/rgb\(/g)).toHaveLength(INFERNO.length);
  });
});

describe('saliency normalisation', () => {
  it('quantile by nearest rank', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 1)).toBe(5);
    expect(quantile([5, 1, 3, 2, 4], 0)).toBe(1);
  });

  it('scales to the 99th percentile and saturates the few pixels above it', () => {
    // 200 values 0..199 plus two outliers: the 99th percentile (nearest rank of 202) is 199.
    const values = [...Array.from({ length: 200 }, (_, i) => i), 1000, 5000];
    const t = normalise(values);
    expect(t[0]).toBe(0);
    expect(t[199]).toBeCloseTo(1, 6);
    expect(t[100]).toBeCloseTo(100 / 199, 6);
    expect(t[200]).toBe(1);
    expect(t[201]).toBe(1);
  });

  it('a map whose mass sits in under 1% of pixels is scaled by its maximum; an all-zero map stays 0', () => {
    const sparse = new Array<number>(1000).fill(0);
    sparse[3] = 40;
    sparse[7] = 80;
    const t = normalise(sparse);
    expect(t[7]).toBe(1);
    expect(t[3]).toBeCloseTo(0.5, 6);
    expect(t[0]).toBe(0);
    expect([...normalise(new Array<number>(10).fill(0))].every((v) => v === 0)).toBe(true);
  });

  it('overlay pixels: the colour of the normalised value, alpha = opacity x value', () => {
    const values = [0, 255];
    const px = heatmapPixels(values, 0.5, 1);
    expect([...px.slice(0, 4)]).toEqual([...INFERNO[0]!, 0]);
    expect([...px.slice(4, 8)]).toEqual([...INFERNO[INFERNO.length - 1]!, 128]);
    expect(heatmapPixels(values, 2, 1)[7]).toBe(255); // opacity clamped to 1
    expect(heatmapPixels(values, 0, 1)[7]).toBe(0);
  });
});

describe('where the map and the detection lie on the image', () => {
  // A 200 x 100 image letterboxed to a 96 px input: 96 x 48 at offset (0, 24).
  const letterbox: Placement = { srcW: 200, srcH: 100, nw: 96, nh: 48, offX: 0, offY: 24, flip: false };

  it('a letterboxed map covers the whole image', () => {
    const r = mapRectOnImage(letterbox, 96, 48);
    expect(r.x).toBe(0);
    expect(r.y).toBe(0);
    expect(r.w).toBeCloseTo(200, 9);
    expect(r.h).toBeCloseTo(100, 9);
  });

  it('a cropped placement (negative offset) puts the map where the visible part is', () => {
    const crop: Placement = { srcW: 100, srcH: 100, nw: 120, nh: 120, offX: -12, offY: -12, flip: false };
    const r = mapRectOnImage(crop, 96, 96);
    expect(r.x).toBeCloseTo(10, 9);
    expect(r.w).toBeCloseTo(80, 9);
  });

  it('detection corners in input pixels map back to image pixels, mirrored when the placement flips', () => {
    const d = { x1: 48, y1: 24, x2: 96, y2: 48 };
    const b = inputBoxOnImage(d, letterbox);
    expect([b.x, b.y, b.w, b.h].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([100, 0, 100, 50]);
    const f = inputBoxOnImage({ x1: 0, y1: 24, x2: 24, y2: 48 }, { ...letterbox, flip: true });
    expect(f.x).toBeCloseTo(150, 9);
    expect(f.w).toBeCloseTo(50, 9);
  });
});

const row = (
  id: string,
  reg: RunRowView['reg'],
  lambda: number,
  seed: number,
  over: Partial<RunRowView> = {},
) => ({ id, reg, lambda, seed, status: 'done', ...over }) as RunRowView;

describe('the saliency comparison opens on two runs', () => {
  const rows = [
    row('l2a', 'l2', 1e-4, 0),
    row('nb', 'none', 0, 1),
    row('l2b', 'l2', 1e-4, 1),
    row('na', 'none', 0, 0),
  ];
  const models = rows.map((r) => r.id);

  it('takes the side-by-side pair when it names two runs', () => {
    expect(defaultSaliencyPair(rows, models, ['l2b', 'l2a'])).toEqual(['l2b', 'l2a']);
  });

  it('else the baseline run and another arm of the same seed', () => {
    expect(defaultSaliencyPair(rows, models, null)).toEqual(['nb', 'l2b']);
    expect(defaultSaliencyPair(rows, models, ['na', ''])).toEqual(['nb', 'l2b']);
  });

  it('skips runs without a model or not done; else any two, the side-by-side first run first', () => {
    expect(defaultSaliencyPair(rows, ['l2a', 'l2b', 'na'], null)).toEqual(['na', 'l2a']);
    const noBase = [row('x', 'l2', 1e-4, 0), row('y', 'l2', 1e-3, 5), row('z', 'l2', 1e-4, 2)];
    expect(defaultSaliencyPair(noBase, ['x', 'y', 'z'], ['z', ''])).toEqual(['z', 'y']);
    expect(defaultSaliencyPair([row('x', 'l2', 1e-4, 0, { status: 'running' })], ['x'], null)).toEqual([
      '',
      '',
    ]);
  });

  it('says in plain words why a run has no map: training, failed, model missing', () => {
    const needs = 'saliency maps need';
    expect(analysisBlocker(row('r', 'l2', 1, 0), ['r'], needs)).toBeNull();
    expect(analysisBlocker(row('r', 'l2', 1, 0, { status: 'running' }), [], needs)).toBe(
      'This run is still training: saliency maps need a finished run.',
    );
    expect(analysisBlocker(row('r', 'l2', 1, 0, { status: 'failed' }), [], needs)).toMatch(/failed/);
    expect(analysisBlocker(row('r', 'l2', 1, 0), [], needs)).toBe(
      "This run's model file is missing (runs/r/model).",
    );
    expect(analysisBlocker(undefined, [], needs)).toBe('Choose a run.');
  });

  it('reads "no detection" from the trainer as what it means', () => {
    expect(saliencyError('image 12 has 0 detection(s) at score >= 0.05; detection 0 does not exist')).toBe(
      'The model finds nothing on this image (no detection scoring 5% or more), so there is no detection to explain.',
    );
    expect(saliencyError('boom')).toBe('The saliency map could not be computed: boom');
  });
});

describe('the robustness table', () => {
  it('one row per corruption, severities in order, a missing cell null', () => {
    const g = robustnessGrid({
      clean: 0.5,
      mPC: 0.3,
      rPC: 0.6,
      images: 10,
      seconds: 3,
      scores: [
        { corruption: 'gaussian_noise', severity: 3, mAP50_95: 0.3 },
        { corruption: 'gaussian_noise', severity: 1, mAP50_95: 0.4 },
        { corruption: 'jpeg', severity: 1, mAP50_95: 0.45 },
      ],
    });
    expect(g.severities).toEqual([1, 3]);
    expect(g.rows).toEqual([
      { corruption: 'gaussian_noise', name: 'Gaussian noise', scores: [0.4, 0.3] },
      { corruption: 'jpeg', name: 'JPEG compression', scores: [0.45, null] },
    ]);
  });
});

describe("side 2's detection follows side 1's object", () => {
  // Run 1 at 64 px and run 2 at 128 px on one 128 x 128 image: run 2's input pixels are source pixels, run 1's
  // are halves of them.
  const p64: Placement = { srcW: 128, srcH: 128, nw: 64, nh: 64, offX: 0, offY: 0, flip: false };
  const p128: Placement = { ...p64, nw: 128, nh: 128 };
  const box = (classIndex: number, x1: number, y1: number, x2: number, y2: number) => ({
    classIndex,
    x1,
    y1,
    x2,
    y2,
  });
  const target = { det: box(1, 10, 10, 20, 20), placement: p64 }; // source 20..40

  it('picks the same-class detection on the object, in source pixels whatever the input size', () => {
    const ranked = [box(1, 80, 80, 100, 100), box(0, 20, 20, 40, 40), box(1, 22, 22, 42, 42)];
    const m = matchingDetection(target, ranked, p128);
    expect(m.index).toBe(2); // class 0 fits better (IoU 1) but is another class
    expect(m.iou).toBeCloseTo((18 * 18) / (400 + 400 - 18 * 18), 6);
  });

  it("falls back to another class's overlapping box, then to the best detection", () => {
    expect(matchingDetection(target, [box(1, 80, 80, 90, 90), box(0, 25, 25, 40, 40)], p128).index).toBe(1);
    expect(matchingDetection(target, [box(1, 80, 80, 90, 90), box(0, 60, 60, 70, 70)], p128)).toEqual({
      index: 0,
      iou: 0,
    });
  });
});
