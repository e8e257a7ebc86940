// Where the detector looks: input-gradient saliency of one detection, and saliencyInBox, the figure that tests
// the claim that regularization makes a detector "focus on the object's own features".
//
// Why the gradient of the detection's score with respect to the input (Simonyan et al., 2014), not Grad-CAM
// (Selvaraju et al., 2017): this detector has two prediction levels (strides 8 and 16) whose head convolutions
// are shared, so there is no single "last feature map" to weight; Grad-CAM on one level would miss detections
// decoded from the other and gives a map at 1/8 or 1/16 of the input (12 x 12 cells at 96 px), too coarse to
// say whether saliency lies inside a small box. The input gradient works with any backbone (the pretrained trunk
// included) through tf.grad on the model as built, is exact at input resolution, and the same code serves
// the per-run figure and the map a person asks for. Its known weakness (noisy, partly edge-like maps) affects
// every arm alike, so comparing arms by it is fair. The gradient is of the class logit at the detection's grid
// location, through flip TTA when the run decodes with it (the same score the detection was reported with);
// the logit, not the sigmoid score, so confident detections do not vanish in a flat sigmoid (the map differs only
// by a positive factor, which saliencyInBox ignores). A pixel's saliency is the L2 norm over its RGB gradient.
import * as tf from '@tensorflow/tfjs';
import {
  RANKED_DETECTIONS,
  type SaliencyExampleView,
  type SaliencyMapView,
} from '../../../shared/api/runs-contract';
import type { RunSaliency } from '../../../shared/domain/runs';
import type { Placement } from '../data/image';
import { chunk, type BatchSource } from '../data/pipeline';
import { batchTensors } from '../evaluate';
import { DEFAULT_DECODE, decodeImage, type DecodeSettings, type Detection } from '../model/decode';
import { predictOutputs, unmirrorOutput } from '../model/flip-tta';
import { flattenOutputs } from '../model/loss';
import type { InputBox } from '../model/targets';
import type { ManifestImage } from '../protocol';

/** Test images the per-run saliencyInBox looks at, at most (one forward and one backward pass each). */
export const SALIENCY_IMAGES = 50;

/**
 * Images per saliency gradient pass. A pass keeps every activation of the network for the backward pass, for
 * the image and its mirror (flip TTA), so at the run's batch size it held twice a training step's memory: a
 * BCCD run (MobileNetV2, 384 px, batch 8) went from 7.0 GB during training to 14.8 GB in the 4 s after it, which
 * on a 24 GB machine beside other work thrashed for half an hour. Each image's gradient is its own (inference
 * mode: no batch statistics), so smaller passes give the same maps for a little more time.
 */
export const SALIENCY_BATCH = 2;

/** A rectangle of pixels [x0, x1) x [y0, y1). */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The part of the canvas an image covers under a placement (the rest is letterbox padding). */
export function imageRegion(p: Placement, size: number): PixelRect {
  return {
    x0: Math.max(0, p.offX),
    y0: Math.max(0, p.offY),
    x1: Math.min(size, p.offX + p.nw),
    y1: Math.min(size, p.offY + p.nh),
  };
}

/**
 * (share of the map's mass inside the union of `boxes`) / (share of `region` the boxes cover), over the pixels of
 * `region` of a `width`-wide map; a pixel is inside when its centre is. A uniform map scores exactly 1 whatever
 * the boxes (sparse or dense); a map all inside the boxes scores 1 / area share. Null when the boxes cover none
 * of the region, or the map has no mass there.
 */
export function saliencyInBox(
  map: ArrayLike<number>,
  width: number,
  region: PixelRect,
  boxes: readonly Pick<InputBox, 'x' | 'y' | 'w' | 'h'>[],
): number | null {
  let total = 0;
  let inside = 0;
  let pixels = 0;
  let boxPixels = 0;
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const v = map[y * width + x]!;
      const cx = x + 0.5;
      const cy = y + 0.5;
      const isIn = boxes.some((b) => cx >= b.x && cx < b.x + b.w && cy >= b.y && cy < b.y + b.h);
      total += v;
      pixels++;
      if (isIn) {
        inside += v;
        boxPixels++;
      }
    }
  }
  if (boxPixels === 0 || total <= 0) return null;
  return inside / total / (boxPixels / pixels);
}

