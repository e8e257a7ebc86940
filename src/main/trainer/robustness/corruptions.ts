// Image corruptions for the robustness evaluation, in the spirit of ImageNet-C and COCO-C.
//
// Constants and formulas are those of ImageNet-C's reference code (Hendrycks & Dietterich, "Benchmarking Neural
// Network Robustness to Common Corruptions and Perturbations", ICLR 2019; make_imagenet_c.py), severities 1..5:
//   gaussian_noise    x/255 + N(0, c^2), clipped to [0, 1]             c = [.08, .12, .18, .26, .38]
//   gaussian_blur     skimage gaussian(x/255, sigma=c) (truncate 4 sd)  c = [1, 2, 3, 4, 6]
//   brightness        HSV: V = clip(V + c, 0, 1), H and S kept          c = [.1, .2, .3, .4, .5]
//   contrast          (x - per-channel mean) * c + mean, clipped        c = [.4, .3, .2, .1, .05]
//   jpeg_compression  PIL JPEG encode at quality c, decoded             c = [25, 18, 15, 10, 7]
// As in COCO-C (Michaelis et al., "Benchmarking Robustness in Object Detection", 2019, imagecorruptions), the
// corruption is applied to the decoded image at its own resolution, before letterboxing, and the result is
// rounded to 8 bits (ImageNet-C and COCO-C store their corrupted images as 8-bit files too).
import sharp, { type Sharp } from 'sharp';
import type { RawImage } from '../data/image';
import { SeededRng, hashIntsFnv } from '../data/prng';

/** The five corruptions, in the order tables list them. */
export const CORRUPTIONS = ['gaussian_noise', 'gaussian_blur', 'brightness', 'contrast', 'jpeg'] as const;
/** One of CORRUPTIONS. */
export type Corruption = (typeof CORRUPTIONS)[number];
/** The severities evaluated (of ImageNet-C's five): the mildest, the middle and the worst. */
export const SEVERITIES = [1, 3, 5] as const;

/** ImageNet-C's constant of each corruption at severities 1..5 (index severity - 1). */
export const CORRUPTION_CONSTANTS: Record<Corruption, readonly number[]> = {
  gaussian_noise: [0.08, 0.12, 0.18, 0.26, 0.38],
  gaussian_blur: [1, 2, 3, 4, 6],
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  jpeg: [25, 18, 15, 10, 7],
};

/** The constant of `corruption` at `severity` (1..5). */
export function corruptionConstant(corruption: Corruption, severity: number): number {
  const c = CORRUPTION_CONSTANTS[corruption][severity - 1];
  if (c === undefined) throw new Error(`severity must be 1 to 5, got ${severity}`);
  return c;
}

const toByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));

/** A standard normal draw (Box-Muller on the seeded generator). */
function normal(rng: SeededRng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** x/255 + N(0, c^2) per channel value, clipped; the noise is drawn from `seed`. */
export function gaussianNoise(img: RawImage, c: number, seed: number): RawImage {
  const rng = new SeededRng(seed);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = toByte(img.data[i]! / 255 + c * normal(rng));
  return { ...img, data: out };
}

/** V = max(r, g, b) raised by c (clipped at 1) with hue and saturation kept: r, g, b scale by V'/V. */
export function brightness(img: RawImage, c: number): RawImage {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i += 3) {
    const r = img.data[i]! / 255;
    const g = img.data[i + 1]! / 255;
    const b = img.data[i + 2]! / 255;
    const v = Math.max(r, g, b);
    const v2 = Math.min(1, v + c);
    // Black has no hue or saturation (skimage's rgb2hsv gives S = 0): it becomes grey V'.
    const k = v > 0 ? v2 / v : 0;
    out[i] = toByte(v > 0 ? r * k : v2);
    out[i + 1] = toByte(v > 0 ? g * k : v2);
    out[i + 2] = toByte(v > 0 ? b * k : v2);
  }
  return { ...img, data: out };
}

/** (x - mean) * c + mean with each channel's mean over the image, clipped. */
export function contrast(img: RawImage, c: number): RawImage {
  const means = [0, 0, 0];
  const n = img.data.length / 3;
  for (let i = 0; i < img.data.length; i++) means[i % 3]! += img.data[i]! / 255;
  for (let k = 0; k < 3; k++) means[k]! /= n;
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    const m = means[i % 3]!;
    out[i] = toByte((img.data[i]! / 255 - m) * c + m);
  }
  return { ...img, data: out };
}

const rawInput = (img: RawImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });

async function rawOf(s: Sharp, img: RawImage): Promise<RawImage> {
  const buf = await s.removeAlpha().raw().toBuffer();
  return {
    width: img.width,
    height: img.height,
    data: new Uint8Array(buf.buffer, buf.byteOffset, buf.length),
  };
}

/**
 * Gaussian blur with standard deviation sigma (pixels), in float precision, edges extended by copying (skimage's
 * 'nearest'). The kernel is cut where it falls below 0.001 of its peak, 3.7 standard deviations (libvips' least;
 * skimage truncates at 4): the weight left out is under 0.03% of the total.
 */
export function gaussianBlur(img: RawImage, sigma: number): Promise<RawImage> {
  const s = sharp(img.data, rawInput(img)).blur({ sigma, precision: 'float', minAmplitude: 0.001 });
  return rawOf(s, img);
}

/** JPEG encode at `quality` (4:2:0 chroma subsampling, as PIL's default) and decode back. */
export async function jpegCompress(img: RawImage, quality: number): Promise<RawImage> {
  const jpeg = await sharp(img.data, rawInput(img)).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  return rawOf(sharp(jpeg), img);
}

/**
 * An image under a corruption at a severity; `seed` (with the image id) decides the noise, so a run's
 * evaluation under noise is the same every time it is computed.
 */
export async function corrupt(
  img: RawImage,
  corruption: Corruption,
  severity: number,
  seed: number,
  imageId: number,
): Promise<RawImage> {
  const c = corruptionConstant(corruption, severity);
  switch (corruption) {
    case 'gaussian_noise':
      return gaussianNoise(img, c, hashIntsFnv(seed, severity, imageId, 0x901e));
    case 'gaussian_blur':
      return gaussianBlur(img, c);
    case 'brightness':
      return brightness(img, c);
    case 'contrast':
      return contrast(img, c);
    case 'jpeg':
      return jpegCompress(img, c);
  }
}
