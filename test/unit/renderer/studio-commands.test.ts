import { afterEach, describe, expect, it } from 'vitest';
import { deleteClass } from '../../../src/renderer/src/features/annotate/core/class-commands';
import {
  setImageRemoved,
  setImageSplit,
} from '../../../src/renderer/src/features/annotate/core/image-commands';
import {
  loadPendingImages,
  reviewBoxes,
} from '../../../src/renderer/src/features/annotate/core/review-commands';
import { editorOnRealStore } from './editor-harness';

type Env = Awaited<ReturnType<typeof editorOnRealStore>>;
let env: Env | null = null;
afterEach(() => env?.cleanup());

describe('studio commands on the real store', () => {
  it('a bulk review over several images is one undo entry; undo restores every rejected prediction', async () => {
    env = await editorOnRealStore(3);
    const { p, ed, ids, stored, shown } = env;
    const cls = ed.doc.classes[0]!.id;
    for (const [img, score] of [
      [ids[0]!, 0.9],
      [ids[1]!, 0.3],
      [ids[2]!, 0.2],
    ] as const)
      p.annotations.insert({
        imageId: img,
        classId: cls,
        x: 1,
        y: 1,
        w: 5,
        h: 5,
        source: 'predicted',
        score,
        state: 'pending',
      });
    for (const id of ids) await ed.loadImage(id);
    const pendingIds = await loadPendingImages(ed, ed.api);
    expect(pendingIds.sort()).toEqual([...ids].sort());
    const picks = ids.map((imageId) => ({
      imageId,
      keys: ed.doc
        .get(imageId)
        .filter((b) => b.state === 'pending' && (b.score ?? 0) < 0.5)
        .map((b) => b.key),
    }));
    expect(reviewBoxes(ed, 'reject', picks, 'reject < 0.5')).toBe(2);
    await ed.queue.idle();
    const pending = () =>
      p.annotations
        .forImages(ids)
        .filter((a) => a.state === 'pending')
        .map((a) => a.score);
    expect(pending()).toEqual([0.9]);
    for (const id of ids) expect(stored(id)).toEqual(shown(id));
    expect(ed.history.labels()).toEqual(['reject < 0.5']);
    await ed.undo();
    await ed.queue.idle();
    expect(pending().sort()).toEqual([0.2, 0.3, 0.9]);
    for (const id of ids) expect(stored(id)).toEqual(shown(id));
  });

  it('split change and removal are undoable; a removed image keeps its boxes', async () => {
    env = await editorOnRealStore(3);
    const { p, ed, ids } = env;
    const id = ids[1]!;
    const from = p.images.byId(id)!.split;
    const to = from === 'test' ? 'val' : 'test';
    let refreshed = 0;
    const after = async () => void refreshed++;
    await setImageSplit(ed, id, from, to, after);
    expect(p.images.byId(id)!.split).toBe(to);
    await ed.undo();
    expect(p.images.byId(id)!.split).toBe(from);
    const boxes = p.annotations.forImage(id).length;
    await setImageRemoved(ed, id, true, after);
    expect(p.images.isRemoved(id)).toBe(true);
    expect(p.images.all().map((i) => i.id)).not.toContain(id);
    expect(p.annotations.forImage(id)).toHaveLength(boxes);
    await ed.undo();
    expect(p.images.isRemoved(id)).toBe(false);
    expect(refreshed).toBe(4);
  });

  it('undoing a class delete after its key was taken re-creates the class without failing', async () => {
    env = await editorOnRealStore(3);
    const { p, ed } = env;
    const victim = ed.doc.classes[1]!;
    const n = p.annotations.countForClass(victim.id);
    await deleteClass(ed, victim.id);
    p.classes.create('kite'); // takes the freed key
    expect(p.classes.byName('kite')!.hotkey).toBe(victim.hotkey);
    await ed.undo();
    await ed.queue.idle();
    const back = p.classes.byName(victim.name)!;
    expect(back).toBeDefined();
    expect(back.hotkey).not.toBe(victim.hotkey);
    expect(p.annotations.countForClass(back.id)).toBe(n);
    expect(ed.queue.status.rejected).toBeNull();
  });
});
