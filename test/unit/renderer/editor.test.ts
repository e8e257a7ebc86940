import { afterEach, describe, expect, it } from 'vitest';
import { History } from '../../../src/renderer/src/features/annotate/core/history';
import { editorOnRealStore } from './editor-harness';

type Env = Awaited<ReturnType<typeof editorOnRealStore>>;
let env: Env | null = null;
afterEach(() => env?.cleanup());

async function setup(link?: Parameters<typeof editorOnRealStore>[1]): Promise<Env> {
  env = await editorOnRealStore(3, link);
  return env;
}

describe('editor commands against the real store (no React)', () => {
  it('draws a box, undoes and redoes it; the store follows every step', async () => {
    const { ed, ids, stored, shown } = await setup();
    const img = ids[0]!;
    const before = stored(img);
    const cls = ed.doc.classes[0]!.id;
    ed.drawBox(img, { x: 10, y: 12, w: 30, h: 40 }, cls);
    await ed.queue.idle();
    expect(stored(img)).toEqual(shown(img));
    expect(stored(img)).toHaveLength(before.length + 1);
    await ed.undo();
    await ed.queue.idle();
    expect(stored(img)).toEqual(before);
    await ed.redo();
    await ed.queue.idle();
    expect(stored(img)).toHaveLength(before.length + 1);
    expect(stored(img)).toEqual(shown(img));
    expect(ed.history.labels()).toEqual(['draw box']);
  });

  it('moves and resizes as one entry each, clipped to the image', async () => {
    const { ed, ids, stored, shown, p } = await setup();
    const img = ids[0]!;
    const { width } = p.images.byId(img)!;
    const b = ed.drawBox(img, { x: 10, y: 10, w: 20, h: 20 }, ed.doc.classes[0]!.id)!;
    ed.moveBox(img, b.key, { x: 50, y: 60, w: 20, h: 20 });
    ed.moveBox(img, b.key, { x: 50, y: 60, w: 100000, h: 35 }, 'resize box');
    await ed.queue.idle();
    const now = ed.doc.find(img, b.key)!;
    expect(now.x).toBe(50);
    expect(now.h).toBe(35);
    // Resized far past the right edge: the box ends exactly at the image's edge, on screen and in the store.
    expect(width).toBeLessThan(100000);
    expect(now.x + now.w).toBe(width);
    expect(stored(img)).toEqual(shown(img));
    expect(ed.history.labels()).toEqual(['draw box', 'move box', 'resize box']);
    await ed.undo();
    await ed.undo();
    await ed.queue.idle();
    expect(ed.doc.find(img, b.key)).toMatchObject({ x: 10, y: 10, w: 20, h: 20 });
    expect(stored(img)).toEqual(shown(img));
  });

  it('deletes and restores boxes, a pending prediction stays pending', async () => {
    const { ed, ids, stored, shown, p } = await setup();
    const img = ids[1]!;
    const cls = ed.doc.classes[0]!.id;
    p.annotations.insert({
      imageId: img,
      classId: cls,
      x: 5,
      y: 5,
      w: 9,
      h: 9,
      source: 'predicted',
      score: 0.8,
      state: 'pending',
    });
    await ed.loadImage(img);
    const before = stored(img);
    const keys = ed.doc.get(img).map((b) => b.key);
    ed.deleteBoxes(img, keys);
    await ed.queue.idle();
    expect(stored(img)).toEqual([]);
    await ed.undo();
    await ed.queue.idle();
    expect(stored(img)).toEqual(before);
    expect(stored(img).some((b) => b.state === 'pending')).toBe(true);
    expect(shown(img)).toEqual(before);
  });

  it('relabels, accepts a prediction and toggles flags, each undoable', async () => {
    const { ed, ids, p } = await setup();
    const img = ids[0]!;
    const [a, b] = ed.doc.classes;
    const box = ed.drawBox(img, { x: 1, y: 1, w: 8, h: 8 }, a!.id)!;
    ed.relabel(img, [box.key], b!.id);
    ed.toggleFlag(img, box.key, 'difficult');
    await ed.queue.idle();
    const id = ed.queue.idOf(box.key)!;
    expect(p.annotations.byId(id)).toMatchObject({ classId: b!.id, difficult: true });
    await ed.undo();
    await ed.undo();
    await ed.queue.idle();
    expect(p.annotations.byId(id)).toMatchObject({ classId: a!.id, difficult: false });
  });

  it('copies all boxes from the previous image in one entry', async () => {
    const { ed, ids, stored, shown } = await setup();
    const [prev, cur] = [ids[0]!, ids[1]!];
    const n0 = stored(cur).length;
    const n = ed.copyBoxes(cur, ed.doc.get(prev));
    expect(n).toBe(ed.doc.get(prev).filter((b) => b.state === 'accepted').length);
    await ed.queue.idle();
    expect(stored(cur)).toHaveLength(n0 + n);
    expect(stored(cur)).toEqual(shown(cur));
    await ed.undo();
    await ed.queue.idle();
    expect(stored(cur)).toHaveLength(n0);
  });

  it('merges two classes; undo brings the class back with exactly its boxes', async () => {
    const { ed, p } = await setup();
    const { mergeClasses } = await import('../../../src/renderer/src/features/annotate/core/class-commands');
    const [a, b] = ed.doc.classes;
    const count = (id: number) => p.annotations.countForClass(id);
    const na = count(a!.id);
    const nb = count(b!.id);
    const aBoxes = p.annotations
      .acceptedAll()
      .filter((x) => x.classId === a!.id)
      .map((x) => x.id)
      .sort();
    await mergeClasses(ed, a!.id, b!.id);
    expect(count(b!.id)).toBe(na + nb);
    expect(p.classes.byId(a!.id)).toBeUndefined();
    await ed.undo();
    const back = p.classes.byName(a!.name)!;
    expect(back).toMatchObject({ name: a!.name, color: a!.color, order: a!.order });
    expect(
      p.annotations
        .acceptedAll()
        .filter((x) => x.classId === back.id)
        .map((x) => x.id)
        .sort(),
    ).toEqual(aBoxes);
    expect(ed.doc.classes.map((c) => c.name)).toEqual(p.classes.list().map((c) => c.name));
    await ed.redo();
    expect(p.classes.byName(a!.name)).toBeUndefined();
    expect(count(b!.id)).toBe(na + nb);
  });

  it('deletes a class with its boxes; undo restores them', async () => {
    const { ed, p } = await setup();
    const { deleteClass } = await import('../../../src/renderer/src/features/annotate/core/class-commands');
    const a = ed.doc.classes[0]!;
    const geom = () =>
      p.annotations
        .acceptedAll()
        .filter((x) => p.classes.byId(x.classId)?.name === a.name)
        .map((x) => [x.imageId, x.x, x.y, x.w, x.h])
        .sort();
    const before = geom();
    expect(await deleteClass(ed, a.id)).toBe(before.length);
    expect(geom()).toEqual([]);
    await ed.undo();
    expect(geom()).toEqual(before);
  });

  it('retries a write that failed for a passing reason (offline) until it lands, showing failed meanwhile', async () => {
    let offline = 3;
    const { ed, ids, stored, shown } = await setup((call) => async (m, a) => {
      if (m === 'annotations.create' && offline > 0) {
        offline--;
        return { ok: false, error: { code: 'offline', message: 'offline: the link to the server dropped' } };
      }
      return call(m, a);
    });
    const img = ids[2]!;
    const states: string[] = [];
    ed.queue.subscribe(() => states.push(ed.queue.status.state));
    ed.drawBox(img, { x: 3, y: 3, w: 10, h: 10 }, ed.doc.classes[0]!.id);
    await ed.queue.idle();
    expect(offline).toBe(0);
    expect(states).toContain('failed');
    expect(ed.queue.status).toMatchObject({ state: 'saved', rejected: null });
    expect(stored(img)).toEqual(shown(img));
  });

  it('gives up a write the services failed on (a bug, not retryable), shows it, and later edits still land', async () => {
    const { ed, ids, p, stored } = await setup();
    const img = ids[2]!;
    const before = stored(img);
    p.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON annotation BEGIN SELECT RAISE(ABORT, 'broken trigger (test)'); END",
    );
    ed.drawBox(img, { x: 3, y: 3, w: 10, h: 10 }, ed.doc.classes[0]!.id);
    await ed.queue.idle();
    expect(ed.queue.status.state).toBe('saved');
    expect(ed.queue.status.rejected).toMatch(/internal error: broken trigger/);
    expect(stored(img)).toEqual(before);
    p.db.exec('DROP TRIGGER refuse');
    ed.drawBox(img, { x: 30, y: 30, w: 10, h: 10 }, ed.doc.classes[0]!.id);
    await ed.queue.idle();
    expect(stored(img)).toHaveLength(before.length + 1);
  });
});

describe('history', () => {
  it('a new change clears redo; undo and redo move entries between stacks', () => {
    const h = new History();
    const c = (label: string) => ({ label, imageId: 1, redo: () => undefined, undo: () => undefined });
    h.push(c('a'));
    h.push(c('b'));
    expect(h.popUndo()?.label).toBe('b');
    expect(h.canRedo).toBe(true);
    h.push(c('c'));
    expect(h.canRedo).toBe(false);
    expect(h.labels()).toEqual(['a', 'c']);
  });
});
