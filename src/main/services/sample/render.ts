import { type Shape, signedDistance } from './shapes';

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** One object to draw; later objects in a scene are drawn on top of earlier ones. */
export interface SceneObject {
  /** The class name its box gets. */
  label: string;
  shape: Shape;
  color: Rgb;
  /** Linear shading: the colour is multiplied by 1 + gx * (x - cx) + gy * (y - cy) around the shape centre. */
  shade?: { gx: number; gy: number };
  /** A darker or lighter band `width` pixels wide inside the outline (colour times `factor`). */
  rim?: { width: number; factor: number };
}

/** Camera-like changes applied to the whole image after the objects are drawn. */
export interface Lighting {
  /** Contrast around mid-grey (1 = unchanged). */
  contrast: number;
  /** Brightness offset in 0..255 units. */
  brightness: number;
  /** Light gain slope per pixel across the image (uneven light), centred so the middle keeps gain 1. */
  gradX: number;
  gradY: number;
  /** Standard deviation of per-pixel sensor noise; 0 for none. */
  noiseSigma: number;
  /** Seed of the noise stream, so noise is reproducible. */
  noiseSeed: number;
}

/** A labelled box: pixel bounds of an object's visible pixels, x/y inclusive, w/h in pixels. */
export interface SampleBox {
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What renderScene produced: pixels, boxes of labelled objects and every object's visible fraction. */
export interface RenderedScene {
  raw: Uint8Array;
  boxes: SampleBox[];
  /** Visible share of each input object (0..1), in scene order, labelled or not. */
  visibility: number[];
}

/** Objects with less than this share of their area visible get no box (nobody could label them). */
export const MIN_VISIBLE_FRACTION = 0.5;

/** Sub-samples per pixel side for anti-aliased edges (4 x 4 per edge pixel). */
const SS = 4;
const SS2 = SS * SS;
/** A pixel whose centre is this far from an outline is wholly inside or outside it. */
const EDGE = Math.SQRT1_2 + 1e-9;

function pixelRange(shape: Shape, width: number, height: number): [number, number, number, number] {
  const b = shape.bounds;
  return [
    Math.max(0, Math.floor(b.minX)),
    Math.min(width - 1, Math.floor(b.maxX)),
    Math.max(0, Math.floor(b.minY)),
    Math.min(height - 1, Math.floor(b.maxY)),
  ];
}

function centreOf(shape: Shape): [number, number] {
  const b = shape.bounds;
  return [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
}

/**
 * Rasterize objects over a background (float RGB, 0..255, row-major) and return 8-bit RGB plus exact boxes.
 * Each edge pixel is split into 4 x 4 sub-samples, each owned by the topmost object covering it; a pixel's
 * colour is the mix of its owners, and an object's box is the bounds of the pixels where it owns at least one
 * sub-sample. So the box is tight to the pixels the object changed, occlusion included.
 */
export function renderScene(
  width: number,
  height: number,
  background: Float32Array,
  objects: readonly SceneObject[],
  lighting: Lighting | null = null,
): RenderedScene {
  const buf = background.slice();
  const n = objects.length;
  const ranges = objects.map((o) => pixelRange(o.shape, width, height));
  const centres = objects.map((o) => centreOf(o.shape));
  const total = new Float64Array(n);
  const visible = new Float64Array(n);
  const box = objects.map(() => [Infinity, Infinity, -Infinity, -Infinity]);
  const uy0 = Math.min(...ranges.map((r) => r[2]));
  const uy1 = Math.max(...ranges.map((r) => r[3]));
  const act = new Int32Array(n);
  const sd = new Float64Array(n);
  const own = new Float64Array(n + 1);
  const rowObjects = new Int32Array(n);

  /** Shading and rim factor of object k at pixel (x, y); `d` is the signed distance at the pixel centre. */
  const factorAt = (k: number, x: number, y: number, d: number): number => {
    const o = objects[k]!;
    let f = 1;
    if (o.shade) f += o.shade.gx * (x + 0.5 - centres[k]![0]) + o.shade.gy * (y + 0.5 - centres[k]![1]);
    if (o.rim && d > -o.rim.width) f *= o.rim.factor;
    return f;
  };

  for (let y = uy0; y <= uy1; y++) {
    // Only the objects whose rows include y, over the columns they span.
    let rn = 0;
    let rx0 = width;
    let rx1 = -1;
    for (let k = 0; k < n; k++) {
      const r = ranges[k]!;
      if (y < r[2] || y > r[3] || r[0] > r[1]) continue;
      rowObjects[rn++] = k;
      if (r[0] < rx0) rx0 = r[0];
      if (r[1] > rx1) rx1 = r[1];
    }
    for (let x = rx0; x <= rx1; x++) {
      // The objects over this pixel, bottom to top, with their distances at the pixel centre.
      let m = 0;
      let edge = false;
      for (let q = 0; q < rn; q++) {
        const k = rowObjects[q]!;
        const r = ranges[k]!;
        if (x < r[0] || x > r[1]) continue;
        const d = signedDistance(objects[k]!.shape, x + 0.5, y + 0.5);
        act[m] = k;
        sd[m++] = d;
        if (d <= EDGE && d >= -EDGE) edge = true;
      }
      if (m === 0) continue;
      own.fill(0, 0, m + 1);
      if (!edge) {
        // No outline crosses the pixel: the topmost object containing it owns all of it.
        let top = -1;
        for (let a = m - 1; a >= 0; a--) {
          if (sd[a]! >= 0) continue;
          total[act[a]!]! += SS2;
          if (top < 0) top = a;
        }
        if (top < 0) continue;
        own[top + 1] = SS2;
      } else {
        for (let j = 0; j < SS; j++) {
          const sy = y + (j + 0.5) / SS;
          for (let i = 0; i < SS; i++) {
            const sx = x + (i + 0.5) / SS;
            let top = -1;
            for (let a = m - 1; a >= 0; a--) {
              const d = sd[a]!;
              const inside =
                d > EDGE || d < -EDGE ? d < 0 : signedDistance(objects[act[a]!]!.shape, sx, sy) < 0;
              if (!inside) continue;
              total[act[a]!]! += 1;
              if (top < 0) top = a;
            }
            own[top + 1]! += 1;
          }
        }
        if (own[0] === SS2) continue;
      }
      const p = (y * width + x) * 3;
      let vr = own[0]! * buf[p]!;
      let vg = own[0]! * buf[p + 1]!;
      let vb = own[0]! * buf[p + 2]!;
      for (let a = 0; a < m; a++) {
        const cnt = own[a + 1]!;
        if (cnt === 0) continue;
        const k = act[a]!;
        visible[k]! += cnt;
        const b = box[k]!;
        if (x < b[0]!) b[0] = x;
        if (y < b[1]!) b[1] = y;
        if (x > b[2]!) b[2] = x;
        if (y > b[3]!) b[3] = y;
        const w = cnt * factorAt(k, x, y, sd[a]!);
        const color = objects[k]!.color;
        vr += w * color[0];
        vg += w * color[1];
        vb += w * color[2];
      }
      buf[p] = vr / SS2;
      buf[p + 1] = vg / SS2;
      buf[p + 2] = vb / SS2;
    }
  }

  const visibility = Array.from(total, (t, k) => (t > 0 ? visible[k]! / t : 0));
  const boxes: SampleBox[] = [];
  objects.forEach((o, k) => {
    const b = box[k]!;
    if (visibility[k]! < MIN_VISIBLE_FRACTION || b[0] === Infinity) return;
    boxes.push({ label: o.label, x: b[0]!, y: b[1]!, w: b[2]! - b[0]! + 1, h: b[3]! - b[1]! + 1 });
  });
  return { raw: toBytes(buf, width, height, lighting), boxes, visibility };
}

/** Apply lighting and noise, clamp and round to 8-bit RGB. */
function toBytes(buf: Float32Array, width: number, height: number, lighting: Lighting | null): Uint8Array {
  // A clamped array rounds and clamps on store, which is both simpler and faster than doing it by hand.
  const out = new Uint8ClampedArray(buf.length);
  if (!lighting) {
    out.set(buf);
    return new Uint8Array(out.buffer);
  }
  const { contrast, brightness, gradX, gradY, noiseSigma } = lighting;
  const noisy = noiseSigma > 0;
  const grainScale = (noiseSigma * Math.sqrt(6)) / 65536;
  const chromaScale = 4 / 1024;
  const offset = 128 + brightness - 128 * contrast - (noisy ? 511.5 * chromaScale : 0);
  // mulberry32, inlined: two 32-bit draws per pixel, one for luminance grain (a triangular sum of its two
  // 16-bit halves, standard deviation noiseSigma) and one for a little per-channel colour noise.
  let state = lighting.noiseSeed >>> 0;
  let p = 0;
  for (let y = 0; y < height; y++) {
    let light = (1 + gradX * (0.5 - width / 2) + gradY * (y + 0.5 - height / 2)) * contrast;
    const step = gradX * contrast;
    for (let x = 0; x < width; x++, p += 3, light += step) {
      let grain = offset;
      let chroma = 0;
      if (noisy) {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), state | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        t = (t ^ (t >>> 14)) >>> 0;
        grain += ((t & 0xffff) + (t >>> 16) - 65535) * grainScale;
        state = (state + 0x6d2b79f5) | 0;
        chroma = Math.imul(state ^ (state >>> 15), state | 1);
        chroma ^= chroma + Math.imul(chroma ^ (chroma >>> 7), chroma | 61);
        chroma = (chroma ^ (chroma >>> 14)) >>> 0;
      }
      out[p] = buf[p]! * light + grain + (chroma & 1023) * chromaScale;
      out[p + 1] = buf[p + 1]! * light + grain + ((chroma >>> 10) & 1023) * chromaScale;
      out[p + 2] = buf[p + 2]! * light + grain + ((chroma >>> 20) & 1023) * chromaScale;
    }
  }
  return new Uint8Array(out.buffer);
}
