import { useCallback } from 'react';
import type { ImageRecord } from '../../../../shared/domain/types';
import type { Editor } from './core/editor';
import { type BulkRule, pendingInOrder, pickPending, stepPending } from './core/review';
import { loadPendingImages, type Picks, reviewBoxes } from './core/review-commands';
import type { ImageListStore } from './image-list';

/** What the review keys and buttons need from the workspace. */
export interface ReviewContext {
  editor: Editor;
  list: ImageListStore;
  current: ImageRecord | null;
  selected: string | null;
  /** Select a box and bring it into view. */
  show(key: string | null): void;
  /** Open another image, then select one of its boxes (first or last pending). */
  openAndShow(img: ImageRecord, which: 'first' | 'last'): Promise<void>;
  notify(msg: string | null): void;
}

/** Where a bulk review acts: the open image or every image with predictions. */
export type ReviewScope = 'image' | 'all';

/**
 * Reviewing predictions. Enter and X act only on a selected prediction, which is always on screen: with nothing
 * (or an accepted box) selected they select the best pending one instead, so nothing is accepted unseen. After
 * acting they select the next one. ] and [ walk pending boxes and cross to the next image that has some.
 */
export function useReview(c: ReviewContext) {
  const { editor, list, current, selected, show, openAndShow, notify } = c;

  const step = useCallback(
    async (dir: 1 | -1) => {
      if (!current) return;
      const next = stepPending(editor.doc.get(current.id), selected, dir);
      if (next) return show(next.key);
      const img = await list.nextWithPending(current, dir);
      if (img) return openAndShow(img, dir === 1 ? 'first' : 'last');
      notify('No other image has predictions to review.');
    },
    [current, editor, list, notify, openAndShow, selected, show],
  );

  const decide = useCallback(
    (action: 'accept' | 'reject') => {
      if (!current) return;
      const boxes = editor.doc.get(current.id);
      const sel = selected ? boxes.find((b) => b.key === selected) : undefined;
      if (!sel || sel.state !== 'pending') {
        const first = pendingInOrder(boxes)[0];
        if (!first) return notify('No predictions on this image: ] goes to the next image that has some.');
        return show(first.key);
      }
      const after = stepPending(boxes, sel.key, 1) ?? stepPending(boxes, sel.key, -1);
      reviewBoxes(editor, action, [{ imageId: current.id, keys: [sel.key] }], `${action} prediction`);
      show(after?.key ?? null);
    },
    [current, editor, notify, selected, show],
  );

  const bulk = useCallback(
    async (rule: BulkRule, scope: ReviewScope) => {
      const ids = scope === 'all' ? await loadPendingImages(editor, editor.api) : current ? [current.id] : [];
      const picks: Picks = ids.map((imageId) => ({
        imageId,
        keys: pickPending(editor.doc.get(imageId), rule),
      }));
      const action = rule.side === 'above' ? 'accept' : 'reject';
      const n = reviewBoxes(
        editor,
        action,
        picks,
        `${action} predictions ${rule.side === 'above' ? '≥' : '<'} ${rule.threshold}`,
      );
      if (selected && current && !editor.doc.find(current.id, selected)) show(null);
      void list.refreshCounts();
      return n;
    },
    [current, editor, list, notify, selected, show],
  );

  return { step, decide, bulk };
}
