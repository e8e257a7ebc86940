import path from 'node:path';
import { dispatch } from '../../../src/main/services/api/dispatch';
import { Project } from '../../../src/main/services/project/project';
import { fillSampleProject } from '../../../src/main/services/sample/fill-project';
import { type RawCall, typedApi } from '../../../src/renderer/src/api/typed';
import { Editor } from '../../../src/renderer/src/features/annotate/core/editor';
import { testDoor } from '../../helpers/studio';
import { makeTmpDir } from '../../helpers/tmp';

/**
 * A real project (SQLite, sample images) and an Editor talking to the real handlers through dispatch; `link` may
 * stand between them (a flaky transport, say).
 */
export async function editorOnRealStore(images = 3, link: (call: RawCall) => RawCall = (c) => c) {
  const tmp = makeTmpDir('ridge-editor-');
  const p = Project.init(path.join(tmp.dir, 'proj'), 'editor');
  await fillSampleProject(p, { count: images, seed: 3 });
  const door = testDoor();
  // The editor writes through the session's own connection; `p` (a second connection) reads what it stored.
  door.session.use(p.dir);
  const handlers = door.handlers;
  const api = typedApi(link((m, a) => dispatch(handlers, m, a)));
  const ed = new Editor(api, { retryDelayMs: () => 20 });
  await ed.loadClasses();
  const ids = p.images.all().map((i) => i.id);
  for (const id of ids) await ed.loadImage(id);
  /** Boxes of an image as stored, sorted, geometry only: what a reload would show. */
  const stored = (imageId: number) =>
    p.annotations
      .forImage(imageId)
      .map((a) => ({ x: a.x, y: a.y, w: a.w, h: a.h, classId: a.classId, state: a.state }))
      .sort((a, b) => a.x - b.x || a.y - b.y);
  /** Boxes of an image as the editor shows them, in the same shape. */
  const shown = (imageId: number) =>
    ed.doc
      .get(imageId)
      .map((a) => ({ x: a.x, y: a.y, w: a.w, h: a.h, classId: a.classId, state: a.state }))
      .sort((a, b) => a.x - b.x || a.y - b.y);
  return {
    p,
    ed,
    ids,
    stored,
    shown,
    cleanup: async () => {
      await door.close();
      p.close();
      tmp.cleanup();
    },
  };
}
