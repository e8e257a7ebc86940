import { makeBackground } from './background';
import { candidateColour, sampleClassSpecs, type SampleClassSpec } from './classes';
import { pickShared } from './imbalance';
import { Rng, hashIntsMurmur } from './prng';
import { type Lighting, type RenderedScene, type Rgb, type SceneObject, renderScene } from './render';
import { type Shape, makeShape, randomShapeParams, signedDistance } from './shapes';

/** Object size range: the larger box side is this fraction of the matching image side. */
export const OBJECT_SIZE_RANGE: readonly [number, number] = [0.08, 0.38];
/** Most objects in one image. */
export const MAX_OBJECTS = 6;
/** Share of images with no objects at all (negatives). */
export const NEGATIVE_RATE = 0.05;
/** When placing, an already placed object must keep this much of its area visible. */
const KEEP_VISIBLE = 0.62;
const PLACEMENT_TRIES = 30;
/**
 * Tries for an object over half the image side: each try rasterizes most of the image, and a second such object
 * rarely fits without hiding the first, so a few tries are all that is worth paying for.
 */
const LARGE_PLACEMENT_TRIES = 2;
const COLOUR_TRIES = 12;
/** Minimum RGB distance between an object and what lies beneath it, so shapes stay readable. */
const MIN_CONTRAST = 80;

/** Pixel-centre coverage of a shape: the pixel indexes inside it. */
function coverage(shape: Shape, width: number, height: number): number[] {
  const b = shape.bounds;
  const out: number[] = [];
  for (let y = Math.max(0, Math.floor(b.minY)); y <= Math.min(height - 1, Math.floor(b.maxY)); y++) {
    for (let x = Math.max(0, Math.floor(b.minX)); x <= Math.min(width - 1, Math.floor(b.maxX)); x++) {
      if (signedDistance(shape, x + 0.5, y + 0.5) < 0) out.push(y * width + x);
    }
  }
  return out;
}

function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** A random colour of the class that stands out from `under` (best of a few tries). */
function pickColour(rng: Rng, under: Rgb, spec: SampleClassSpec): Rgb {
  let best: Rgb = [0, 0, 0];
  let bestD = -1;
  for (let i = 0; i < COLOUR_TRIES; i++) {
    const c = candidateColour(rng, spec);
    const d = distance(c, under);
    if (d > bestD) [best, bestD] = [c, d];
    if (d >= MIN_CONTRAST) break;
  }
  return best;
}

/** Mean colour of what lies under the given pixels: the background or an object placed earlier. */
function meanUnder(
  pixels: number[],
  owner: Int16Array,
  objects: SceneObject[],
  background: Float32Array,
): Rgb {
  let [r, g, b] = [0, 0, 0];
  for (const p of pixels) {
    const k = owner[p]!;
    if (k >= 0) {
      const c = objects[k]!.color;
      [r, g, b] = [r + c[0], g + c[1], b + c[2]];
    } else {
      [r, g, b] = [r + background[p * 3]!, g + background[p * 3 + 1]!, b + background[p * 3 + 2]!];
    }
  }
  const n = Math.max(1, pixels.length);
  return [r / n, g / n, b / n];
}

/** Everything needed to render one sample image. */
export interface SampleScene {
  background: Float32Array;
  objects: SceneObject[];
  lighting: Lighting;
}

/** What varies a scene beyond its random stream: classes, negatives, object count and size. */
export interface SceneOptions {
  /** The classes objects are drawn from (sampleClassSpecs). */
  classes: readonly SampleClassSpec[];
  /** Share of images with no objects. */
  negativeRate: number;
  /** Most objects in one image; above MAX_OBJECTS an image gets between half of it and all of it. */
  maxObjects: number;
  /** Larger box side as a fraction of the matching image side, [lo, hi]. */
  sizeRange: readonly [number, number];
  /** Class shares of the objects, one per entry of `classes` (imbalance.ts); absent: uniform. */
  classShares?: readonly number[];
}

/** The default sample's scenes: 6 shape classes, 5% negatives, 1-6 objects of 8-38% of the image side. */
export const DEFAULT_SCENE: SceneOptions = {
  classes: sampleClassSpecs(6),
  negativeRate: NEGATIVE_RATE,
  maxObjects: MAX_OBJECTS,
  sizeRange: OBJECT_SIZE_RANGE,
};

/**
 * The object size range for up to `maxObjects` objects: the default range while they fit (6 or fewer), else
 * shrunk so that that many objects cover about 60% of the image at most (300 objects: 1.8-4.5% of the side).
 */
