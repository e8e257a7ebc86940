// What a box label says and where it sits: pure, so it is unit-tested without a canvas.
import type { LabelClass } from '../../../../../shared/domain/types';
import type { DocBox } from '../core/types';

/** On-screen size of a box label: the same at every zoom (the label group is scaled by 1 / zoom). */
export const LABEL_FONT_PX = 12;
/** Padding around the label text, screen px. */
export const PAD = 3;
/** Above this many boxes labels are skipped (they would cover the image and slow a drag). */
export const MAX_LABELS = 300;

/** What a box's label says: class, the score of a prediction, and its flags. */
export function labelText(b: DocBox, cls: LabelClass | undefined): string {
  const score = b.state === 'pending' && b.score !== null ? ` ${Math.round(b.score * 100)}%` : '';
  return `${cls?.name ?? '?'}${score}${b.difficult ? ' · D' : ''}${b.truncated ? ' · T' : ''}`;
}

/** Black or white, whichever reads better on a background colour (#rrggbb), by its relative luminance. */
export function textColorOn(bg: string): '#000000' | '#ffffff' {
  const n = parseInt(bg.slice(1, 7), 16);
  if (Number.isNaN(n)) return '#ffffff';
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return L > 0.179 ? '#000000' : '#ffffff';
}

/** Height of a label on screen, in pixels. */
export const LABEL_H = LABEL_FONT_PX + 2 * PAD;

/** Where a label sits for a box: above its top-left corner, or just inside when there is no room above. */
export function labelAnchor(box: { x: number; y: number }, scale: number): { x: number; y: number } {
  const h = LABEL_H / scale;
  return { x: box.x, y: box.y >= h ? box.y - h : box.y };
}
