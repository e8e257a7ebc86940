import type { Rng } from './prng';
import type { Rgb } from './render';

/** A colour from hue (0..360), saturation and value (0..1): every colour is reachable. */
export function hsv(h: number, s: number, v: number): Rgb {
  const c = v * s;
  const hp = (((h % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] =
    hp < 1
      ? [c, x, 0]
      : hp < 2
        ? [x, c, 0]
        : hp < 3
          ? [0, c, x]
          : hp < 4
            ? [0, x, c]
            : hp < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = v - c;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

/**
 * Fractal value noise in [0, 1]: random values on grids of `cell`, cell/2, ... pixels, each interpolated with
 * smoothstep, amplitudes halving per octave.
 */
function fbm(rng: Rng, width: number, height: number, cell: number, octaves: number): Float32Array {
  const layers: {
    grid: Float32Array;
    gw: number;
    cell: number;
    oy: number;
    col: Int32Array;
    colT: Float32Array;
  }[] = [];
  let sum = 0;
  for (let o = 0, amp = 1; o < octaves; o++, amp /= 2) sum += amp;
  for (let o = 0, amp = 1 / sum; o < octaves && cell >= 2; o++, cell /= 2, amp /= 2) {
    const gw = Math.ceil(width / cell) + 2;
    const gh = Math.ceil(height / cell) + 2;
    const grid = new Float32Array(gw * gh);
    for (let i = 0; i < grid.length; i++) grid[i] = rng.float() * amp;
    const ox = rng.range(0, cell);
    const oy = rng.range(0, cell);
    // Column terms depend on x only: compute them once per layer.
    const col = new Int32Array(width);
    const colT = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const fx = (x + ox) / cell;
      const ix = Math.floor(fx);
      const t = fx - ix;
      col[x] = ix;
      colT[x] = t * t * (3 - 2 * t);
    }
    layers.push({ grid, gw, cell, oy, col, colT });
  }
  const out = new Float32Array(width * height);
  for (const { grid, gw, cell: c, oy, col, colT } of layers) {
    for (let y = 0; y < height; y++) {
      const fy = (y + oy) / c;
      const iy = Math.floor(fy);
      let ty = fy - iy;
      ty = ty * ty * (3 - 2 * ty);
      const row = iy * gw;
      const base = y * width;
      // Interpolate down the column first: each grid cell's two rows, then across.
      for (let x = 0; x < width; x++) {
        const g = row + col[x]!;
        const a = grid[g]!;
        const b = grid[g + 1]!;
        const left = a + (grid[g + gw]! - a) * ty;
        const right = b + (grid[g + gw + 1]! - b) * ty;
        out[base + x]! += left + (right - left) * colT[x]!;
      }
    }
  }
  return out;
}

/** Blend a colour into the float image where `alpha` (0..1) says, over the pixel rectangle given. */
function blend(
  img: Float32Array,
  width: number,
  color: Rgb,
  x0: number,
  y0: number,
  w: number,
  mask: Float32Array,
): void {
  for (let j = 0; j < mask.length / w; j++) {
    for (let i = 0; i < w; i++) {
      const a = mask[j * w + i]!;
      if (a <= 0) continue;
      const p = ((y0 + j) * width + x0 + i) * 3;
      for (let c = 0; c < 3; c++) img[p + c] = img[p + c]! + (color[c]! - img[p + c]!) * a;
    }
  }
}

const BLOB_STEPS = 256;

/** An irregular blob (a wobbly, never round outline), soft-edged and semi-transparent. */
function drawBlob(rng: Rng, img: Float32Array, width: number, height: number): void {
  const r0 = rng.range(0.03, 0.16) * Math.min(width, height);
  const cx = rng.range(0, width);
  const cy = rng.range(0, height);
  const waves = [2, 3, 4, 5].map((k) => ({ k, a: rng.range(0.08, 0.22), ph: rng.range(0, 6.283) }));
  // The outline radius by angle, tabulated once (one atan2 per pixel instead of four sines).
  const radius = new Float32Array(BLOB_STEPS + 1);
  for (let i = 0; i <= BLOB_STEPS; i++) {
    const theta = (i / BLOB_STEPS) * 2 * Math.PI - Math.PI;
    radius[i] = r0 * (1 + waves.reduce((sum, wv) => sum + wv.a * Math.sin(wv.k * theta + wv.ph), 0));
  }
  const stretch = rng.range(0.5, 1);
  const rot = rng.range(0, Math.PI);
  const color = hsv(rng.range(0, 360), rng.range(0, 0.8), rng.range(0.1, 0.95));
  const alpha = rng.range(0.25, 0.8);
  const wobble = waves.reduce((sum, wv) => sum + wv.a, 0);
  const reach = r0 * (1 + wobble) + 1;
  const core = r0 * (1 - wobble) - 1;
  const x0 = Math.max(0, Math.floor(cx - reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const x1 = Math.min(width, Math.ceil(cx + reach));
  const y1 = Math.min(height, Math.ceil(cy + reach));
  if (x1 <= x0 || y1 <= y0) return;
  const w = x1 - x0;
  const mask = new Float32Array(w * (y1 - y0));
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = dx * cos + dy * sin;
      const v = (-dx * sin + dy * cos) / stretch;
      const dist = Math.sqrt(u * u + v * v);
      if (dist > reach) continue;
      let cover = 1;
      if (dist > core) {
        const f = ((Math.atan2(v, u) + Math.PI) / (2 * Math.PI)) * BLOB_STEPS;
        const i0 = Math.floor(f);
        const r = radius[i0]! + (radius[i0 + 1]! - radius[i0]!) * (f - i0);
        cover = Math.min(1, Math.max(0, r - dist + 0.5));
      }
      mask[(y - y0) * w + (x - x0)] = cover * alpha;
    }
  }
  blend(img, width, color, x0, y0, w, mask);
}

/** A curved stroke (a quadratic Bezier of a few pixels' width), like a twig, cable or scribble. */
function drawStroke(rng: Rng, img: Float32Array, width: number, height: number): void {
  const len = rng.range(0.15, 0.7) * Math.max(width, height);
  const ax = rng.range(0, width);
  const ay = rng.range(0, height);
  const ang = rng.range(0, Math.PI * 2);
  const bx = ax + Math.cos(ang) * len;
  const by = ay + Math.sin(ang) * len;
  const qx = (ax + bx) / 2 + rng.range(-0.4, 0.4) * len;
  const qy = (ay + by) / 2 + rng.range(-0.4, 0.4) * len;
  const half = rng.range(0.5, 2.5);
  const color = hsv(
    rng.range(0, 360),
    rng.range(0, 0.9),
    rng.pick([rng.range(0.05, 0.3), rng.range(0.6, 1)]),
  );
  const alpha = rng.range(0.4, 0.9);
  const steps = Math.max(4, Math.ceil(len / 6));
  const pts = Array.from({ length: steps + 1 }, (_, i) => {
    const t = i / steps;
    const s = 1 - t;
    return [s * s * ax + 2 * s * t * qx + t * t * bx, s * s * ay + 2 * s * t * qy + t * t * by] as const;
  });
  const pad = half + 2;
  const x0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[0])) - pad));
  const y0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[1])) - pad));
  const x1 = Math.min(width, Math.ceil(Math.max(...pts.map((p) => p[0])) + pad));
  const y1 = Math.min(height, Math.ceil(Math.max(...pts.map((p) => p[1])) + pad));
  if (x1 <= x0 || y1 <= y0) return;
  const w = x1 - x0;
  const mask = new Float32Array(w * (y1 - y0));
  for (let s = 0; s < steps; s++) {
    const [px, py] = pts[s]!;
    const [qx2, qy2] = pts[s + 1]!;
    const ex = qx2 - px;
    const ey = qy2 - py;
    const inv = 1 / (ex * ex + ey * ey || 1);
    const sx0 = Math.max(x0, Math.floor(Math.min(px, qx2) - pad));
    const sy0 = Math.max(y0, Math.floor(Math.min(py, qy2) - pad));
    const sx1 = Math.min(x1, Math.ceil(Math.max(px, qx2) + pad));
    const sy1 = Math.min(y1, Math.ceil(Math.max(py, qy2) + pad));
    for (let y = sy0; y < sy1; y++) {
      for (let x = sx0; x < sx1; x++) {
        const wx = x + 0.5 - px;
        const wy = y + 0.5 - py;
        const t = Math.min(1, Math.max(0, (wx * ex + wy * ey) * inv));
        const bx = wx - ex * t;
        const by = wy - ey * t;
        const d = Math.sqrt(bx * bx + by * by);
        const cover = Math.min(1, Math.max(0, half - d + 0.5)) * alpha;
        const i = (y - y0) * w + (x - x0);
        if (cover > mask[i]!) mask[i] = cover;
      }
    }
  }
  blend(img, width, color, x0, y0, w, mask);
}

