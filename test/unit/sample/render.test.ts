import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/main/services/sample/prng';
import { type Rgb, type SceneObject, renderScene } from '../../../src/main/services/sample/render';
import {
  SAMPLE_CLASSES,
  type SampleClass,
  makeShape,
  randomShapeParams,
  signedDistance,
} from '../../../src/main/services/sample/shapes';

const W = 160;
const H = 120;

function flat(color: Rgb, width = W, height = H): Float32Array {
  const bg = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) bg.set(color, i * 3);
  return bg;
}

/** A flat-coloured object whose label is its shape: the occlusion tests stack two of these. */
function solid(label: SampleClass, cx: number, cy: number, size: number, color: Rgb): SceneObject {
  return { label, shape: makeShape(label, cx, cy, size, size), color };
}

/** Bounding box (x, y, w, h) of pixels where `pick` says yes, or null. */
function boundsWhere(raw: Uint8Array, pick: (r: number, g: number, b: number) => boolean) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 3;
      if (!pick(raw[p]!, raw[p + 1]!, raw[p + 2]!)) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

describe('shapes', () => {
  it.each(SAMPLE_CLASSES)('%s: inside at the centre (ring: at its band), outside far away', (label) => {
    const s = makeShape(label, 50, 50, 40, 40);
    const probeX = label === 'ring' ? 50 + 20 * 0.775 : 50;
    expect(signedDistance(s, probeX, 50)).toBeLessThan(0);
    expect(signedDistance(s, 5, 5)).toBeGreaterThan(0);
    if (label === 'ring') expect(signedDistance(s, 50, 50)).toBeGreaterThan(0);
  });

  it('gives exact distances for an axis-aligned square', () => {
    const s = makeShape('square', 50, 50, 40, 40);
    expect(signedDistance(s, 50, 50)).toBeCloseTo(-20, 9);
    expect(signedDistance(s, 80, 50)).toBeCloseTo(10, 9);
    expect(signedDistance(s, 73, 74)).toBeCloseTo(5, 9);
  });

  it('scales a rotated shape to touch its size box', () => {
    const rng = new Rng(5);
    for (const label of SAMPLE_CLASSES) {
      for (let i = 0; i < 20; i++) {
        const s = makeShape(label, 100, 80, 60, 45, randomShapeParams(rng));
        const w = s.bounds.maxX - s.bounds.minX;
        const h = s.bounds.maxY - s.bounds.minY;
        expect(w).toBeLessThanOrEqual(60 + 1e-9);
        expect(h).toBeLessThanOrEqual(45 + 1e-9);
        expect(Math.max(w / 60, h / 45)).toBeCloseTo(1, 9);
      }
    }
  });
});

describe('renderScene boxes', () => {
  it.each(SAMPLE_CLASSES)('a single %s on a flat background: box = bounds of the changed pixels', (label) => {
    const rng = new Rng(label.length * 31);
    for (let i = 0; i < 15; i++) {
      const shape = makeShape(
        label as SampleClass,
        rng.range(30, W - 30),
        rng.range(30, H - 30),
        rng.range(8, 50),
        rng.range(8, 50),
        randomShapeParams(rng),
      );
      const object: SceneObject = { label, shape, color: [250, 240, 230] };
      const out = renderScene(W, H, flat([5, 10, 20]), [object]);
      const changed = boundsWhere(out.raw, (r, g, b) => r !== 5 || g !== 10 || b !== 20);
      expect(out.boxes).toEqual([{ label, ...changed! }]);
      expect(out.visibility).toEqual([1]);
    }
  });

  it('with shading, rim and lighting off the background stays untouched outside the box', () => {
    const shape = makeShape('star', 80, 60, 50, 50, { rotation: 0.3 });
    const object: SceneObject = {
      label: 'star',
      shape,
      color: [200, 40, 40],
      shade: { gx: 0.004, gy: -0.003 },
      rim: { width: 2, factor: 0.6 },
    };
    const out = renderScene(W, H, flat([0, 0, 0]), [object]);
    const changed = boundsWhere(out.raw, (r, g, b) => r + g + b > 0);
    expect(out.boxes[0]).toEqual({ label: 'star', ...changed! });
  });

  it('boxes only the visible part of an occluded object', () => {
    // Red circle, half covered by a blue square drawn on top; black background.
    const bottom = solid('circle', 60, 60, 50, [255, 0, 0]);
    const top = solid('square', 92.3, 60, 50, [0, 0, 255]);
    const out = renderScene(W, H, flat([0, 0, 0]), [bottom, top]);
    const red = boundsWhere(out.raw, (r) => r > 0);
    const blue = boundsWhere(out.raw, (_r, _g, b) => b > 0);
    expect(out.boxes).toEqual([
      { label: 'circle', ...red! },
      { label: 'square', ...blue! },
    ]);
    // The circle's right edge (x = 85) is hidden: its box ends where the square begins.
    expect(red!.x + red!.w).toBeLessThan(86);
    expect(out.visibility[0]).toBeGreaterThan(0.5);
    expect(out.visibility[1]).toBe(1);
  });

  it('drops the label of an object that is mostly hidden', () => {
    const hidden = solid('cross', 60, 60, 30, [255, 0, 0]);
    const cover = solid('square', 66, 60, 34, [0, 0, 255]);
    const out = renderScene(W, H, flat([0, 0, 0]), [hidden, cover]);
    expect(out.visibility[0]).toBeGreaterThan(0);
    expect(out.visibility[0]).toBeLessThan(0.5);
    expect(out.boxes.map((b) => b.label)).toEqual(['square']);
  });

  it('applies lighting to the whole image deterministically', () => {
    const lighting = { contrast: 1.1, brightness: 10, gradX: 0.001, gradY: 0, noiseSigma: 4, noiseSeed: 9 };
    const a = renderScene(W, H, flat([100, 100, 100]), [], lighting);
    const b = renderScene(W, H, flat([100, 100, 100]), [], lighting);
    expect(Buffer.from(a.raw).equals(Buffer.from(b.raw))).toBe(true);
    const mean = (x0: number) => {
      let s = 0;
      for (let y = 0; y < H; y++) for (let x = x0; x < x0 + 10; x++) s += a.raw[(y * W + x) * 3]!;
      return s / (H * 10);
    };
    // The gain grows to the right.
    expect(mean(W - 10)).toBeGreaterThan(mean(0) + 10);
  });
});
