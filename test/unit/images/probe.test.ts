import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBmp24 } from '../../../src/main/services/images/bmp';
import { sha256Hex } from '../../../src/main/services/images/hash';
import {
  DECODE_FAIL_ON,
  PROBE_REASONS,
  probeImage,
  probeMany,
} from '../../../src/main/services/images/probe';
import { VOC100, requireFixture } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

const W = 120;
const H = 80;

/** A noisy RGB raster, so compressed files have plenty of data to cut. */
function noise(width = W, height = H): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    raw[i] = s >>> 24;
  }
  return raw;
}

function img(width = W, height = H): Sharp {
  return sharp(noise(width, height), { raw: { width, height, channels: 3 } });
}

let tmp: ReturnType<typeof makeTmpDir>;
const files: Record<string, string> = {};

beforeAll(async () => {
  tmp = makeTmpDir('ridge-probe-');
  const put = (name: string, data: Buffer | string): void => {
    files[name] = path.join(tmp.dir, name);
    writeFileSync(files[name]!, data);
  };
  const jpeg = await img().jpeg({ quality: 90 }).toBuffer();
  const png = await img().png().toBuffer();
  put('a.jpg', jpeg);
  put('a.png', png);
  put('a.webp', await img().webp().toBuffer());
  put('a.tiff', await img().tiff().toBuffer());
  put('a.bmp', encodeBmp24(noise(), W, H));
  put('topdown.bmp', encodeBmp24(noise(), W, H, { topDown: true }));
  put('o6.jpg', await img().jpeg().withMetadata({ orientation: 6 }).toBuffer());
  put('o3.jpg', await img().jpeg().withMetadata({ orientation: 3 }).toBuffer());
  put('empty.jpg', Buffer.alloc(0));
  put('notes.jpg', 'These are my notes, not a photo.\nSecond line.\n');
  put('half.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  put('half.png', png.subarray(0, Math.floor(png.length / 2)));
  put('half.webp', (await img().webp().toBuffer()).subarray(0, 300));
  put('half.tiff', (await img().tiff().toBuffer()).subarray(0, 5000));
  put('half.bmp', encodeBmp24(noise(), W, H).subarray(0, 2000));
  put('anim.gif', await img().gif().toBuffer());
  // A JPEG whose header claims 20000 x 20000 pixels (400 MP), over sharp's default pixel limit.
  const huge = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const sof = huge.indexOf(Buffer.from([0xff, 0xc0]));
  huge.writeUInt16BE(20000, sof + 5);
  huge.writeUInt16BE(20000, sof + 7);
  put('huge.jpg', huge);
  put(
    'drawing.jpg',
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>',
  );
  put('binary.jpg', Buffer.from([0, 1, 2, 3, 250, 251, 0, 0, 9, 8, 7]));
});

afterAll(() => tmp.cleanup());

describe('probeImage', () => {
  it.each([
    ['a.jpg', 'jpeg'],
    ['a.png', 'png'],
    ['a.webp', 'webp'],
    ['a.tiff', 'tiff'],
    ['a.bmp', 'bmp'],
    ['topdown.bmp', 'bmp'],
  ] as const)('reads %s as %s with size, bytes and hash', async (name, format) => {
    const r = await probeImage(files[name]!);
    if (!r.ok) throw new Error(r.reason);
    expect(r).toMatchObject({ format, width: W, height: H, orientation: 1 });
    const { readFileSync } = await import('node:fs');
    const buf = readFileSync(files[name]!);
    expect(r.bytes).toBe(buf.length);
    expect(r.sha256).toBe(sha256Hex(buf));
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('swaps width and height for EXIF orientation 6, not for 3', async () => {
    const r6 = await probeImage(files['o6.jpg']!);
    expect(r6).toMatchObject({ ok: true, orientation: 6, width: H, height: W });
    const r3 = await probeImage(files['o3.jpg']!);
    expect(r3).toMatchObject({ ok: true, orientation: 3, width: W, height: H });
  });

  it('explains bad files in words a person understands', async () => {
    expect(await probeImage(files['empty.jpg']!)).toEqual({ ok: false, reason: 'empty file (0 bytes)' });
    expect(await probeImage(files['notes.jpg']!)).toEqual({ ok: false, reason: 'not an image (text file?)' });
    expect(await probeImage(files['anim.gif']!)).toEqual({ ok: false, reason: 'unsupported format gif' });
    expect(await probeImage(files['drawing.jpg']!)).toEqual({ ok: false, reason: 'unsupported format svg' });
    expect(await probeImage(files['binary.jpg']!)).toEqual({ ok: false, reason: PROBE_REASONS.unknown });
    const missing = await probeImage(path.join(tmp.dir, 'nope.jpg'));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toMatch(/^cannot read file: .*ENOENT/);
    const dir = await probeImage(tmp.dir);
    expect(dir.ok === false && dir.reason.startsWith('cannot read file: ')).toBe(true);
  });

  it.each(['half.jpg', 'half.png', 'half.webp', 'half.tiff', 'half.bmp'])(
    'reports %s as truncated',
    async (name) => {
      const r = await probeImage(files[name]!);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe('truncated or corrupt image data');
    },
  );

  it('refuses images over the pixel limit with a clear reason', async () => {
    const r = await probeImage(files['huge.jpg']!);
    expect(r.ok === false && r.reason).toBe('image too large (over 268 megapixels)');
  });

  it('with decode: false reads headers only, so a cut JPEG still probes', async () => {
    const r = await probeImage(files['half.jpg']!, { decode: false });
    expect(r).toMatchObject({ ok: true, width: W, height: H, format: 'jpeg' });
  });

  it("needs failOn 'truncated' or stricter: 'none' lets a cut JPEG and PNG decode", async () => {
    expect(DECODE_FAIL_ON).toBe('truncated');
    for (const name of ['half.jpg', 'half.png']) {
      await expect(sharp(files[name]!, { failOn: 'none' }).stats()).resolves.toBeDefined();
      await expect(sharp(files[name]!, { failOn: 'truncated' }).stats()).rejects.toThrow();
    }
  });

  it('reads the real VOC fixture image at its true size', async () => {
    const file = path.join(requireFixture(VOC100), 'images', '2007_000027.jpg');
    expect(await probeImage(file)).toMatchObject({ ok: true, format: 'jpeg', width: 486, height: 500 });
  });
});

describe('probeMany', () => {
  it('keeps input order and mixes good and bad results', async () => {
    const names = ['a.png', 'empty.jpg', 'a.jpg', 'half.png', 'a.bmp', 'o6.jpg', 'notes.jpg', 'a.webp'];
    const results = await probeMany(
      names.map((n) => files[n]!),
      { concurrency: 3 },
    );
    expect(results.map((r) => (r.ok ? r.format : r.reason))).toEqual([
      'png',
      'empty file (0 bytes)',
      'jpeg',
      'truncated or corrupt image data',
      'bmp',
      'jpeg',
      'not an image (text file?)',
      'webp',
    ]);
  });

  it('probes the 100 fixture images', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = path.join(requireFixture(VOC100), 'images');
    const paths = readdirSync(dir)
      .sort()
      .map((f) => path.join(dir, f));
    const results = await probeMany(paths);
    expect(results).toHaveLength(100);
    expect(results.every((r) => r.ok && r.format === 'jpeg' && r.width > 0)).toBe(true);
    expect(new Set(results.map((r) => (r.ok ? r.sha256 : ''))).size).toBe(100);
  });
});
