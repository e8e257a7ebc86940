// Where a saliency map and its detection's box lie on the source image (the colour scale and the overlay pixels
// are in src/shared/heatmap.ts, which report.html's examples use too). Pure functions, tested alone.
import type { Placement } from '../../../../shared/domain/runs';

/** A rectangle in source-image pixels. */
export interface ImageRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Where a `width` x `height` saliency map lies on the source image: the map covers the part of the model's square
 * input the image occupies (letterbox padding cut off; a negative offset means the image was cropped there).
 */
export function mapRectOnImage(p: Placement, width: number, height: number): ImageRect {
  const sx = p.srcW / p.nw;
  const sy = p.srcH / p.nh;
  return {
    x: (Math.max(0, p.offX) - p.offX) * sx,
    y: (Math.max(0, p.offY) - p.offY) * sy,
    w: width * sx,
    h: height * sy,
  };
}

/** A box in the model input's pixels (corners), as runs.saliency gives the detection, in source-image pixels. */
export function inputBoxOnImage(
  b: { x1: number; y1: number; x2: number; y2: number },
  p: Placement,
): ImageRect {
  const sx = p.srcW / p.nw;
  const sy = p.srcH / p.nh;
  let x = (b.x1 - p.offX) * sx;
  const w = (b.x2 - b.x1) * sx;
  if (p.flip) x = p.srcW - x - w;
  return { x, y: (b.y1 - p.offY) * sy, w, h: (b.y2 - b.y1) * sy };
}
