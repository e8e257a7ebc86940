import type { DocBox } from './types';

/** Pending predictions in review order: highest score first (no score last), then top to bottom, left to right. */
export function pendingInOrder(boxes: readonly DocBox[]): DocBox[] {
  return boxes
    .filter((b) => b.state === 'pending')
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.y - b.y || a.x - b.x);
}

/**
 * The pending box after (dir 1) or before (dir -1) the selected one in review order; with nothing (or an accepted
 * box) selected, the first (or last). Null when the image has no pending box that way: review moves to another image.
 */
export function stepPending(
  boxes: readonly DocBox[],
  selectedKey: string | null,
  dir: 1 | -1,
): DocBox | null {
  const order = pendingInOrder(boxes);
  if (!order.length) return null;
  const i = selectedKey === null ? -1 : order.findIndex((b) => b.key === selectedKey);
  if (i < 0) return dir === 1 ? order[0]! : order[order.length - 1]!;
  return order[i + dir] ?? null;
}

/** What a bulk review acts on: pending boxes at or above a score (accept) or below it (reject), maybe of one class. */
export interface BulkRule {
  side: 'above' | 'below';
  threshold: number;
  classId: number | null;
}

/** Keys of the pending boxes a bulk rule picks; a prediction without a score counts as score 0. */
export function pickPending(boxes: readonly DocBox[], rule: BulkRule): string[] {
  return boxes
    .filter((b) => b.state === 'pending' && (rule.classId === null || b.classId === rule.classId))
    .filter((b) => (b.score ?? 0) >= rule.threshold === (rule.side === 'above'))
    .map((b) => b.key);
}
