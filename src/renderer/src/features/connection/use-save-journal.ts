import { useEffect } from 'react';
import type { Editor } from '../annotate/core/editor';
import { OfflineJournal } from '../annotate/core/journal';
import type { JournalEntry } from '../annotate/core/sync';

function imagesOf(entries: JournalEntry[]): number[] {
  const ids = new Set<number>();
  for (const e of entries)
    for (const op of e.ops)
      if (op.kind === 'create') ids.add(op.box.imageId);
      else if (op.kind === 'status') ids.add(op.imageId);
  return [...ids];
}

/**
 * Keep the editor's unsent writes in this tab's offline journal (IndexedDB) while the project is open, replay
 * what a reload or a closed tab left there (then re-read the images they touched), and warn before the tab is
 * closed or reloaded with writes not yet stored.
 */
export function useSaveJournal(
  editor: Editor,
  projectId: string,
  onReplayed: (imageIds: number[]) => void,
): void {
  useEffect(() => {
    let live = true;
    let off = () => undefined as unknown;
    void OfflineJournal.open(projectId).then(async (journal) => {
      if (!journal || !live) return;
      const { entries, release } = await journal.adopt();
      if (!live) return;
      for (const e of entries) editor.queue.restore(e);
      const save = () => journal.save(editor.queue.snapshot());
      off = editor.queue.subscribe(save);
      save();
      await release();
      if (!entries.length) return;
      await editor.queue.idle();
      if (live) onReplayed(imagesOf(entries));
    });
    const warn = (e: BeforeUnloadEvent) => {
      if (editor.queue.status.pending === 0) return;
      e.preventDefault();
      e.returnValue = ''; // older Chromium needs it set to show the dialog
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      live = false;
      off();
      window.removeEventListener('beforeunload', warn);
    };
    // onReplayed is read once per mount: the project view re-mounts for another project.
  }, [editor, projectId]);
}
