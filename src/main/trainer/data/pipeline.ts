// Batches for training and evaluation: images decoded once at the input scale (scale-cache.ts) and cached in
// memory within a byte budget, augmentation drawn from (seed, epoch, image) so a batch never depends on
// prefetch timing, and a prefetching iterator that prepares the next batch (sharp work runs in libvips
// threads) while the current step computes.
import type { ManifestImage } from '../protocol';
import { assignTargets, type Grid, type ImageTargets, type InputBox } from '../model/targets';
import {
  augmentPlacement,
  letterboxPlacement,
  renderPlacement,
  transformBoxes,
  writeFloat,
  type ColourJitter,
  type Placement,
  type RawImage,
} from './image';
import { mirrorBoxes, mosaicBoxes, mosaicLayout, renderMosaic } from './mosaic';
import { SeededRng, hashIntsFnv } from './prng';
import { cachedSide, decodeAtScale } from './scale-cache';

/** One batch ready for tensors: pixels [B,S,S,3] in 0..1 and the flat targets. */
export interface Batch {
  ids: number[];
  size: number;
  x: Float32Array;
  cls: Float32Array;
  box: Float32Array;
  pos: Float32Array;
  /** Per-location loss weights (training batches of a source with class weights). */
  weight?: Float32Array;
  placements: Placement[];
  /** The (augmented) boxes on the canvas, for tests and debugging. */
  boxes: InputBox[][];
}

/** Default memory budget for decoded images (the sample's 200 images at 320x240 take 46 MB). */
export const DEFAULT_CACHE_BYTES = 512 * 1024 * 1024;

/** The bytes an image takes in the cache once decoded at the scale of an `imgSize` input (an upper bound). */
export function decodedBytes(img: ManifestImage, imgSize: number): number {
  const side = cachedSide(imgSize);
  const shrink = Math.min(1, side / Math.max(1, img.width, img.height));
  return Math.ceil(img.width * shrink) * Math.ceil(img.height * shrink) * 3;
}

/** Boxes of a manifest image as InputBox, rescaled if the decoded size differs from the manifest's. */
function sourceBoxes(img: ManifestImage, raw: RawImage): InputBox[] {
  const sx = img.width > 0 ? raw.width / img.width : 1;
  const sy = img.height > 0 ? raw.height / img.height : 1;
  return img.boxes.map((b) => ({
    classIndex: b.classIndex,
    x: b.x * sx,
    y: b.y * sy,
    w: b.w * sx,
    h: b.h * sy,
  }));
}

/** What a training batch asks of augmentation: the seed and epoch it derives from, and mosaic settings. */
export interface AugmentRequest {
  seed: number;
  epoch: number;
  mosaic?: { probability: number; pool: readonly ManifestImage[] };
}

/** A change made to a decoded eval image before it is letterboxed (the robustness evaluation's corruptions). */
export type EvalTransform = (img: ManifestImage, raw: RawImage) => Promise<RawImage>;

/** Decodes, caches, letterboxes and augments manifest images into batches. */
export class BatchSource {
  private readonly cache = new Map<number, Promise<RawImage>>();
  private readonly evalCache = new Map<number, Promise<Uint8Array>>();
  private cachedBytes = 0;

  constructor(
    readonly numClasses: number,
    readonly imgSize: number,
    readonly grid: Grid,
    readonly cacheBytes = DEFAULT_CACHE_BYTES,
    /** Loss weight per class of training batches (class-balance.ts); null = every location weighs 1. */
    readonly classWeights: readonly number[] | null = null,
  ) {}

  /** The decoded image at the input's scale (scale-cache.ts), from the cache when it fits the budget. */
  decode(img: ManifestImage): Promise<RawImage> {
    const hit = this.cache.get(img.id);
    if (hit) return hit;
    const p = decodeAtScale(img.file, cachedSide(this.imgSize));
    const estimate = decodedBytes(img, this.imgSize);
    if (this.cachedBytes + estimate <= this.cacheBytes) {
      this.cachedBytes += estimate;
      this.cache.set(img.id, p);
      p.catch(() => this.cache.delete(img.id));
    }
    return p;
  }

  /** The letterboxed canvas of an eval image (cached while small). */
  private async evalCanvas(img: ManifestImage, raw: RawImage, p: Placement): Promise<Uint8Array> {
    const hit = this.evalCache.get(img.id);
    if (hit) return hit;
    const c = renderPlacement(raw, p, this.imgSize);
    if (this.cachedBytes + this.imgSize * this.imgSize * 3 <= this.cacheBytes) {
      this.cachedBytes += this.imgSize * this.imgSize * 3;
      this.evalCache.set(img.id, c);
    }
    return c;
  }

  /**
   * Builds a batch. With `augment`, each image's jitter comes from hash(seed, epoch, image id); with
   * `augment.mosaic`, an image becomes a mosaic with three others drawn from `augment.mosaic.pool` with
   * probability `augment.mosaic.probability`. Without `augment`, the plain letterbox (evaluation), of the image
   * as `transform` changes it when given (not cached).
   */
  async makeBatch(
    images: readonly ManifestImage[],
    augment: AugmentRequest | null,
    transform?: EvalTransform,
  ): Promise<Batch> {
    const S = this.imgSize;
    const n = images.length;
    const N = this.grid.size;
    const C = this.numClasses;
    const batch: Batch = {
      ids: images.map((i) => i.id),
      size: n,
      x: new Float32Array(n * S * S * 3),
      cls: new Float32Array(n * N * C),
      box: new Float32Array(n * N * 4),
      pos: new Float32Array(n * N),
      placements: [],
      boxes: [],
      ...(augment && this.classWeights ? { weight: new Float32Array(n * N).fill(1) } : {}),
    };
    const prepared = await Promise.all(
      images.map((img) => namingFailures(img, (at) => this.prepareImage(img, augment, transform, at))),
    );
    prepared.forEach(({ raw, img, placement, colour, canvas, boxes: mosaic }, i) => {
      try {
        writeFloat(canvas, S, placement.flip, colour, batch.x, i * S * S * 3);
        const boxes = mosaic ?? transformBoxes(sourceBoxes(img, raw), placement, S);
        const t = assignTargets(this.grid, boxes, C, S);
        batch.cls.set(t.cls, i * N * C);
        batch.box.set(t.box, i * N * 4);
        batch.pos.set(t.pos, i * N);
        if (batch.weight) writeLocationWeights(t, this.classWeights!, C, batch.weight, i * N);
        batch.placements.push(placement);
        batch.boxes.push(boxes);
      } catch (e) {
        throw imageFailure(img, 'writing pixels and targets of', e);
      }
    });
    return batch;
  }