/** The per-level outputs of `x`, flip-averaged when `flip`, as ops a gradient can flow through. */
function differentiableOutputs(model: tf.LayersModel, x: tf.Tensor, numClasses: number, flip: boolean) {
  const levels = (inp: tf.Tensor) => {
    const out = model.apply(inp, { training: false }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? out : [out];
  };
  const plain = levels(x);
  if (!flip) return plain;
  const mirrored = levels(tf.reverse(x, 2));
  return plain.map((p, i) => tf.mul(tf.add(p, unmirrorOutput(mirrored[i]!, numClasses)), 0.5));
}

/**
 * Input-gradient saliency ([S * S] per image, row-major) of one (grid location, class) logit per image of the
 * batch `x` [B, S, S, 3]; a null target gives an all-zero map. Images do not interact (eval-mode batch norm), so
 * one backward pass serves the whole batch.
 */
export async function gradientSaliency(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  targets: readonly ({ location: number; classIndex: number } | null)[],
  shape: { numClasses: number; locations: number },
  flip: boolean,
): Promise<Float32Array[]> {
  const [B, S] = [x.shape[0], x.shape[1]];
  const { numClasses, locations } = shape;
  const width = numClasses + 4;
  const mask = new Float32Array(B * locations * width);
  targets.forEach((t, i) => {
    if (t) mask[(i * locations + t.location) * width + t.classIndex] = 1;
  });
  const norms = tf.tidy(() => {
    const m = tf.tensor3d(mask, [B, locations, width]);
    const score = (inp: tf.Tensor) =>
      tf.sum(tf.mul(flattenOutputs(differentiableOutputs(model, inp, numClasses, flip), numClasses), m));
    const g = tf.grad(score)(x);
    return tf.sqrt(tf.sum(tf.square(g), 3));
  });
  const all = (await norms.data()) as Float32Array;
  norms.dispose();
  return Array.from({ length: B }, (_, i) => all.slice(i * S * S, (i + 1) * S * S));
}

const shapeOf = (s: BatchSource) => ({ numClasses: s.numClasses, locations: s.grid.size });

/** Detections of each image of a batch tensor (canvas pixels, with their grid locations), best first. */
async function batchDetections(
  model: tf.LayersModel,
  source: BatchSource,
  x: tf.Tensor4D,
  decode: DecodeSettings,
): Promise<Detection[][]> {
  const C = source.numClasses;
  const flat = tf.tidy(() => flattenOutputs(predictOutputs(model, x, C, decode.flipTta), C));
  const all = (await flat.data()) as Float32Array;
  flat.dispose();
  const per = source.grid.size * (C + 4);
  return Array.from({ length: x.shape[0] }, (_, i) =>
    decodeImage(all.subarray(i * per, (i + 1) * per), source.grid, C, decode),
  );
}

/** One image's map as a viewer shows it: the image region only, grey levels 0..255 scaled by the map's maximum. */
function mapView(
  map: Float32Array,
  S: number,
  p: Placement,
  dets: readonly Detection[],
  d: Detection,
  boxes: readonly InputBox[],
): SaliencyMapView {
  const r = imageRegion(p, S);
  let max = 0;
  for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) max = Math.max(max, map[y * S + x]!);
  const values: number[] = [];
  for (let y = r.y0; y < r.y1; y++)
    for (let x = r.x0; x < r.x1; x++) values.push(max > 0 ? Math.round((map[y * S + x]! / max) * 255) : 0);
  return {
    width: r.x1 - r.x0,
    height: r.y1 - r.y0,
    values,
    detection: { classIndex: d.classIndex, score: d.score, x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 },
    placement: p,
    inBox: saliencyInBox(map, S, r, boxes),
    detections: dets.length,
    ranked: dets
      .slice(0, RANKED_DETECTIONS)
      .map((x) => ({ classIndex: x.classIndex, score: x.score, x1: x.x1, y1: x.y1, x2: x.x2, y2: x.y2 })),
  };
}

