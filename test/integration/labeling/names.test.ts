import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, StudioSession } from '../../../src/main/services/api/handlers';
import { importDataset } from '../../../src/main/services/datasets/import';
import { ImportAbortedError } from '../../../src/main/services/datasets/import-errors';
import { UserError } from '../../../src/main/services/db/errors';
import { Project } from '../../../src/main/services/project/project';
import { writeImage } from '../../helpers/images';
import { makeTmpDir } from '../../helpers/tmp';

// A class or project name with a control character is refused where names are written, whatever the door.

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

describe('names with control characters', () => {
  it('a class: refused on create and on rename, through the API handlers too; nothing stored', () => {
    const session = new StudioSession();
    const api = createHandlers(session);
    try {
      api['project.create']({ dir: path.join(tmp.dir, 'p') });
      expect(() => api['classes.create']({ name: 'ca\u0000t' })).toThrow(UserError);
      expect(() => api['classes.create']({ name: 'ca\u0000t' })).toThrow(
        /class name cannot contain control characters/,
      );
      const cat = api['classes.create']({ name: 'cat' }) as { id: number };
      expect(() => api['classes.update']({ id: cat.id, name: 'dog\n' })).toThrow(/U\+000A/);
      expect(session.project.classes.list().map((c) => c.name)).toEqual(['cat']);
    } finally {
      session.close();
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