  /** One image of a batch rendered (decoded, placed, maybe made a mosaic); `at` names each op as it starts. */
  private async prepareImage(
    img: ManifestImage,
    augment: AugmentRequest | null,
    transform: EvalTransform | undefined,
    at: (op: string) => void,
  ): Promise<PreparedImage> {
    const S = this.imgSize;
    at('decoding');
    const raw = await this.decode(img);
    if (!augment) {
      const placement = letterboxPlacement(raw.width, raw.height, S);
      at(transform ? 'transforming and letterboxing' : 'letterboxing');
      const canvas = transform
        ? await renderPlacement(await transform(img, raw), placement, S)
        : await this.evalCanvas(img, raw, placement);
      return { raw, img, placement, colour: null, canvas };
    }
    const rng = new SeededRng(hashIntsFnv(augment.seed, augment.epoch, img.id, 0xa06));
    const { placement, colour } = augmentPlacement(raw.width, raw.height, S, rng);
    const m = augment.mosaic;
    if (m && m.pool.length > 1 && rng.next() < m.probability) {
      const others = [0, 1, 2].map(() => m.pool[Math.floor(rng.next() * m.pool.length)]!);
      const srcs = [img, ...others];
      at('decoding the mosaic partners of');
      const raws = [raw, ...(await Promise.all(others.map((o) => this.decode(o))))];
      at('rendering the mosaic of');
      const layout = mosaicLayout(raws, S, rng);
      const canvas = await renderMosaic(raws, layout, S);
      let boxes = mosaicBoxes(
        srcs.map((s, k) => sourceBoxes(s, raws[k]!)),
        layout,
        S,
      );
      if (placement.flip) boxes = mirrorBoxes(boxes, S);
      return { raw, img, placement, colour, canvas, boxes };
    }
    at('rendering the augmented placement of');
    return { raw, img, placement, colour, canvas: await renderPlacement(raw, placement, S) };
  }
}

/** An image of a batch once rendered: its canvas and what writing it into the batch needs. */
interface PreparedImage {
  raw: RawImage;
  img: ManifestImage;
  placement: Placement;
  colour: ColourJitter | null;
  canvas: Uint8Array;
  /** The boxes on a mosaic canvas (otherwise derived from the placement). */
  boxes?: InputBox[];
}

/**
 * A failure while preparing an image, said as what it is (issue 12: which image, which op): the op and the file
 * are named unless the cause already names the file (decodeRgb's "cannot decode image FILE: ...").
 */
export function imageFailure(img: ManifestImage, op: string, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (message.includes(img.file)) return cause instanceof Error ? cause : new Error(message);
  return new Error(`${op} image ${img.file} (id ${img.id}) failed: ${message}`);
}

/** Runs `prepare`, turning a failure into imageFailure with the op it was in when it failed. */
async function namingFailures<T>(
  img: ManifestImage,
  prepare: (at: (op: string) => void) => Promise<T>,
): Promise<T> {
  let op = 'preparing';
  try {
    return await prepare((next) => (op = next));
  } catch (e) {
    throw imageFailure(img, op, e);
  }
}

/** Loss weight of each location of one image: its class's weight at positives, 1 elsewhere. */
function writeLocationWeights(
  t: ImageTargets,
  classWeights: readonly number[],
  numClasses: number,
  out: Float32Array,
  offset: number,
): void {
  for (let k = 0; k < t.pos.length; k++) {
    if (!t.pos[k]) continue;
    for (let c = 0; c < numClasses; c++) if (t.cls[k * numClasses + c]) out[offset + k] = classWeights[c]!;
  }
}

/** The training order of an epoch: a seeded shuffle of the train images. */
export function epochOrder(images: readonly ManifestImage[], seed: number, epoch: number): ManifestImage[] {
  return new SeededRng(hashIntsFnv(seed, epoch, 0x5eed)).shuffle(images);
}

/** Splits into batches; a last batch of one image is dropped (batch-norm statistics of one image are noise). */
export function chunk<T>(items: readonly T[], size: number, dropSingles = true): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  if (dropSingles && out.length > 1 && out[out.length - 1]!.length < 2) out.pop();
  return out;
}

/**
 * Yields batches with `depth` batches prepared ahead, so decoding and augmentation overlap the step.
 * Batches are identical to sequential preparation (nothing depends on timing).
 */
export async function* prefetch(
  groups: readonly ManifestImage[][],
  make: (g: ManifestImage[]) => Promise<Batch>,
  depth = 2,
): AsyncGenerator<Batch> {
  const queue: Promise<Batch>[] = [];
  let next = 0;
  while (next < groups.length || queue.length > 0) {
    while (next < groups.length && queue.length < depth) {
      const job = make(groups[next++]!);
      job.catch(() => undefined);
      queue.push(job);
    }
    yield await queue.shift()!;
  }
}
