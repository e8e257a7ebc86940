import type { Split } from '../../../shared/domain/types';
import { MAX_SAMPLE_CLASSES, sampleClassSpecs } from './classes';
import { checkImbalance } from './imbalance';
import { encodeSampleImage, modeExtension, SAMPLE_MODES, type SampleMode } from './encode';
import { Rng, hashIntsMurmur } from './prng';
import type { SampleBox } from './render';
import { NEGATIVE_RATE, renderSampleImage, sizeRangeFor, type SceneOptions } from './scene';

/** Options of generateSample. */
export interface SampleOptions {
  /** Number of images. */
  count: number;
  /** Any safe integer; the same seed always gives the same dataset. */
  seed: number;
  /** Image size in pixels (default 320 x 240). */
  width?: number;
  height?: number;
  /** Encoding (default jpeg, quality 90). PNG is lossless, for tests that compare pixels. */
  format?: 'jpeg' | 'png';
  /** Number of classes, 1..80 (default 6: the shapes of SAMPLE_CLASSES; with imbalance, one per share). */
  classes?: number;
  /** Class shares of the boxes (imbalance.ts), one per class; default: classes drawn evenly. */
  imbalance?: readonly number[];
  /** Share of images with no objects, 0..1 (default 0.05). */
  negatives?: number;
  /** Encodings cycled over the images (image i: modes[i % n]); overrides format. */
  modes?: readonly SampleMode[];
  /** Image sizes cycled over the images; overrides width and height. */
  sizes?: readonly { width: number; height: number }[];
  /**
   * Object size ranges (larger side over image side, up to 2: above 1 the object overflows the image and its box
   * covers all of it) cycled over the images; default from maxBoxes.
   */
  objectSizes?: readonly (readonly [number, number])[];
  /** Most objects per image (default 6; above 6, every image gets half of it to all of it). */
  maxBoxes?: number;
  /** Split shares train, val, test in percent (default 70, 15, 15), applied per block of 20 images. */
  splits?: readonly [number, number, number];
}

/** One generated image with its ground truth. */
export interface SampleImage {
  index: number;
  /** e.g. sample_00042.jpg */
  fileName: string;
  buffer: Buffer;
  width: number;
  height: number;
  split: Split;
  /** How the file is encoded. */
  mode: SampleMode;
  boxes: SampleBox[];
}

/** Split shares of the sample: in every block of 20 consecutive images, exactly 14 train, 3 val, 3 test. */
export const SAMPLE_SPLIT_BLOCK = { size: 20, train: 14, val: 3 } as const;
const SPLIT_STREAM = 2;

/** Train and val images per block of 20 for split shares in percent (70/15/15 gives 14 and 3). */
function splitCounts(shares: readonly [number, number, number]): { train: number; val: number } {
  const sum = shares[0] + shares[1] + shares[2];
  const { size } = SAMPLE_SPLIT_BLOCK;
  const train = Math.round((size * shares[0]) / sum);
  return { train, val: Math.min(size - train, Math.round((size * shares[1]) / sum)) };
}

/**
 * The split of image `index`: a seeded shuffle inside each block of 20 images gives exactly the shares (70/15/15
 * by default) for any multiple of 20 (and within a few images otherwise), and an image keeps its split whatever
 * the count.
 */
export function sampleSplit(
  seed: number,
  index: number,
  shares: readonly [number, number, number] = [70, 15, 15],
): Split {
  const { size } = SAMPLE_SPLIT_BLOCK;
  const { train, val } = splitCounts(shares);
  const block = Math.floor(index / size);
  const order = new Rng(hashIntsMurmur(seed, block, SPLIT_STREAM)).shuffle(
    Array.from({ length: size }, (_, i) => i),
  );
  const rank = order[index % size]!;
  return rank < train ? 'train' : rank < train + val ? 'val' : 'test';
}

/** The file name of image `index` in an encoding mode (jpeg, png, or any of SAMPLE_MODES). */
export function sampleFileName(index: number, mode: SampleMode = 'jpeg'): string {
  return `sample_${String(index).padStart(5, '0')}.${modeExtension(mode)}`;
}

/** Smallest and largest image side the generator makes (images smaller than any model input are allowed). */
export const SAMPLE_SIDE_RANGE = [16, 8192] as const;
/** Largest object size (larger side over image side): above 1 an object overflows the image, its box is all of it. */
export const MAX_OBJECT_SIZE = 2;
/** Most objects per image the generator places. */
export const MAX_SAMPLE_BOXES = 500;

/** How many classes a sample with these options has: `classes`, else one per imbalance share, else 6. */
export function sampleClassCount(o: Pick<SampleOptions, 'classes' | 'imbalance'>): number {
  return o.classes ?? o.imbalance?.length ?? 6;
}

