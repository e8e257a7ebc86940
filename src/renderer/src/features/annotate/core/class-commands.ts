import { keyToRestore, renumberPlan } from './class-keys';
import type { Editor } from './editor';
import { type Annotation, boxContent, type EditorApi, type LabelClass } from './types';

/** Run one store call through the save queue (after earlier writes; retried like any write) and wait for it. */
export async function storeCall(
  ed: Editor,
  label: string,
  run: (api: EditorApi) => Promise<void>,
): Promise<void> {
  await ed.queue.idle();
  ed.queue.push({ kind: 'call', label, run: (api) => run(api) });
  await ed.queue.idle();
}

async function refresh(ed: Editor): Promise<void> {
  await ed.loadClasses();
  ed.doc.invalidate();
}

/** One side of a class-level history entry: the store call through the queue, then classes and boxes re-read. */
function classStep(ed: Editor, label: string, run: (api: EditorApi) => Promise<void>): () => Promise<void> {
  return async () => {
    await storeCall(ed, label, run);
    await refresh(ed);
  };
}

/** Re-create a class as it was; its key only if no class took it meanwhile (then the first free one). */
async function recreate(api: EditorApi, c: LabelClass): Promise<LabelClass> {
  const hotkey = keyToRestore(await api['classes.list']({}), c.hotkey);
  const made = await api['classes.create']({
    name: c.name,
    color: c.color,
    ...(hotkey !== undefined ? { hotkey } : {}),
  });
  return api['classes.update']({ id: made.id, order: c.order });
}

/** Merge class `fromId` into `toId`; undo brings the class back with exactly the boxes it had. */
export async function mergeClasses(ed: Editor, fromId: number, toId: number): Promise<number> {
  const from = ed.doc.classes.find((c) => c.id === fromId);
  if (!from || fromId === toId) return 0;
  const st = { fromId, moved: [] as number[] };
  const redo = classStep(ed, 'merge classes', async (api) => {
    st.moved = (await api['annotations.forClass']({ classId: st.fromId })).map((b) => b.id);
    await api['classes.merge']({ fromId: st.fromId, toId });
  });
  const undo = classStep(ed, 'undo merge', async (api) => {
    const c = await recreate(api, from);
    ed.queue.aliasClass(st.fromId, c.id);
    st.fromId = c.id;
    if (st.moved.length) await api['annotations.setClassMany']({ ids: st.moved, classId: c.id });
  });
  await ed.serial(redo);
  ed.record({ label: `merge ${from.name}`, imageId: null, redo, undo });
  return st.moved.length;
}

/** Delete a class and its boxes; undo re-creates the class and every box it had (new ids, same content). */
export async function deleteClass(ed: Editor, classId: number): Promise<number> {
  const cls = ed.doc.classes.find((c) => c.id === classId);
  if (!cls) return 0;
  const st = { id: classId, boxes: [] as Annotation[] };
  const redo = classStep(ed, 'delete class', async (api) => {
    st.boxes = await api['annotations.forClass']({ classId: st.id });
    await api['classes.delete']({ id: st.id });
  });
  const undo = classStep(ed, 'undo delete class', async (api) => {
    const c = await recreate(api, cls);
    ed.queue.aliasClass(st.id, c.id);
    st.id = c.id;
    const made = await api['annotations.createMany']({ items: st.boxes.map((b) => boxContent(b, c.id)) });
    made.forEach((m, i) => ed.queue.rebindId(st.boxes[i]!.id, m.id));
    st.boxes = made;
  });
  await ed.serial(redo);
  const n = st.boxes.length;
  ed.record({ label: `delete ${cls.name}`, imageId: null, redo, undo });
  return n;
}

/** Give classes the keys 1-9 in list order again (the person asked to renumber): keys cleared, then set. */
export async function renumberClasses(ed: Editor): Promise<void> {
  await updateClasses(ed, async (api) => {
    const plan = renumberPlan(await api['classes.list']({}));
    for (const c of plan) await api['classes.update']({ id: c.id, hotkey: null });
    for (const c of plan) if (c.hotkey) await api['classes.update']({ id: c.id, hotkey: c.hotkey });
  });
}

/** Create, rename, recolor or reorder classes: straight to the store, not in history (not document edits). */
export async function updateClasses(ed: Editor, run: (api: EditorApi) => Promise<void>): Promise<void> {
  await storeCall(ed, 'classes', run);
  await ed.loadClasses();
}
