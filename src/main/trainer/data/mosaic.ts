// Mosaic augmentation (YOLOv4/v5's default): four training images meet at a random centre of the canvas, each
// at its own jittered letterbox scale, so every quadrant shows part of one image. On a few hundred images it
// multiplies the contexts an object is seen in, and objects cut by the quadrant edges teach the heads about
// partial views. Objects keep their scale (each image is placed at its letterbox size, then cropped), so the
// network is not trained on a smaller-object distribution than it is evaluated on.
import type { InputBox } from '../model/targets';
import { renderPlacement, transformBoxes, type Placement, type RawImage } from './image';
import type { SeededRng } from './prng';

/** Where the four images meet: the centre (cx, cy) and, per image, its placement and its quadrant. */
export interface MosaicLayout {
  cx: number;
  cy: number;
  placements: [Placement, Placement, Placement, Placement];
  /** Quadrants as [x0, y0, x1, y1] in canvas pixels: top-left, top-right, bottom-left, bottom-right. */
  regions: [number, number, number, number][];
}

/** Scale jitter of each image around its letterbox scale. */
const MOSAIC_SCALE: [number, number] = [0.85, 1.15];

/**
 * The layout for four source sizes: centre uniform in the middle half of the canvas; image k's corner that
 * faces the centre sits on it (top-left image ends at the centre, bottom-right one starts there, ...).
 */
export function mosaicLayout(
  sizes: { width: number; height: number }[],
  size: number,
  rng: SeededRng,
): MosaicLayout {
  const cx = Math.round(rng.uniform(0.25, 0.75) * size);
  const cy = Math.round(rng.uniform(0.25, 0.75) * size);
  const placements = sizes.map(({ width, height }, k) => {
    const s = (size / Math.max(width, height)) * rng.uniform(MOSAIC_SCALE[0], MOSAIC_SCALE[1]);
    const nw = Math.max(1, Math.round(width * s));
    const nh = Math.max(1, Math.round(height * s));
    const right = k % 2 === 1;
    const bottom = k >= 2;
    return {
      srcW: width,
      srcH: height,
      nw,
      nh,
      offX: right ? cx : cx - nw,
      offY: bottom ? cy : cy - nh,
      flip: false,
    };
  }) as MosaicLayout['placements'];
  const regions: MosaicLayout['regions'] = [
    [0, 0, cx, cy],
    [cx, 0, size, cy],
    [0, cy, cx, size],
    [cx, cy, size, size],
  ];
  return { cx, cy, placements, regions };
}

/** Renders the four images into one size x size RGB canvas (each clipped to its quadrant). */
export async function renderMosaic(
  raws: RawImage[],
  layout: MosaicLayout,
  size: number,
): Promise<Uint8Array> {
  const canvases = await Promise.all(raws.map((r, k) => renderPlacement(r, layout.placements[k]!, size)));
  const out = new Uint8Array(size * size * 3);
  canvases.forEach((c, k) => {
    const [x0, y0, x1, y1] = layout.regions[k]!;
    for (let y = y0; y < y1; y++)
      out.set(c.subarray((y * size + x0) * 3, (y * size + x1) * 3), (y * size + x0) * 3);
  });
  return out;
}

/** The boxes of the four images on the mosaic canvas, each clipped to its quadrant (mostly cut ones dropped). */
export function mosaicBoxes(boxes: InputBox[][], layout: MosaicLayout, size: number): InputBox[] {
  return boxes.flatMap((b, k) => transformBoxes(b, layout.placements[k]!, size, layout.regions[k]));
}

/** Mirrors boxes horizontally on a size-wide canvas (the mosaic is flipped as a whole). */
export function mirrorBoxes(boxes: InputBox[], size: number): InputBox[] {
  return boxes.map((b) => ({ ...b, x: size - b.x - b.w }));
}
