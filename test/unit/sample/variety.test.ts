import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { probeBuffer } from '../../../src/main/services/images/probe';
import { sampleClassNames } from '../../../src/main/services/sample/classes';
import { encodeSampleImage, SAMPLE_MODES, type SampleMode } from '../../../src/main/services/sample/encode';
import { type SampleImage, generateSample, sampleSplit } from '../../../src/main/services/sample/generator';
import { renderSampleImage } from '../../../src/main/services/sample/scene';
import { decodeRgb } from '../../../src/main/trainer/data/image';
import { makeTmpDir } from '../../helpers/tmp';

// The generator's options for dataset shapes (`ridge sample --classes/--negatives/--modes/--sizes/--object-sizes/
// --max-boxes/--splits`), and that every image mode decodes for training to the picture the boxes were drawn on.

async function collect(opts: Parameters<typeof generateSample>[0]): Promise<SampleImage[]> {
  const out: SampleImage[] = [];
  for await (const img of generateSample(opts)) out.push(img);
  return out;
}

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

/** Mean absolute difference per channel value between a decoded image and the expected RGB bytes. */
function meanDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** The picture in grey, as three equal channels (what a grey file decodes to). */
function greyOf(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const g = 0.2126 * rgb[i]! + 0.7152 * rgb[i + 1]! + 0.0722 * rgb[i + 2]!;
    out.fill(Math.round(g), i, i + 3);
  }
  return out;
}

describe('sample classes', () => {
  it('makes 1 to 80 classes: the shapes up to 6, shape x hue band beyond', () => {
    expect(sampleClassNames(1)).toEqual(['circle']);
    expect(sampleClassNames(2)).toEqual(['circle', 'square']);
    const eighty = sampleClassNames(80);
    expect(eighty).toHaveLength(80);
    expect(new Set(eighty).size).toBe(80);
    expect(eighty.slice(0, 7)).toEqual([
      'circle-1',
      'square-1',
      'triangle-1',
      'cross-1',
      'star-1',
      'ring-1',
      'circle-2',
    ]);
    expect(() => sampleClassNames(0)).toThrow(/classes must be 1..80/);
    expect(() => sampleClassNames(81)).toThrow(/classes must be 1..80/);
  });

  it('labels boxes only with the classes asked for', async () => {
    const one = await collect({ count: 10, seed: 1, classes: 1, width: 96, height: 72 });
    expect(new Set(one.flatMap((i) => i.boxes.map((b) => b.label)))).toEqual(new Set(['circle']));
    const many = await collect({ count: 20, seed: 1, classes: 80, width: 96, height: 72 });
    const names = new Set(sampleClassNames(80));
    const used = new Set(many.flatMap((i) => i.boxes.map((b) => b.label)));
    expect([...used].every((l) => names.has(l))).toBe(true);
    expect(used.size).toBeGreaterThan(20);
  });
});

describe('sample shapes', () => {
  it('gives about the asked share of negatives', async () => {
    const imgs = await collect({ count: 60, seed: 2, negatives: 0.5, width: 64, height: 64 });
    const negatives = imgs.filter((i) => i.boxes.length === 0).length;
    expect(negatives).toBeGreaterThan(18);
    expect(negatives).toBeLessThan(42);
    expect(
      (await collect({ count: 10, seed: 2, negatives: 1, width: 64, height: 64 })).every(
        (i) => i.boxes.length === 0,
      ),
    ).toBe(true);
  });

  it('cycles sizes, modes and object sizes over the images: tiny boxes, boxes covering the whole image', async () => {
    const imgs = await collect({
      count: 6,
      seed: 3,
      sizes: [
        { width: 320, height: 240 },
        { width: 400, height: 100 },
        { width: 24, height: 20 },
      ],
      modes: ['png', 'webp'],
      objectSizes: [
        [0.01, 0.02],
        [1.4, 1.8],
      ],
    });
    expect(imgs.map((i) => `${i.width}x${i.height}`)).toEqual([
      '320x240',
      '400x100',
      '24x20',
      '320x240',
      '400x100',
      '24x20',
    ]);
    expect(imgs.map((i) => i.fileName.split('.')[1])).toEqual(['png', 'webp', 'png', 'webp', 'png', 'webp']);
    for (const img of imgs) {
      const meta = await sharp(img.buffer).metadata();
      expect([meta.width, meta.height]).toEqual([img.width, img.height]);
    }
    // Even images: objects of 1-2% of the side, so boxes under 8 px; odd ones: objects overflowing the image.
    const tiny = imgs[0]!.boxes;
    expect(tiny.length).toBeGreaterThan(0);
    expect(tiny.every((b) => Math.max(b.w, b.h) < 8)).toBe(true);
    const whole = imgs[3]!.boxes;
    expect(whole.some((b) => b.x === 0 && b.y === 0 && b.w === 320 && b.h === 240)).toBe(true);
  });

  it('places up to --max-boxes objects per image (300: hundreds of small boxes)', async () => {
    const imgs = await collect({ count: 2, seed: 4, maxBoxes: 300, width: 480, height: 480 });
    for (const img of imgs) {
      expect(img.boxes.length).toBeGreaterThan(150);
      expect(img.boxes.length).toBeLessThanOrEqual(300);
      for (const b of img.boxes) expect(b.x + b.w <= 480 && b.y + b.h <= 480).toBe(true);
    }
  });

  it('splits by the asked shares per block of 20, and 70/15/15 as before by default', () => {
    const count = (shares?: [number, number, number]) => {
      const c = { train: 0, val: 0, test: 0 };
      for (let i = 0; i < 40; i++) c[sampleSplit(9, i, shares)]++;
      return c;
    };
    expect(count()).toEqual({ train: 28, val: 6, test: 6 });
    expect(count([100, 0, 0])).toEqual({ train: 40, val: 0, test: 0 });
    expect(count([50, 0, 50])).toEqual({ train: 20, val: 0, test: 20 });
    for (let i = 0; i < 40; i++) expect(sampleSplit(9, i, [70, 15, 15])).toBe(sampleSplit(9, i));
  });

  it('refuses options out of range, naming them', async () => {
    await expect(collect({ count: 1, seed: 1, classes: 81 })).rejects.toThrow(/classes/);
    await expect(collect({ count: 1, seed: 1, negatives: 1.5 })).rejects.toThrow(/negatives/);
    await expect(collect({ count: 1, seed: 1, modes: ['gif' as SampleMode] })).rejects.toThrow(
      /mode must be one of/,
    );
    await expect(collect({ count: 1, seed: 1, sizes: [{ width: 8, height: 100 }] })).rejects.toThrow(
      /width must be/,
    );
    await expect(collect({ count: 1, seed: 1, objectSizes: [[0.5, 0.2]] })).rejects.toThrow(/object sizes/);
    await expect(collect({ count: 1, seed: 1, maxBoxes: 0 })).rejects.toThrow(/max boxes/);
    await expect(collect({ count: 1, seed: 1, splits: [0, 0, 0] })).rejects.toThrow(/splits/);
  });
});

