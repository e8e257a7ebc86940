// Images decoded once at the scale the model sees them. A user's photos are often far larger than the input
// (BCCD 640x480 for a 320 px input, phone photos 4000 px): kept at full size, every augmented sample resized the
// whole photo again, and the memory cache held only a few of them. Decoded here, an image is shrunk once to the
// largest size augmentation can ask for (the input side times the largest scale jitter), and kept at that size.
// Boxes follow by themselves: the pipeline scales a manifest box by decoded size / manifest size.
import sharp from 'sharp';
import { decodeRgb, type RawImage } from './image';

/** Largest scale jitter of augmentation and mosaic (image.ts DEFAULT_AUGMENT, mosaic.ts MOSAIC_SCALE). */
export const MAX_AUGMENT_SCALE = 1.15;

/** The longest side an image is kept at for a model input of `imgSize`. */
export function cachedSide(imgSize: number): number {
  return Math.ceil(imgSize * MAX_AUGMENT_SCALE);
}

/**
 * Decodes a file (image.ts: EXIF rotation, colour modes) and shrinks it so its longest side is at most
 * `maxSide` (aspect ratio kept; images already that small are returned as decoded).
 */
export async function decodeAtScale(file: string, maxSide: number): Promise<RawImage> {
  return shrinkToSide(await decodeRgb(file), maxSide);
}

/**
 * A decoded image shrunk so its longest side is at most `maxSide` (itself when already that small): the one
 * resize both training's cache and `ridge predict` apply, so predictions see the pixels evaluation saw.
 */
export async function shrinkToSide(raw: RawImage, maxSide: number): Promise<RawImage> {
  const longest = Math.max(raw.width, raw.height);
  if (longest <= maxSide) return raw;
  const s = maxSide / longest;
  const width = Math.max(1, Math.round(raw.width * s));
  const height = Math.max(1, Math.round(raw.height * s));
  const buf = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), width, height };
}
