import { hsv, makeBackground } from './background';
import { pickShared } from './imbalance';
import { Rng, hashInts } from './prng';
import { type Lighting, type RenderedScene, type Rgb, type SceneObject, renderScene } from './render';
import { SAMPLE_CLASSES, type Shape, makeShape, randomShapeParams, signedDistance } from './shapes';

/** Object size range: the larger box side is this fraction of the matching image side. */
export const OBJECT_SIZE_RANGE: readonly [number, number] = [0.08, 0.38];
/** Most objects in one image. */
export const MAX_OBJECTS = 6;
/** Share of images with no objects at all (negatives). */
export const NEGATIVE_RATE = 0.05;
/** When placing, an already placed object must keep this much of its area visible. */
const KEEP_VISIBLE = 0.62;
const PLACEMENT_TRIES = 30;
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

/** A random colour that stands out from `under` (best of a few tries; any hue, saturation and value). */
function pickColour(rng: Rng, under: Rgb): Rgb {
  let best: Rgb = [0, 0, 0];
  let bestD = -1;
  for (let i = 0; i < COLOUR_TRIES; i++) {
    const c = hsv(rng.range(0, 360), rng.float() ** 0.7, rng.range(0.08, 1));
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

/**
 * Build the scene of one image from its own random stream: background, 0-6 objects of random class, size,
 * rotation and colour, placed inside the image so that no object already placed loses more than ~40% of
 * its area to a later one (partial occlusion, never a hidden object), and the lighting.
 */
export function buildScene(
  rng: Rng,
  width: number,
  height: number,
  classShares?: readonly number[],
): SampleScene {
  const background = makeBackground(rng, width, height);
  const owner = new Int16Array(width * height).fill(-1);
  const area: number[] = [];
  const visible: number[] = [];
  const objects: SceneObject[] = [];
  const count = rng.chance(NEGATIVE_RATE) ? 0 : rng.int(1, MAX_OBJECTS);
  const [lo, hi] = OBJECT_SIZE_RANGE;
  for (let n = 0; n < count; n++) {
    const label = pickShared(rng, SAMPLE_CLASSES.slice(0, classShares?.length), classShares);
    const params = randomShapeParams(rng);
    const frac = Math.exp(rng.range(Math.log(lo), Math.log(hi)));
    const probe = makeShape(label, 0, 0, frac * width, frac * height, params);
    const bw = probe.bounds.maxX - probe.bounds.minX;
    const bh = probe.bounds.maxY - probe.bounds.minY;
    for (let t = 0; t < PLACEMENT_TRIES; t++) {
      const cx = rng.range(bw / 2 + 1, width - bw / 2 - 1);
      const cy = rng.range(bh / 2 + 1, height - bh / 2 - 1);
      const shape = makeShape(label, cx, cy, frac * width, frac * height, params);
      const pixels = coverage(shape, width, height);
      if (pixels.length < 4) continue;
      const lost = new Array<number>(objects.length).fill(0);
      for (const p of pixels) if (owner[p]! >= 0) lost[owner[p]!]!++;
      if (lost.some((l, k) => visible[k]! - l < KEEP_VISIBLE * area[k]!)) continue;
      const color = pickColour(rng, meanUnder(pixels, owner, objects, background));
      const size = Math.max(bw, bh);
      const shadeAng = rng.range(0, Math.PI * 2);
      const shadeAmp = rng.range(0, 0.5) / size;
      const object: SceneObject = {
        label,
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

/**
 * Render image `index` of the sample for `seed`: raw RGB pixels and its boxes. Pure: same inputs, same bytes.
 * With `classShares`, objects are of the first classShares.length classes, drawn with those shares.
 */
export function renderSampleImage(
  seed: number,
  index: number,
  width: number,
  height: number,
  classShares?: readonly number[],
): RenderedScene {
  const rng = new Rng(hashInts(seed, index, SCENE_STREAM));
  const scene = buildScene(rng, width, height, classShares);
  return renderScene(width, height, scene.background, scene.objects, scene.lighting);
}
