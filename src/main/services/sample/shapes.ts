import type { Rng } from './prng';

/** The sample dataset's classes: told apart by shape alone, since any class can have any colour. */
export const SAMPLE_CLASSES = ['circle', 'square', 'triangle', 'cross', 'star', 'ring'] as const;
/** One of SAMPLE_CLASSES. */
export type SampleClass = (typeof SAMPLE_CLASSES)[number];

/** Axis-aligned float bounds of a shape in image pixels (continuous coordinates, pixel i spans [i, i+1)). */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A closed polygon with its edges precomputed for the distance function. */
interface PolygonShape {
  kind: 'polygon';
  xs: Float64Array;
  ys: Float64Array;
  /** Edge i runs from vertex i to vertex i-1; ex/ey are its vector, inv its 1/|e|^2. */
  ex: Float64Array;
  ey: Float64Array;
  inv: Float64Array;
  bounds: Bounds;
}

/** A disc or an annulus (`half` is half the ring's thickness, `r` its middle radius). */
interface RoundShape {
  kind: 'disc' | 'annulus';
  cx: number;
  cy: number;
  r: number;
  half: number;
  bounds: Bounds;
}

/** A rasterizable shape: exact signed distance, negative inside. */
export type Shape = PolygonShape | RoundShape;

/** The knobs that vary one object of a class; randomShapeParams draws them. */
export interface ShapeParams {
  /** Radians, counter-clockwise. */
  rotation: number;
  /** Width/height stretch before rotation (polygons only; circles stay round). */
  aspect: number;
  /** Inner radius of a star's points, as a fraction of the outer one. */
  starInner: number;
  /** Half-width of a cross's arms, as a fraction of the arm length. */
  crossArm: number;
  /** Inner radius of a ring, as a fraction of the outer one. */
  ringInner: number;
  /** Offsets of a triangle's three vertices (x0, y0, x1, y1, x2, y2), in unit radii. */
  triangleJitter: readonly number[];
}

/** Neutral parameters: upright, unstretched, typical proportions. */
export const DEFAULT_SHAPE_PARAMS: ShapeParams = {
  rotation: 0,
  aspect: 1,
  starInner: 0.45,
  crossArm: 0.33,
  ringInner: 0.55,
  triangleJitter: [0, 0, 0, 0, 0, 0],
};

/** Draw the per-object variation of a class (kept mild so a class still reads as itself). */
export function randomShapeParams(rng: Rng): ShapeParams {
  return {
    rotation: rng.range(0, Math.PI * 2),
    aspect: Math.exp(rng.range(-0.15, 0.15)),
    starInner: rng.range(0.38, 0.5),
    crossArm: rng.range(0.26, 0.38),
    ringInner: rng.range(0.45, 0.68),
    triangleJitter: Array.from({ length: 6 }, () => rng.range(-0.12, 0.12)),
  };
}

function unitPolygon(label: SampleClass, p: ShapeParams): [number, number][] {
  switch (label) {
    case 'square':
      return [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, 1],
      ];
    case 'triangle':
      return [0, 1, 2].map((i) => {
        const a = -Math.PI / 2 + (i * 2 * Math.PI) / 3;
        return [
          Math.cos(a) + (p.triangleJitter[i * 2] ?? 0),
          Math.sin(a) + (p.triangleJitter[i * 2 + 1] ?? 0),
        ];
      });
    case 'cross': {
      const a = p.crossArm;
      return [
        [-a, -1],
        [a, -1],
        [a, -a],
        [1, -a],
        [1, a],
        [a, a],
        [a, 1],
        [-a, 1],
        [-a, a],
        [-1, a],
        [-1, -a],
        [-a, -a],
      ];
    }
    case 'star':
      return Array.from({ length: 10 }, (_, i) => {
        const r = i % 2 === 0 ? 1 : p.starInner;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        return [r * Math.cos(a), r * Math.sin(a)];
      });
    default:
      throw new Error(`${label} is not a polygon`);
  }
}

