import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Split } from '../../../src/shared/domain/types';
import {
  type SampleImage,
  generateSample,
  sampleFileName,
  sampleSplit,
} from '../../../src/main/services/sample/generator';
import { SAMPLE_CLASSES } from '../../../src/main/services/sample/shapes';

async function collect(opts: Parameters<typeof generateSample>[0]): Promise<SampleImage[]> {
  const out: SampleImage[] = [];
  for await (const img of generateSample(opts)) out.push(img);
  return out;
}

const W = 320;
const H = 240;
let big: SampleImage[];

beforeAll(async () => {
  big = await collect({ count: 200, seed: 2024 });
});

describe('generateSample', () => {
  it('yields count images in order with names, sizes and decodable JPEG', async () => {
    expect(big).toHaveLength(200);
    expect(big.map((i) => i.index)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(big[42]!.fileName).toBe('sample_00042.jpg');
    for (const img of big.slice(0, 5)) {
      expect(await sharp(img.buffer).metadata()).toMatchObject({ format: 'jpeg', width: W, height: H });
    }
  });

  it('is deterministic: same seed, byte-identical images and boxes; another seed differs', async () => {
    const a = await collect({ count: 8, seed: 2024 });
    const b = await collect({ count: 8, seed: 2024 });
    const c = await collect({ count: 8, seed: 2025 });
    for (let i = 0; i < 8; i++) {
      expect(a[i]!.buffer.equals(b[i]!.buffer)).toBe(true);
      expect(a[i]!.boxes).toEqual(b[i]!.boxes);
      expect(a[i]!.buffer.equals(big[i]!.buffer)).toBe(true);
      expect(a[i]!.buffer.equals(c[i]!.buffer)).toBe(false);
    }
    expect(a.map((i) => i.boxes)).not.toEqual(c.map((i) => i.boxes));
  });

  it('image i does not depend on count, and PNG output has the same pixels boxes', async () => {
    const png = await collect({ count: 3, seed: 2024, format: 'png' });
    expect(png[2]!.fileName).toBe('sample_00002.png');
    expect(png.map((i) => i.boxes)).toEqual(big.slice(0, 3).map((i) => i.boxes));
    expect(await sharp(png[0]!.buffer).metadata()).toMatchObject({ format: 'png', width: W, height: H });
  });

  it('splits exactly 70/15/15 for 200 images, the same as sampleSplit', () => {
    const counts: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (const img of big) {
      counts[img.split]++;
      expect(img.split).toBe(sampleSplit(2024, img.index));
    }
    expect(counts).toEqual({ train: 140, val: 30, test: 30 });
  });

  it('keeps splits near 70/15/15 for other counts and seeds', () => {
    for (const [seed, count] of [
      [1, 37],
      [99, 1000],
      [2 ** 40 + 3, 123],
    ] as const) {
      const counts: Record<Split, number> = { train: 0, val: 0, test: 0 };
      for (let i = 0; i < count; i++) counts[sampleSplit(seed, i)]++;
      expect(Math.abs(counts.train - 0.7 * count)).toBeLessThanOrEqual(3);
      expect(Math.abs(counts.val - 0.15 * count)).toBeLessThanOrEqual(3);
      expect(Math.abs(counts.test - 0.15 * count)).toBeLessThanOrEqual(3);
    }
  });

  it('boxes lie inside the image, hold 0-6 objects, and size 5-40% of the image side', () => {
    let objects = 0;
    for (const img of big) {
      expect(img.boxes.length).toBeLessThanOrEqual(6);
      for (const b of img.boxes) {
        objects++;
        expect(
          Number.isInteger(b.x) && Number.isInteger(b.y) && Number.isInteger(b.w) && Number.isInteger(b.h),
        ).toBe(true);
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.w).toBeGreaterThan(0);
        expect(b.h).toBeGreaterThan(0);
        expect(b.x + b.w).toBeLessThanOrEqual(W);
        expect(b.y + b.h).toBeLessThanOrEqual(H);
        const larger = Math.max(b.w / W, b.h / H);
        expect(larger).toBeGreaterThanOrEqual(0.05);
        expect(b.w / W).toBeLessThanOrEqual(0.4);
        expect(b.h / H).toBeLessThanOrEqual(0.4);
      }
    }
    expect(objects / big.length).toBeGreaterThan(2.5);
  });

  it('has every class, several objects per image on average, and a few negatives', () => {
    const perClass = new Map<string, number>();
    for (const img of big) for (const b of img.boxes) perClass.set(b.label, (perClass.get(b.label) ?? 0) + 1);
    for (const label of SAMPLE_CLASSES) expect(perClass.get(label) ?? 0).toBeGreaterThan(50);
    expect([...perClass.keys()].sort()).toEqual([...SAMPLE_CLASSES].sort());
    const negatives = big.filter((i) => i.boxes.length === 0).length;
    expect(negatives).toBeGreaterThan(0);
    expect(negatives).toBeLessThan(30);
  });

  it('refuses bad options', async () => {
    await expect(collect({ count: -1, seed: 1 })).rejects.toThrow(/count/);
    await expect(collect({ count: 1, seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(collect({ count: 1, seed: 1, width: 10 })).rejects.toThrow(/width/);
    expect(await collect({ count: 0, seed: 1 })).toEqual([]);
    expect(sampleFileName(7, 'png')).toBe('sample_00007.png');
  });

  it('stops cleanly when the consumer breaks early', async () => {
    let n = 0;
    for await (const img of generateSample({ count: 50, seed: 3 })) {
      expect(img.index).toBe(n++);
      if (n === 4) break;
    }
    expect(n).toBe(4);
  });
});
