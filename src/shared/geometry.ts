import type { Box } from './domain/types';

/** Result of fitting a box into an image: the repaired box or why it was dropped. */
export type ClipResult =
  | { kind: 'ok'; box: Box }
  | { kind: 'clipped'; box: Box; from: Box }
  | { kind: 'dropped'; reason: 'non-finite' | 'zero-area' | 'outside' };

/** Clip a box to the image; spills are repaired, degenerate boxes dropped. Used by import and the canvas. */
export function clipBoxToImage(box: Box, width: number, height: number): ClipResult {
  const { x, y, w, h } = box;
  if (![x, y, w, h].every(Number.isFinite)) return { kind: 'dropped', reason: 'non-finite' };
  if (w <= 0 || h <= 0) return { kind: 'dropped', reason: 'zero-area' };
  // Inside as given: kept exactly (re-deriving w from x + w would report float noise as a clip).
  if (x >= 0 && y >= 0 && x + w <= width && y + h <= height) return { kind: 'ok', box };
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(width, x + w);
  const y1 = Math.min(height, y + h);
  if (x1 <= x0 || y1 <= y0) return { kind: 'dropped', reason: 'outside' };
  const out = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  const same = out.x === x && out.y === y && out.w === w && out.h === h;
  return same ? { kind: 'ok', box } : { kind: 'clipped', box: out, from: box };
}

/** Intersection over union of two boxes; 0 when either has no area. */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * How many boxes of `found` (taken in the order given: best score first) match a box of `truth` at IoU >= 0.5,
 * greedily: each to the not yet matched box of its class (`sameClass`) that it overlaps most. One rule for the
 * side-by-side disagreement and the pre-label figures.
 */
export function greedyMatchCount<A extends Box, B extends Box>(
  found: readonly A[],
  truth: readonly B[],
  sameClass: (a: A, b: B) => boolean,
): number {
  const used = new Set<number>();
  for (const x of found) {
    let best = -1;
    let bestIou = 0.5;
    truth.forEach((y, j) => {
      if (used.has(j) || !sameClass(x, y)) return;
      const v = iou(x, y);
      if (v >= bestIou) {
        bestIou = v;
        best = j;
      }
    });
    if (best >= 0) used.add(best);
  }
  return used.size;
}
