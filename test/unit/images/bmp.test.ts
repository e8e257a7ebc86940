import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { BmpError, decodeBmp, encodeBmp24, readBmpInfo } from '../../../src/main/services/images/bmp';
import { probeImage } from '../../../src/main/services/images/probe';
import { makeTmpDir } from '../../helpers/tmp';

const tmp = makeTmpDir('ridge-bmp-');
afterAll(() => tmp.cleanup());

/** A 3x2 image with distinct pixels, row-major RGB. */
const RGB = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);

/** A hand-made BMP with a 40-byte header, for the variants encodeBmp24 does not write. */
function bmp(opts: {
  bpp: number;
  height: number;
  compression?: number;
  palette?: number[][];
  rows: number[][];
}) {
  const width = 3;
  const paletteBytes = (opts.palette?.length ?? 0) * 4;
  const masks = opts.compression === 3 ? 12 : 0;
  const offset = 54 + masks + paletteBytes;
  const stride = Math.floor((opts.bpp * width + 31) / 32) * 4;
  const buf = Buffer.alloc(offset + stride * opts.rows.length);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(opts.height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(opts.bpp, 28);
  buf.writeUInt32LE(opts.compression ?? 0, 30);
  buf.writeUInt32LE(opts.palette?.length ?? 0, 46);
  if (masks) [0xff0000, 0xff00, 0xff].forEach((m, i) => buf.writeUInt32LE(m, 54 + i * 4));
  opts.palette?.forEach(([r, g, b], i) => buf.set([b!, g!, r!, 0], 54 + masks + i * 4));
  opts.rows.forEach((row, i) => buf.set(row, offset + i * stride));
  return buf;
}

describe('BMP reader (sharp 0.35 has no BMP loader)', () => {
  it('sharp itself refuses BMP, which is why this reader exists', async () => {
    await expect(sharp(encodeBmp24(RGB, 3, 2)).metadata()).rejects.toThrow(/unsupported image format/);
  });

  it('round-trips 24-bit bottom-up and top-down files', () => {
    for (const topDown of [false, true]) {
      const px = decodeBmp(encodeBmp24(RGB, 3, 2, { topDown }));
      expect(px).toMatchObject({ width: 3, height: 2, channels: 3 });
      expect([...px.data]).toEqual([...RGB]);
    }
  });

  it('decodes 32-bit (plain and standard bitfields) and 8-bit palette files', () => {
    // Bottom-up: the first stored row is the bottom one.
    const bgra = (r: number, g: number, b: number) => [b, g, r, 255];
    const rows32 = [
      [...bgra(10, 20, 30), ...bgra(40, 50, 60), ...bgra(70, 80, 90)],
      [...bgra(255, 0, 0), ...bgra(0, 255, 0), ...bgra(0, 0, 255)],
    ];
    expect([...decodeBmp(bmp({ bpp: 32, height: 2, rows: rows32 })).data]).toEqual([...RGB]);
    expect([...decodeBmp(bmp({ bpp: 32, height: 2, compression: 3, rows: rows32 })).data]).toEqual([...RGB]);
    const palette = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 20, 30],
    ];
    const p8 = decodeBmp(bmp({ bpp: 8, height: -1, palette, rows: [[3, 0, 2]] }));
    expect([...p8.data]).toEqual([10, 20, 30, 255, 0, 0, 0, 0, 255]);
  });

  it('refuses compressed and cut-off files with the right kind of error', () => {
    const rle = bmp({ bpp: 8, height: 1, compression: 1, palette: [[0, 0, 0]], rows: [[0, 0, 0]] });
    expect(() => readBmpInfo(rle)).toThrow(BmpError);
    try {
      readBmpInfo(rle);
    } catch (err) {
      expect((err as BmpError).kind).toBe('unsupported');
    }
    const cut = encodeBmp24(RGB, 3, 2).subarray(0, 60);
    expect(() => readBmpInfo(cut)).toThrow(/cut off/);
  });

  it('probe names unsupported BMP variants', async () => {
    const file = path.join(tmp.dir, 'rle.bmp');
    writeFileSync(file, bmp({ bpp: 8, height: 1, compression: 1, palette: [[0, 0, 0]], rows: [[0, 0, 0]] }));
    const r = await probeImage(file);
    expect(r.ok === false && r.reason).toBe('unsupported format bmp (compression 1, RLE)');
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });
});
