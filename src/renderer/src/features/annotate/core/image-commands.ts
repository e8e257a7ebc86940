import { storeCall } from './class-commands';
import type { Editor } from './editor';
import type { Split } from './types';

/** Move an image to another split: one undo entry; `after` refreshes what the list shows once it is stored. */
export async function setImageSplit(
  ed: Editor,
  imageId: number,
  from: Split,
  to: Split,
  after: () => Promise<void>,
): Promise<void> {
  if (from === to) return;
  const step = (split: Split) => async () => {
    await storeCall(ed, 'change split', (api) =>
      api['images.setSplit']({ ids: [imageId], split }).then(() => undefined),
    );
    await after();
  };
  const redo = step(to);
  await ed.serial(redo);
  ed.record({ label: `move to ${to}`, imageId, redo, undo: step(from) });
}

/**
 * Remove an image from the project (hidden everywhere; its file and boxes stay) or restore it: one undo entry
 * either way, so Ctrl+Z brings a removed image back.
 */
export async function setImageRemoved(
  ed: Editor,
  imageId: number,
  removed: boolean,
  after: () => Promise<void>,
): Promise<void> {
  const step = (remove: boolean) => async () => {
    await storeCall(ed, remove ? 'remove image' : 'restore image', (api) =>
      (remove ? api['images.remove']({ ids: [imageId] }) : api['images.restore']({ ids: [imageId] })).then(
        () => undefined,
      ),
    );
    await after();
  };
  const redo = step(removed);
  await ed.serial(redo);
  ed.record({ label: removed ? 'remove image' : 'restore image', imageId, redo, undo: step(!removed) });
}
