import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBmp24 } from '../../../src/main/services/images/bmp';
import { sha256Hex } from '../../../src/main/services/images/hash';
import {
  ImageReadError,
  ensureThumbnail,
  readImageForDisplay,
  thumbnailPath,
} from '../../../src/main/services/images/thumbnails';
import { VOC100, requireFixture } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

const W = 400;
const H = 200;
let tmp: ReturnType<typeof makeTmpDir>;
let cache: string;
const files: Record<string, string> = {};

/** Left half red, right half blue: lets a test see which way the image was turned. */
function halves(width = W, height = H): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      raw.set(x < width / 2 ? [220, 20, 20] : [20, 20, 220], (y * width + x) * 3);
  }
  return raw;
}

beforeAll(async () => {
  tmp = makeTmpDir('ridge-thumb-');
  cache = path.join(tmp.dir, '.cache');
  const img = () => sharp(halves(), { raw: { width: W, height: H, channels: 3 } });
  const put = (name: string, data: Buffer): void => {
    files[name] = path.join(tmp.dir, name);
    writeFileSync(files[name]!, data);
  };
  put('a.jpg', await img().jpeg().toBuffer());
  put('a.png', await img().png().toBuffer());
  put('a.webp', await img().webp().toBuffer());
  put('a.tiff', await img().tiff().toBuffer());
  put('a.bmp', encodeBmp24(halves(), W, H));
  put('o6.jpg', await img().jpeg().withMetadata({ orientation: 6 }).toBuffer());
  put(
    'small.png',
    await sharp(halves(40, 30), { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toBuffer(),
  );
  put('notes.jpg', Buffer.from('just text'));
});
afterAll(() => tmp.cleanup());

const hashOf = (name: string): string => sha256Hex(readFileSync(files[name]!));

describe('thumbnailPath', () => {
  it('keys the cache by content hash and size', () => {
    const sha = 'AB'.repeat(32);
    expect(thumbnailPath('/c', sha, 128)).toBe(
      path.join('/c', 'thumbs', 'ab', `${'ab'.repeat(32)}_128.webp`),
    );
    expect(() => thumbnailPath('/c', '../../etc', 128)).toThrow(/content hash/);
    expect(() => thumbnailPath('/c', sha, 0)).toThrow(/size/);
  });
});

describe('ensureThumbnail', () => {
  it.each(['a.jpg', 'a.png', 'a.webp', 'a.tiff', 'a.bmp'])(
    'makes a WebP that fits 256x256 from %s',
    async (name) => {
      const out = await ensureThumbnail(files[name]!, cache, hashOf(name));
      expect(out).toBe(thumbnailPath(cache, hashOf(name), 256));
      const meta = await sharp(out).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 256, height: 128 });
      // Colours survive (BMP's BGR order in particular): left is red, right is blue.
      const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      const px = (x: number) => [
        ...data.subarray((64 * info.width + x) * info.channels, (64 * info.width + x) * info.channels + 3),
      ];
      expect(px(20)[0]).toBeGreaterThan(150);
      expect(px(236)[2]).toBeGreaterThan(150);
    },
  );

  it('applies EXIF orientation 6 (turned 90 degrees clockwise)', async () => {
    const out = await ensureThumbnail(files['o6.jpg']!, cache, hashOf('o6.jpg'), 100);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([50, 100]);
    const red = (y: number) => data[(y * info.width + 25) * info.channels]!;
    // The left (red) half of the stored image ends up on top.
    expect(red(10)).toBeGreaterThan(150);
    expect(red(90)).toBeLessThan(100);
  });

  it('never enlarges a small image', async () => {
    const out = await ensureThumbnail(files['small.png']!, cache, hashOf('small.png'));
    expect(await sharp(out).metadata()).toMatchObject({ width: 40, height: 30 });
  });

  it('reuses the cached file: the second call does not rewrite it', async () => {
    const sha = hashOf('a.png');
    const first = await ensureThumbnail(files['a.png']!, cache, sha, 64);
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(first, old, old);
    const second = await ensureThumbnail(files['a.png']!, cache, sha, 64);
    expect(second).toBe(first);
    expect(statSync(second).mtimeMs).toBe(old.getTime());
  });

  it('shares one render between concurrent calls and leaves no temp files', async () => {
    const sha = hashOf('a.jpg');
    const outs = await Promise.all([1, 2, 3, 4].map(() => ensureThumbnail(files['a.jpg']!, cache, sha, 48)));
    expect(new Set(outs).size).toBe(1);
    expect(readdirSync(path.dirname(outs[0]!)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('throws ImageReadError for a file that is not an image, and writes nothing', async () => {
    const sha = hashOf('notes.jpg');
    await expect(ensureThumbnail(files['notes.jpg']!, cache, sha)).rejects.toBeInstanceOf(ImageReadError);
    expect(existsSync(thumbnailPath(cache, sha))).toBe(false);
  });

  it('thumbnails a real fixture photo', async () => {
    const file = path.join(requireFixture(VOC100), 'images', '2007_000027.jpg');
    const out = await ensureThumbnail(file, cache, sha256Hex(readFileSync(file)));
    expect(await sharp(out).metadata()).toMatchObject({ format: 'webp', width: 249, height: 256 });
  });
});

describe('readImageForDisplay', () => {
  it('passes JPEG, PNG and WebP through byte for byte', async () => {
    for (const [name, mime] of [
      ['a.jpg', 'image/jpeg'],
      ['a.png', 'image/png'],
      ['a.webp', 'image/webp'],
    ] as const) {
      const d = await readImageForDisplay(files[name]!);
      expect(d.mime).toBe(mime);
      expect(d.buffer.equals(readFileSync(files[name]!))).toBe(true);
    }
  });

  it('converts BMP and TIFF to PNG', async () => {
    for (const name of ['a.bmp', 'a.tiff']) {
      const d = await readImageForDisplay(files[name]!);
      expect(d.mime).toBe('image/png');
      expect(await sharp(d.buffer).metadata()).toMatchObject({ format: 'png', width: W, height: H });
    }
  });

  it('refuses text with a clear error', async () => {
    await expect(readImageForDisplay(files['notes.jpg']!)).rejects.toThrow(/not a supported image/);
  });
});
