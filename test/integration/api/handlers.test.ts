import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../../src/main/services/api/dispatch';
import type { Handlers } from '../../../src/main/services/api/handlers';
import { METHOD_NAMES } from '../../../src/shared/api/methods';
import { writeImage } from '../../helpers/images';
import { testDoor } from '../../helpers/studio';
import { makeTmpDir } from '../../helpers/tmp';

let tmp: ReturnType<typeof makeTmpDir>;
let door: ReturnType<typeof testDoor>;
let api: Handlers;
beforeEach(() => {
  tmp = makeTmpDir();
  door = testDoor();
  api = door.handlers;
});
afterEach(async () => {
  await door.close();
  tmp.cleanup();
});

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = await dispatch(api, method, args);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('contract handlers on a real project', () => {
  it('has a handler for every contract method', () => {
    for (const m of METHOD_NAMES) expect(typeof api[m], m).toBe('function');
  });

  it('creates a project, imports images, draws, edits and deletes boxes, and reads them back', async () => {
    await call('project.create', { dir: path.join(tmp.dir, 'p'), name: 'P' });
    await writeImage(path.join(tmp.dir, 'photos', 'a.jpg'), 80, 60, { seed: 1 });
    await writeImage(path.join(tmp.dir, 'photos', 'b.jpg'), 80, 60, { seed: 2 });
    const rep = await call<{ images: number }>('datasets.import', {
      format: 'images',
      from: path.join(tmp.dir, 'photos'),
      split: 'train',
    });
    expect(rep.images).toBe(2);
    const cat = await call<{ id: number; hotkey: string }>('classes.create', { name: 'cat' });
    expect(cat.hotkey).toBe('1');
    const page = await call<{ items: { id: number; status: string }[]; total: number }>('images.page', {});
    expect(page.total).toBe(2);
    const imageId = page.items[0]!.id;
    const box = await call<{ id: number; x: number; w: number }>('annotations.create', {
      imageId,
      classId: cat.id,
      x: 70,
      y: 10,
      w: 30,
      h: 20,
    });
    expect(box).toMatchObject({ x: 70, w: 10 }); // clipped to the 80 px wide image
    const got = await call<{ status: string; boxes: unknown[] }>('images.get', { id: imageId });
    expect(got.status).toBe('labeled');
    expect(got.boxes).toHaveLength(1);
    await call('annotations.update', { id: box.id, x: 5, w: 20 });
    const stats = await call<{ annotations: number; classes: { name: string; count: number }[] }>(
      'project.stats',
      {},
    );
    expect(stats.annotations).toBe(1);
    expect(stats.classes).toEqual([{ name: 'cat', count: 1 }]);
    expect(await call('annotations.delete', { id: box.id })).toEqual({ deleted: true });
    expect((await call<{ status: string }>('images.get', { id: imageId })).status).toBe('unlabeled');
    const filtered = await call<{ total: number }>('images.page', { filter: { status: 'unlabeled' } });
    expect(filtered.total).toBe(2);
  });

  it('merges and deletes classes, reporting how many boxes moved or went', async () => {
    await call('project.create', { dir: path.join(tmp.dir, 'p') });
    await writeImage(path.join(tmp.dir, 'photos', 'a.jpg'), 80, 60);
    await call('datasets.import', { format: 'images', from: path.join(tmp.dir, 'photos') });
    const [img] = (await call<{ items: { id: number }[] }>('images.page', {})).items;
    const a = await call<{ id: number }>('classes.create', { name: 'a' });
    const b = await call<{ id: number }>('classes.create', { name: 'b' });
    for (const classId of [a.id, a.id, b.id])
      await call('annotations.create', { imageId: img!.id, classId, x: 1, y: 1, w: 5, h: 5 });
    expect(await call('classes.merge', { fromId: a.id, toId: b.id })).toEqual({ movedBoxes: 2 });
    expect(await call('classes.delete', { id: b.id })).toEqual({ deletedBoxes: 3 });
    expect(await call('classes.list', {})).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses invalid arguments before any service runs, naming the field', async () => {
    const spy = vi.spyOn(api, 'annotations.create');
    const r = await dispatch(api, 'annotations.create', { imageId: 1, classId: 1, x: 0, y: 0, w: -3, h: 5 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-args');
      expect(r.error.message).toMatch(/w:/);
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses unknown methods, and calls before a project is open, with typed errors', async () => {
    const unknown = await dispatch(api, 'fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
    const noProject = await dispatch(api, 'project.stats', {});
    expect(noProject).toMatchObject({ ok: false, error: { code: 'no-project' } });
  });

  it('turns a person’s mistake into a user error with the file, not a crash', async () => {
    const r = await dispatch(api, 'project.open', { dir: path.join(tmp.dir, 'missing') });
    expect(r).toMatchObject({ ok: false, error: { code: 'user' } });
    if (!r.ok) expect(r.error.message).toMatch(/not a Ridge Studio project/);
  });
});