function polygonShape(points: [number, number][]): PolygonShape {
  const n = points.length;
  const xs = Float64Array.from(points, (q) => q[0]);
  const ys = Float64Array.from(points, (q) => q[1]);
  const ex = new Float64Array(n);
  const ey = new Float64Array(n);
  const inv = new Float64Array(n);
  for (let i = 0, j = n - 1; i < n; j = i, i++) {
    ex[i] = xs[j]! - xs[i]!;
    ey[i] = ys[j]! - ys[i]!;
    inv[i] = 1 / (ex[i]! * ex[i]! + ey[i]! * ey[i]!);
  }
  const bounds = {
    minX: Math.min(...xs),
    minY: Math.min(...ys),
    maxX: Math.max(...xs),
    maxY: Math.max(...ys),
  };
  return { kind: 'polygon', xs, ys, ex, ey, inv, bounds };
}

/**
 * A shape of a class centred at (cx, cy) and scaled as large as fits in maxW x maxH: its bounds touch that
 * box on at least one side, so the caller controls the object's size as a fraction of the image side.
 */
export function makeShape(
  label: SampleClass,
  cx: number,
  cy: number,
  maxW: number,
  maxH: number,
  params: Partial<ShapeParams> = {},
): Shape {
  const p = { ...DEFAULT_SHAPE_PARAMS, ...params };
  if (label === 'circle' || label === 'ring') {
    const outer = Math.min(maxW, maxH) / 2;
    const inner = label === 'ring' ? outer * p.ringInner : 0;
    const bounds = { minX: cx - outer, minY: cy - outer, maxX: cx + outer, maxY: cy + outer };
    return label === 'circle'
      ? { kind: 'disc', cx, cy, r: outer, half: 0, bounds }
      : { kind: 'annulus', cx, cy, r: (outer + inner) / 2, half: (outer - inner) / 2, bounds };
  }
  const sx = Math.sqrt(p.aspect);
  const cos = Math.cos(p.rotation);
  const sin = Math.sin(p.rotation);
  const pts = unitPolygon(label, p).map(([x, y]): [number, number] => {
    const u = x * sx;
    const v = y / sx;
    return [u * cos - v * sin, u * sin + v * cos];
  });
  const unit = polygonShape(pts).bounds;
  const scale = Math.min(maxW / (unit.maxX - unit.minX), maxH / (unit.maxY - unit.minY));
  const mx = (unit.minX + unit.maxX) / 2;
  const my = (unit.minY + unit.maxY) / 2;
  return polygonShape(pts.map(([x, y]) => [cx + (x - mx) * scale, cy + (y - my) * scale]));
}

/** Exact signed Euclidean distance from (x, y) to the shape's outline: negative inside, positive outside. */
export function signedDistance(shape: Shape, x: number, y: number): number {
  if (shape.kind !== 'polygon') {
    const dx = x - shape.cx;
    const dy = y - shape.cy;
    const d = Math.sqrt(dx * dx + dy * dy);
    return shape.kind === 'disc' ? d - shape.r : Math.abs(d - shape.r) - shape.half;
  }
  // Inigo Quilez's polygon distance: nearest edge for the magnitude, crossing parity for the sign.
  const { xs, ys, ex, ey, inv } = shape;
  let best = (x - xs[0]!) ** 2 + (y - ys[0]!) ** 2;
  let sign = 1;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i, i++) {
    const wx = x - xs[i]!;
    const wy = y - ys[i]!;
    const exi = ex[i]!;
    const eyi = ey[i]!;
    let t = (wx * exi + wy * eyi) * inv[i]!;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const bx = wx - exi * t;
    const by = wy - eyi * t;
    const d2 = bx * bx + by * by;
    if (d2 < best) best = d2;
    const c1 = y >= ys[i]!;
    const c2 = y < ys[j]!;
    const c3 = exi * wy > eyi * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
  }
  return sign * Math.sqrt(best);
}
