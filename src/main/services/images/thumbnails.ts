import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { decodeBmp } from './bmp';
import { type ImageFormat, FORMAT_MIME, sniffFormat, sniffOtherFormat } from './sniff';

/** Default thumbnail side in pixels (the grid shows them at up to 256 css px). */
export const DEFAULT_THUMBNAIL_SIZE = 256;

/** Thrown when a file cannot be shown or thumbnailed; `reason` is phrased for a person. */
export class ImageReadError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageReadError';
  }
}

/**
 * Where the cached thumbnail of an image lives: `<cacheDir>/thumbs/<ab>/<sha256>_<size>.webp`. Keyed by
 * content hash, so a re-linked or renamed image keeps its thumbnail; two-character folders keep each small.
 */
export function thumbnailPath(
  cacheDir: string,
  sha256: string,
  size: number = DEFAULT_THUMBNAIL_SIZE,
): string {
  if (!/^[0-9a-f]{8,128}$/i.test(sha256)) throw new Error(`not a content hash: ${JSON.stringify(sha256)}`);
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new Error(`bad thumbnail size ${size}`);
  const hex = sha256.toLowerCase();
  return path.join(cacheDir, 'thumbs', hex.slice(0, 2), `${hex}_${size}.webp`);
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function readSource(absPath: string): Promise<{ buf: Buffer; format: ImageFormat }> {
  let buf: Buffer;
  try {
    buf = await readFile(absPath);
  } catch (err) {
    throw new ImageReadError(`cannot read file: ${(err as Error).message}`, absPath);
  }
  if (buf.length === 0) throw new ImageReadError('empty file (0 bytes)', absPath);
  const format = sniffFormat(buf);
  if (!format) {
    const other = sniffOtherFormat(buf);
    throw new ImageReadError(other ? `unsupported format ${other}` : 'not a supported image', absPath);
  }
  return { buf, format };
}

/** A sharp pipeline on the source's pixels, with EXIF orientation applied; BMP is decoded by us. */
function orientedPipeline(buf: Buffer, format: ImageFormat, file: string): Sharp {
  if (format === 'bmp') {
    try {
      const px = decodeBmp(buf);
      return sharp(px.data, { raw: { width: px.width, height: px.height, channels: px.channels } });
    } catch (err) {
      throw new ImageReadError(`truncated or corrupt image data (${(err as Error).message})`, file);
    }
  }
  // Lenient decoding: a damaged file that was imported anyway still gets whatever pixels it has.
  return sharp(buf, { failOn: 'none' }).autoOrient();
}

const inFlight = new Map<string, Promise<string>>();

/**
 * The path of a cached WebP thumbnail (EXIF-rotated, fit inside size x size, never enlarged), made on first
 * use. Written to a temp file and renamed so a reader never sees half a file; an existing one is reused, and
 * concurrent requests for the same thumbnail share one render.
 */
export async function ensureThumbnail(
  srcAbsPath: string,
  cacheDir: string,
  sha256: string,
  size: number = DEFAULT_THUMBNAIL_SIZE,
): Promise<string> {
  const target = thumbnailPath(cacheDir, sha256, size);
  if (await exists(target)) return target;
  const pending = inFlight.get(target);
  if (pending) return pending;
  const job = renderThumbnail(srcAbsPath, target, size).finally(() => inFlight.delete(target));
  inFlight.set(target, job);
  return job;
}

async function renderThumbnail(srcAbsPath: string, target: string, size: number): Promise<string> {
  const { buf, format } = await readSource(srcAbsPath);
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await orientedPipeline(buf, format, srcAbsPath)
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(tmp);
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (err instanceof ImageReadError) throw err;
    throw new ImageReadError(`cannot make thumbnail: ${(err as Error).message}`, srcAbsPath);
  }
  return target;
}

/** An image as the renderer can show it. */
export interface DisplayImage {
  mime: string;
  buffer: Buffer;
}

/**
 * The bytes to show an image in the browser: JPEG, PNG and WebP pass through untouched (browsers apply
 * EXIF orientation themselves), BMP and TIFF become PNG with orientation applied, since browsers cannot
 * show them. Box coordinates are in the oriented space, so both paths line up. Throws ImageReadError.
 */
export async function readImageForDisplay(absPath: string): Promise<DisplayImage> {
  const { buf, format } = await readSource(absPath);
  if (format === 'jpeg' || format === 'png' || format === 'webp')
    return { mime: FORMAT_MIME[format], buffer: buf };
  try {
    const png = await orientedPipeline(buf, format, absPath).png().toBuffer();
    return { mime: 'image/png', buffer: png };
  } catch (err) {
    if (err instanceof ImageReadError) throw err;
    throw new ImageReadError(`cannot convert ${format} for display: ${(err as Error).message}`, absPath);
  }
}