/**
 * The run's saliencyInBox: the mean over test images that have boxes and a detection (at most SALIENCY_IMAGES,
 * in manifest order) of saliencyInBox for the image's top-scoring detection; and, as the report's example, the
 * map of the first such image.
 */
export async function evaluateSaliency(
  model: tf.LayersModel,
  source: BatchSource,
  test: readonly ManifestImage[],
  o: { batchSize: number; decode?: DecodeSettings },
): Promise<RunSaliency & { example?: SaliencyExample }> {
  const t0 = performance.now();
  const decode = o.decode ?? DEFAULT_DECODE;
  const S = source.imgSize;
  const ratios: number[] = [];
  let example: SaliencyExample | undefined;
  const images = test.filter((i) => i.boxes.length > 0).slice(0, SALIENCY_IMAGES);
  for (const group of chunk(images, Math.min(o.batchSize, SALIENCY_BATCH), false)) {
    const b = await source.makeBatch(group, null);
    const { x, targets } = batchTensors(b, S, source.numClasses, source.grid.size);
    try {
      const dets = await batchDetections(model, source, x, decode);
      const top = dets.map(([d]) =>
        d?.location !== undefined ? { location: d.location, classIndex: d.classIndex } : null,
      );
      const maps = await gradientSaliency(model, x, top, shapeOf(source), decode.flipTta);
      maps.forEach((map, i) => {
        if (!top[i]) return;
        example ??= {
          imageId: group[i]!.id,
          ...mapView(map, S, b.placements[i]!, dets[i]!, dets[i]![0]!, b.boxes[i]!),
        };
        const r = saliencyInBox(map, S, imageRegion(b.placements[i]!, S), b.boxes[i]!);
        if (r !== null) ratios.push(r);
      });
    } finally {
      tf.dispose([x, targets.cls, targets.box, targets.pos]);
    }
  }
  return {
    saliencyInBox: ratios.length ? ratios.reduce((s, r) => s + r, 0) / ratios.length : null,
    images: ratios.length,
    seconds: (performance.now() - t0) / 1000,
    ...(example ? { example } : {}),
  };
}

/** The map the trainer keeps for a run's report (SALIENCY_EXAMPLE_FILE): the first evaluated test image's. */
export type SaliencyExample = SaliencyExampleView;

/** One detection's saliency map over its image (the canvas's image region), scaled to 0..255 by its maximum. */
export type SaliencyMap = SaliencyMapView;

/** The saliency map of detection `index` (best first, as decoded) of one image. */
export async function detectionSaliency(
  model: tf.LayersModel,
  source: BatchSource,
  image: ManifestImage,
  index: number,
  decode: DecodeSettings,
): Promise<SaliencyMap> {
  const S = source.imgSize;
  const b = await source.makeBatch([image], null);
  const { x, targets } = batchTensors(b, S, source.numClasses, source.grid.size);
  try {
    const [dets = []] = await batchDetections(model, source, x, decode);
    const d = dets[index];
    if (!d || d.location === undefined)
      throw new Error(
        `image ${image.id} has ${dets.length} detection(s) at score >= ${decode.scoreThreshold}; ` +
          `detection ${index} does not exist`,
      );
    const target = { location: d.location, classIndex: d.classIndex };
    const [map] = await gradientSaliency(model, x, [target], shapeOf(source), decode.flipTta);
    return mapView(map!, S, b.placements[0]!, dets, d, b.boxes[0]!);
  } finally {
    tf.dispose([x, targets.cls, targets.box, targets.pos]);
  }
}