/**
 * A cluttered, textured background as float RGB (0..255): two colours mixed by fractal noise, a colour
 * gradient, fine grain, optional stripes, then distractor blobs and strokes that are none of the classes.
 */
export function makeBackground(rng: Rng, width: number, height: number): Float32Array {
  const hue = rng.range(0, 360);
  const c1 = hsv(hue, rng.range(0, 0.6), rng.range(0.25, 0.85));
  const c2 = hsv(hue + rng.range(-90, 90), rng.range(0, 0.6), rng.range(0.2, 0.9));
  const c3 = hsv(rng.range(0, 360), rng.range(0, 0.7), rng.range(0.1, 0.95));
  const base = fbm(rng, width, height, rng.range(40, 140), 3);
  const grain = fbm(rng, width, height, rng.range(2.5, 6), 1);
  const grainAmp = rng.range(6, 24);
  const gAng = rng.range(0, Math.PI * 2);
  const gdx = Math.cos(gAng) / Math.hypot(width, height);
  const gdy = Math.sin(gAng) / Math.hypot(width, height);
  const gStrength = rng.range(0, 0.6);
  const stripes = rng.chance(0.25)
    ? { k: rng.range(0.05, 0.25), ang: rng.range(0, Math.PI), amp: rng.range(6, 22) }
    : null;
  const img = new Float32Array(width * height * 3);
  const [r1, g1, b1] = c1;
  const [dr, dg, db] = [c2[0] - r1, c2[1] - g1, c2[2] - b1];
  const [r3, g3, b3] = c3;
  const sk = stripes ? stripes.k * Math.cos(stripes.ang) : 0;
  const sl = stripes ? stripes.k * Math.sin(stripes.ang) : 0;
  const colSin = Float32Array.from({ length: width }, (_, x) => Math.sin(x * sk));
  const colCos = Float32Array.from({ length: width }, (_, x) => Math.cos(x * sk));
  const rowSin = Float32Array.from({ length: height }, (_, y) => Math.sin(y * sl));
  const rowCos = Float32Array.from({ length: height }, (_, y) => Math.cos(y * sl));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let t = (base[i]! - 0.5) * 2.2 + 0.5;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      let g = 0.5 + (x - width / 2) * gdx + (y - height / 2) * gdy;
      g = (g < 0 ? 0 : g > 1 ? 1 : g) * gStrength;
      let tex = (grain[i]! - 0.5) * grainAmp;
      // sin(x*sk + y*sl) from per-column and per-row tables.
      if (stripes) tex += (colSin[x]! * rowCos[y]! + colCos[x]! * rowSin[y]!) * stripes.amp;
      const r = r1 + dr * t;
      const gg = g1 + dg * t;
      const b = b1 + db * t;
      img[i * 3] = r + (r3 - r) * g + tex;
      img[i * 3 + 1] = gg + (g3 - gg) * g + tex;
      img[i * 3 + 2] = b + (b3 - b) * g + tex;
    }
  }
  const blobs = rng.int(2, 7);
  for (let b = 0; b < blobs; b++) drawBlob(rng, img, width, height);
  const strokes = rng.int(2, 9);
  for (let s = 0; s < strokes; s++) drawStroke(rng, img, width, height);
  return img;
}