/** Checks imbalance shares, if any: positive, 2..80 of them, one per class when `classes` is given too. */
export function checkClassShares(o: Pick<SampleOptions, 'classes' | 'imbalance'>): void {
  const shares = o.imbalance;
  if (!shares) return;
  checkImbalance(shares, MAX_SAMPLE_CLASSES);
  if (shares.length !== sampleClassCount(o))
    throw new RangeError(
      `imbalance needs one class share per class (${sampleClassCount(o)} classes), got ${shares.length}`,
    );
}

/** Everything generateSample needs per image, checked once. */
interface Plan {
  count: number;
  seed: number;
  modes: readonly SampleMode[];
  sizes: readonly { width: number; height: number }[];
  scenes: SceneOptions[];
  splits: readonly [number, number, number];
}

function checkShare(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be a share from 0 to 1, got ${v}`);
}

function checkOptions(o: SampleOptions): Plan {
  const { count, seed, width = 320, height = 240, format = 'jpeg' } = o;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const [minSide, maxSide] = SAMPLE_SIDE_RANGE;
  const sizes = o.sizes?.length ? o.sizes : [{ width, height }];
  for (const s of sizes)
    for (const [name, v] of [
      ['width', s.width],
      ['height', s.height],
    ] as const) {
      if (!Number.isInteger(v) || v < minSide || v > maxSide)
        throw new RangeError(`${name} must be ${minSide}..${maxSide}, got ${v}`);
    }
  if (format !== 'jpeg' && format !== 'png')
    throw new RangeError(`format must be jpeg or png, got ${String(format)}`);
  const modes = o.modes?.length ? o.modes : [format];
  for (const m of modes)
    if (!SAMPLE_MODES.includes(m))
      throw new RangeError(`mode must be one of ${SAMPLE_MODES.join(', ')}, got ${String(m)}`);
  const negativeRate = o.negatives ?? NEGATIVE_RATE;
  checkShare('negatives', negativeRate);
  const maxObjects = o.maxBoxes ?? 6;
  if (!Number.isInteger(maxObjects) || maxObjects < 1 || maxObjects > MAX_SAMPLE_BOXES)
    throw new RangeError(`max boxes must be 1..${MAX_SAMPLE_BOXES}, got ${maxObjects}`);
  const ranges = o.objectSizes?.length ? o.objectSizes : [sizeRangeFor(maxObjects)];
  for (const [lo, hi] of ranges)
    if (!(lo > 0 && lo <= hi && hi <= MAX_OBJECT_SIZE))
      throw new RangeError(`object sizes must satisfy 0 < lo <= hi <= ${MAX_OBJECT_SIZE}, got ${lo}-${hi}`);
  const splits = o.splits ?? [70, 15, 15];
  if (splits.some((v) => !(v >= 0)) || splits[0] + splits[1] + splits[2] <= 0)
    throw new RangeError(`splits must be three shares >= 0 with a positive sum, got ${splits.join(',')}`);
  const classes = sampleClassSpecs(sampleClassCount(o));
  checkClassShares(o);
  const classShares = o.imbalance;
  const scenes = ranges.map((sizeRange) => ({
    classes,
    negativeRate,
    maxObjects,
    sizeRange,
    ...(classShares ? { classShares } : {}),
  }));
  return { count, seed, modes, sizes, scenes, splits };
}

/** How many encodes run ahead of the consumer: encoding overlaps the next render, memory stays bounded. */
const LOOKAHEAD = 3;

/**
 * The built-in synthetic detection dataset, one image at a time (never all in memory): shapes of
 * SAMPLE_CLASSES (or 1..80 classes) on cluttered backgrounds, with exact boxes and a 70/15/15 split. Deterministic by seed:
 * the same options give byte-identical images and boxes.
 */
export async function* generateSample(options: SampleOptions): AsyncGenerator<SampleImage> {
  const { count, seed, modes, sizes, scenes, splits } = checkOptions(options);
  const queue: Promise<SampleImage>[] = [];
  const start = (index: number): Promise<SampleImage> => {
    const { width, height } = sizes[index % sizes.length]!;
    const mode = modes[index % modes.length]!;
    const { raw, boxes } = renderSampleImage(seed, index, width, height, scenes[index % scenes.length]);
    return encodeSampleImage(raw, width, height, mode, index).then((buffer) => ({
      index,
      fileName: sampleFileName(index, mode),
      buffer,
      width,
      height,
      split: sampleSplit(seed, index, splits),
      mode,
      boxes,
    }));
  };
  let next = 0;
  while (next < count || queue.length > 0) {
    while (next < count && queue.length < LOOKAHEAD) {
      const job = start(next++);
      // Marked handled now, so an encode failing while still queued is not an unhandled rejection; the
      // await below still throws it.
      job.catch(() => undefined);
      queue.push(job);
    }
    yield await queue.shift()!;
  }
}
