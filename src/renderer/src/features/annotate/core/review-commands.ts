import type { Editor } from './editor';
import type { DocBox, EditorApi } from './types';

/** Pending boxes to act on, per image. */
export type Picks = { imageId: number; keys: string[] }[];

/**
 * Accept (make ground truth) or reject (delete) pending predictions on any number of images as ONE undo entry:
 * a bulk review of 700 boxes is undone with one Ctrl+Z. Returns how many boxes it changed.
 */
export function reviewBoxes(ed: Editor, action: 'accept' | 'reject', picks: Picks, label: string): number {
  const steps = picks
    .map(({ imageId, keys }) => ({
      imageId,
      boxes: keys
        .map((k) => ed.doc.find(imageId, k))
        .filter((b): b is DocBox => b !== undefined && b.state === 'pending'),
    }))
    .filter((s) => s.boxes.length > 0);
  const n = steps.reduce((sum, s) => sum + s.boxes.length, 0);
  if (!n) return 0;
  const setState = (state: DocBox['state']) => () => {
    for (const s of steps)
      for (const b of s.boxes) {
        ed.doc.update(s.imageId, b.key, { state });
        ed.queue.push({ kind: 'update', key: b.key, patch: { state } });
      }
  };
  const remove = () => {
    for (const s of steps) {
      ed.doc.remove(
        s.imageId,
        s.boxes.map((b) => b.key),
      );
      for (const b of s.boxes) ed.queue.push({ kind: 'delete', key: b.key });
    }
  };
  const restore = () => {
    for (const s of steps) {
      ed.doc.add(s.imageId, s.boxes);
      for (const b of s.boxes) ed.queue.push({ kind: 'create', box: b });
    }
  };
  const cmd =
    action === 'accept'
      ? { redo: setState('accepted'), undo: setState('pending') }
      : { redo: remove, undo: restore };
  cmd.redo();
  ed.record({ label, imageId: steps.length === 1 ? steps[0]!.imageId : null, ...cmd });
  return n;
}

/** Make sure the doc holds every image with pending predictions (a bulk review over all images reads them). */
export async function loadPendingImages(ed: Editor, api: EditorApi): Promise<number[]> {
  await ed.queue.idle();
  const { ids } = await api['images.list']({ filter: { hasPending: true } });
  const missing = ids.filter((id) => !ed.doc.has(id));
  for (let i = 0; i < missing.length; i += 500)
    for (const img of await api['images.byIds']({ ids: missing.slice(i, i + 500) })) ed.seed(img);
  return ids;
}
