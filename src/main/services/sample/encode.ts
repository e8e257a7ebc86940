// The file encodings a sample image can be written in: the pixel layouts real datasets arrive in (grey, grey with
// alpha, RGBA, palette, 16-bit, CMYK, EXIF-rotated JPEG, WebP). Every mode shows the same picture; the boxes stay
// in the frame a person sees (for EXIF-rotated files, after the rotation a viewer applies).
import sharp from 'sharp';

/** The encodings `ridge sample --modes` takes. */
export const SAMPLE_MODES = [
  'jpeg',
  'png',
  'gray',
  'gray-alpha',
  'rgba',
  'palette',
  'png16',
  'cmyk',
  'exif',
  'webp',
] as const;
/** One of SAMPLE_MODES. */
export type SampleMode = (typeof SAMPLE_MODES)[number];

/** The file extension each mode is written with. */
export function modeExtension(mode: SampleMode): 'jpg' | 'png' | 'webp' {
  if (mode === 'jpeg' || mode === 'cmyk' || mode === 'exif') return 'jpg';
  return mode === 'webp' ? 'webp' : 'png';
}

/**
 * EXIF orientations the `exif` mode cycles through (by image index): 6 (a phone held upright), 3 (upside down),
 * 8 (turned the other way). The stored pixels are the picture turned back by the angle a viewer turns it by.
 */
const EXIF_ORIENTATIONS = [
  { orientation: 6, storedRotation: 270 },
  { orientation: 3, storedRotation: 180 },
  { orientation: 8, storedRotation: 90 },
] as const;

/** An alpha plane that varies (opaque in the middle, half transparent at the edges), so alpha is really used. */
function alphaPlane(width: number, height: number): Buffer {
  const a = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const edge = Math.min(x, y, width - 1 - x, height - 1 - y) / Math.max(1, Math.min(width, height) / 8);
      a[y * width + x] = Math.round(128 + 127 * Math.min(1, edge));
    }
  return a;
}

/** Encodes 8-bit RGB pixels (row-major) in `mode`; `index` picks the EXIF orientation of the exif mode. */
export async function encodeSampleImage(
  raw: Uint8Array,
  width: number,
  height: number,
  mode: SampleMode,
  index: number,
): Promise<Buffer> {
  const rgb = () => sharp(raw, { raw: { width, height, channels: 3 } });
  const alpha = { raw: { width, height, channels: 1 as const } };
  switch (mode) {
    case 'jpeg':
      return rgb().jpeg({ quality: 90 }).toBuffer();
    case 'png':
      return rgb().png({ compressionLevel: 6 }).toBuffer();
    case 'gray':
      return rgb().toColourspace('b-w').png().toBuffer();
    case 'gray-alpha': {
      const grey = await rgb().toColourspace('b-w').raw().toBuffer();
      return sharp(grey, { raw: { width, height, channels: 1 } })
        .joinChannel(alphaPlane(width, height), alpha)
        .toColourspace('b-w')
        .png()
        .toBuffer();
    }
    case 'rgba':
      return rgb().joinChannel(alphaPlane(width, height), alpha).png().toBuffer();
    case 'palette':
      return rgb().png({ palette: true, colours: 256 }).toBuffer();
    case 'png16':
      return rgb().toColourspace('rgb16').png().toBuffer();
    case 'cmyk':
      return rgb().toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer();
    case 'exif': {
      const o = EXIF_ORIENTATIONS[index % EXIF_ORIENTATIONS.length]!;
      return rgb()
        .rotate(o.storedRotation)
        .jpeg({ quality: 90 })
        .withMetadata({ orientation: o.orientation })
        .toBuffer();
    }
    case 'webp':
      return rgb().webp({ quality: 90 }).toBuffer();
  }
}