describe('image modes', () => {
  const W = 120;
  const H = 90;
  const { raw } = renderSampleImage(3, 1, W, H);

  /** Header facts of each mode: what real files in that layout report. */
  const expected: Record<SampleMode, { format: string; channels: number; depth?: string; space?: string }> = {
    jpeg: { format: 'jpeg', channels: 3 },
    png: { format: 'png', channels: 3 },
    gray: { format: 'png', channels: 1, space: 'b-w' },
    'gray-alpha': { format: 'png', channels: 2, space: 'b-w' },
    rgba: { format: 'png', channels: 4 },
    palette: { format: 'png', channels: 3 },
    png16: { format: 'png', channels: 3, depth: 'ushort' },
    cmyk: { format: 'jpeg', channels: 4, space: 'cmyk' },
    exif: { format: 'jpeg', channels: 3 },
    webp: { format: 'webp', channels: 3 },
  };

  it.each(SAMPLE_MODES)(
    '%s: a real file of that layout, decoded for training to the picture as drawn',
    async (mode) => {
      const buf = await encodeSampleImage(raw, W, H, mode, 0);
      const meta = await sharp(buf).metadata();
      expect(meta).toMatchObject(expected[mode]);
      if (mode === 'palette') expect(meta.isPalette).toBe(true);
      const file = path.join(tmp.dir, `${mode}.img`);
      writeFileSync(file, buf);
      const d = await decodeRgb(file);
      expect([d.width, d.height]).toEqual([W, H]);
      const grey = mode === 'gray' || mode === 'gray-alpha';
      // Lossy codecs and CMYK's smaller gamut move values a little; a wrong channel order or frame moves them a lot.
      const tolerance = mode === 'cmyk' ? 10 : mode === 'gray-alpha' || mode === 'rgba' ? 3 : 5;
      expect(meta.width).toBeGreaterThan(0);
      expect(meanDiff(d.data, grey ? greyOf(raw) : raw)).toBeLessThan(tolerance);
    },
  );

  it('exif: stored turned (orientations 6, 3, 8), probed and decoded in the frame people see, where the boxes are', async () => {
    for (const index of [0, 1, 2]) {
      const buf = await encodeSampleImage(raw, W, H, 'exif', index);
      const meta = await sharp(buf).metadata();
      expect(meta.orientation).toBe([6, 3, 8][index]);
      const probe = await probeBuffer(buf);
      expect(probe).toMatchObject({ ok: true, width: W, height: H, orientation: [6, 3, 8][index] });
      const file = path.join(tmp.dir, `exif-${index}.jpg`);
      writeFileSync(file, buf);
      const d = await decodeRgb(file);
      expect([d.width, d.height]).toEqual([W, H]);
      const right = meanDiff(d.data, raw);
      expect(right).toBeLessThan(5);
      // Without the rotation the pixels are another picture (or another size).
      const stored = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
      if (stored.info.width === W)
        expect(meanDiff(new Uint8Array(stored.data), raw)).toBeGreaterThan(3 * right);
      else expect([stored.info.width, stored.info.height]).toEqual([H, W]);
    }
  });

  it('transparent pixels decode as the letterbox grey, not as the colour under them', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([255, 0, 0, i < 8 ? 0 : 255], i * 4);
    const file = path.join(tmp.dir, 'alpha.png');
    await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toFile(file);
    const d = await decodeRgb(file);
    expect(Array.from(d.data.subarray(0, 3))).toEqual([114, 114, 114]);
    expect(Array.from(d.data.subarray(45, 48))).toEqual([255, 0, 0]);
  });

  it('names the file it cannot decode', async () => {
    const file = path.join(tmp.dir, 'broken.png');
    writeFileSync(file, Buffer.from('not an image at all'));
    await expect(decodeRgb(file)).rejects.toThrow(/cannot decode image .*broken\.png: /);
  });
});
