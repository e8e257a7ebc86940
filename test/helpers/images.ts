import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** Write a real image file (solid colour plus a stripe, so files differ by content) and return its bytes. */
export async function writeImage(
  file: string,
  width: number,
  height: number,
  opts: { format?: 'jpeg' | 'png'; seed?: number } = {},
): Promise<Buffer> {
  const seed = opts.seed ?? 0;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 3 + seed * 37) & 255;
      raw[i + 1] = (y * 5 + seed * 91) & 255;
      raw[i + 2] = (x + y + seed * 13) & 255;
    }
  }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  const buf = opts.format === 'png' ? await img.png().toBuffer() : await img.jpeg({ quality: 90 }).toBuffer();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, buf);
  return buf;
}
