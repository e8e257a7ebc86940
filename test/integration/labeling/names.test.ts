import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/services/api/dispatch';
import { importDataset } from '../../../src/main/services/datasets/import';
import { ImportAbortedError } from '../../../src/main/services/datasets/import-errors';
import { UserError } from '../../../src/shared/errors';
import { Project } from '../../../src/main/services/project/project';
import { writeImage } from '../../helpers/images';
import { testDoor } from '../../helpers/studio';
import { makeTmpDir } from '../../helpers/tmp';

// A class or project name with a control character is refused where names are written, whatever the door.

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

describe('names with control characters', () => {
  it('a class: refused on create and on rename, by the handlers and by the API schema in the same words; nothing stored', async () => {
    const door = testDoor();
    const api = door.handlers;
    try {
      // Writes go through the project's write queue, so a handler answers (or refuses) asynchronously.
      await api['project.create']({ dir: path.join(tmp.dir, 'p') });
      await expect(async () => api['classes.create']({ name: 'ca\u0000t' })).rejects.toThrow(UserError);
      await expect(async () => api['classes.create']({ name: 'ca\u0000t' })).rejects.toThrow(
        /class name cannot contain control characters/,
      );
      const cat = (await api['classes.create']({ name: 'cat' })) as { id: number };
      await expect(async () => api['classes.update']({ id: cat.id, name: 'dog\n' })).rejects.toThrow(
        /U\+000A/,
      );
      // Through a transport (dispatch): refused by the argument schema, as invalid-args, with the rule's words.
      const created = await dispatch(api, 'classes.create', { name: 'ca\u0000t' });
      expect(created).toMatchObject({
        ok: false,
        error: {
          code: 'invalid-args',
          message:
            'invalid arguments: name: a class name cannot contain control characters; "ca\\u0000t" has U+0000 at position 3',
        },
      });
      const renamed = await dispatch(api, 'classes.update', { id: cat.id, name: 'dog\n' });
      expect(renamed).toMatchObject({
        ok: false,
        error: { code: 'invalid-args', message: expect.stringMatching(/U\+000A at position 4/) },
      });
      const long = await dispatch(api, 'classes.create', { name: 'x'.repeat(101) });
      expect(long).toMatchObject({
        ok: false,
        error: {
          message: 'invalid arguments: name: a class name can have at most 100 characters; this one has 101',
        },
      });
      expect(await dispatch(api, 'classes.create', { name: '  bird ' })).toMatchObject({
        ok: true,
        value: { name: 'bird' },
      });
      expect(door.session.project.classes.list().map((c) => c.name)).toEqual(['cat', 'bird']);
      const project = await dispatch(api, 'project.create', {
        dir: path.join(tmp.dir, 'q'),
        name: 'a\u0007b',
      });
      expect(project).toMatchObject({
        ok: false,
        error: {
          code: 'invalid-args',
          message: expect.stringMatching(/^invalid arguments: name: a project name cannot contain control/),
        },
      });
    } finally {
      await door.close();
    }
  });

  it('a project: refused before its folder is made; a folder name with one becomes a clean default', () => {
    const dir = path.join(tmp.dir, 'named');
    expect(() => Project.init(dir, 'Parking\u0000lot')).toThrow(
      /project name cannot contain control characters/,
    );
    const odd = Project.init(path.join(tmp.dir, 'odd\u0007name'));
    expect(odd.info().name).toBe('oddname');
    expect(() => odd.projectRepo.rename('x\u0000')).toThrow(UserError);
    odd.close();
  });

  it('an import whose dataset names a class with a NUL aborts, naming the file; nothing written', async () => {
    const ds = path.join(tmp.dir, 'ds');
    await writeImage(path.join(ds, 'a.jpg'), 20, 20, { seed: 1 });
    const coco = path.join(ds, 'instances.json');
    writeFileSync(
      coco,
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 20, height: 20 }],
        categories: [{ id: 1, name: 'ca\u0000t' }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 5, 5] }],
      }),
    );
    const p = Project.init(path.join(tmp.dir, 'p2'));
    try {
      const err = await importDataset(p, { format: 'coco', from: coco }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportAbortedError);
      const e = (err as ImportAbortedError).problems.find((x) => x.severity === 'error')!;
      expect(e).toMatchObject({
        file: coco,
        message: expect.stringMatching(/class name cannot contain control characters/),
      });
      expect(p.images.count()).toBe(0);
      expect(p.classes.list()).toEqual([]);
    } finally {
      p.close();
    }
  });
});