export function sizeRangeFor(maxObjects: number): readonly [number, number] {
  if (maxObjects <= MAX_OBJECTS) return OBJECT_SIZE_RANGE;
  const hi = Math.min(OBJECT_SIZE_RANGE[1], Math.sqrt(0.6 / maxObjects));
  return [hi / 2.5, hi];
}

/** How many objects a scene tries to place: 1-6 as always, or half to all of a larger maximum. */
function objectCount(rng: Rng, o: SceneOptions): number {
  if (rng.chance(o.negativeRate)) return 0;
  return o.maxObjects <= MAX_OBJECTS
    ? rng.int(1, o.maxObjects)
    : rng.int(Math.ceil(o.maxObjects / 2), o.maxObjects);
}

/**
 * Build the scene of one image from its own random stream: background, objects of random class, size,
 * rotation and colour (0-6 by default), placed inside the image so that no object already placed loses more
 * than ~40% of its area to a later one (partial occlusion, never a hidden object), and the lighting.
 */
export function buildScene(
  rng: Rng,
  width: number,
  height: number,
  o: SceneOptions = DEFAULT_SCENE,
): SampleScene {
  const background = makeBackground(rng, width, height);
  const owner = new Int16Array(width * height).fill(-1);
  const area: number[] = [];
  const visible: number[] = [];
  const objects: SceneObject[] = [];
  const count = objectCount(rng, o);
  const [lo, hi] = o.sizeRange;
  for (let n = 0; n < count; n++) {
    const spec = pickShared(rng, o.classes, o.classShares);
    const label = spec.shape;
    const params = randomShapeParams(rng);
    const frac = Math.exp(rng.range(Math.log(lo), Math.log(hi)));
    const probe = makeShape(label, 0, 0, frac * width, frac * height, params);
    const bw = probe.bounds.maxX - probe.bounds.minX;
    const bh = probe.bounds.maxY - probe.bounds.minY;
    const tries = frac > 0.5 ? LARGE_PLACEMENT_TRIES : PLACEMENT_TRIES;
    for (let t = 0; t < tries; t++) {
      const cx = rng.range(bw / 2 + 1, width - bw / 2 - 1);
      const cy = rng.range(bh / 2 + 1, height - bh / 2 - 1);
      const shape = makeShape(label, cx, cy, frac * width, frac * height, params);
      const pixels = coverage(shape, width, height);
      if (pixels.length < 4) continue;
      const lost = new Array<number>(objects.length).fill(0);
      for (const p of pixels) if (owner[p]! >= 0) lost[owner[p]!]!++;
      if (lost.some((l, k) => visible[k]! - l < KEEP_VISIBLE * area[k]!)) continue;
      const color = pickColour(rng, meanUnder(pixels, owner, objects, background), spec);
      const size = Math.max(bw, bh);
      const shadeAng = rng.range(0, Math.PI * 2);
      const shadeAmp = rng.range(0, 0.5) / size;
      const object: SceneObject = {
        label: spec.name,
        shape,
        color,
        shade: { gx: Math.cos(shadeAng) * shadeAmp, gy: Math.sin(shadeAng) * shadeAmp },
      };
      if (rng.chance(0.3)) object.rim = { width: rng.range(1, 2.5), factor: rng.pick([0.55, 0.7, 1.3]) };
      lost.forEach((l, k) => (visible[k]! -= l));
      for (const p of pixels) owner[p] = objects.length;
      objects.push(object);
      area.push(pixels.length);
      visible.push(pixels.length);
      break;
    }
  }
  const gAng = rng.range(0, Math.PI * 2);
  const gAmp = rng.range(0, 0.6) / Math.hypot(width, height);
  const lighting: Lighting = {
    contrast: rng.range(0.7, 1.2),
    brightness: rng.range(-30, 30),
    gradX: Math.cos(gAng) * gAmp,
    gradY: Math.sin(gAng) * gAmp,
    noiseSigma: rng.range(1, 7),
    noiseSeed: Math.floor(rng.float() * 4294967296),
  };
  return { background, objects, lighting };
}

/** Stream tags, so the scene and any future per-image streams never share random numbers. */
const SCENE_STREAM = 1;

/** Render image `index` of the sample for `seed`: raw RGB pixels and its boxes. Pure: same inputs, same bytes. */
export function renderSampleImage(
  seed: number,
  index: number,
  width: number,
  height: number,
  options: SceneOptions = DEFAULT_SCENE,
): RenderedScene {
  const rng = new Rng(hashIntsMurmur(seed, index, SCENE_STREAM));
  const scene = buildScene(rng, width, height, options);
  return renderScene(width, height, scene.background, scene.objects, scene.lighting);
}
