import sharp from 'sharp';
import type { Split } from '../../../shared/domain/types';
import { Rng, hashInts } from './prng';
import type { SampleBox } from './render';
import { checkImbalance } from './imbalance';
import { renderSampleImage } from './scene';
import { SAMPLE_CLASSES } from './shapes';

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
  /** Class shares of the boxes (imbalance.ts), one per class: also the class count. Default: 6 even classes. */
  imbalance?: readonly number[];
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
  boxes: SampleBox[];
}

/** Split shares of the sample: in every block of 20 consecutive images, exactly 14 train, 3 val, 3 test. */
export const SAMPLE_SPLIT_BLOCK = { size: 20, train: 14, val: 3 } as const;
const SPLIT_STREAM = 2;

/**
 * The split of image `index`: a seeded shuffle inside each block of 20 images gives exactly 70/15/15 for any
 * multiple of 20 (and within a few images otherwise), and an image keeps its split whatever the count.
 */
export function sampleSplit(seed: number, index: number): Split {
  const { size, train, val } = SAMPLE_SPLIT_BLOCK;
  const block = Math.floor(index / size);
  const order = new Rng(hashInts(seed, block, SPLIT_STREAM)).shuffle(
    Array.from({ length: size }, (_, i) => i),
  );
  const rank = order[index % size]!;
  return rank < train ? 'train' : rank < train + val ? 'val' : 'test';
}

/** The file name of image `index`. */
export function sampleFileName(index: number, format: 'jpeg' | 'png' = 'jpeg'): string {
  return `sample_${String(index).padStart(5, '0')}.${format === 'jpeg' ? 'jpg' : 'png'}`;
}

function checkOptions(o: SampleOptions): Required<Omit<SampleOptions, 'imbalance'>> {
  const { count, seed, width = 320, height = 240, format = 'jpeg' } = o;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 64 || v > 4096)
      throw new RangeError(`${name} must be 64..4096, got ${v}`);
  }
  if (format !== 'jpeg' && format !== 'png')
    throw new RangeError(`format must be jpeg or png, got ${String(format)}`);
  return { count, seed, width, height, format };
}

/** How many encodes run ahead of the consumer: encoding overlaps the next render, memory stays bounded. */
const LOOKAHEAD = 3;

/**
 * The built-in synthetic detection dataset, one image at a time (never all in memory): shapes of
 * SAMPLE_CLASSES on cluttered backgrounds, with exact boxes and a 70/15/15 split. Deterministic by seed:
 * the same options give byte-identical images and boxes.
 */
export async function* generateSample(options: SampleOptions): AsyncGenerator<SampleImage> {
  const { count, seed, width, height, format } = checkOptions(options);
  const shares = options.imbalance;
  if (shares) checkImbalance(shares, SAMPLE_CLASSES.length);
  const queue: Promise<SampleImage>[] = [];
  const start = (index: number): Promise<SampleImage> => {
    const { raw, boxes } = renderSampleImage(seed, index, width, height, shares);
    const img = sharp(raw, { raw: { width, height, channels: 3 } });
    const encoded = format === 'jpeg' ? img.jpeg({ quality: 90 }) : img.png({ compressionLevel: 6 });
    return encoded.toBuffer().then((buffer) => ({
      index,
      fileName: sampleFileName(index, format),
      buffer,
      width,
      height,
      split: sampleSplit(seed, index),
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
