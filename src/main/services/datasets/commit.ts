import path from 'node:path';
import type { Project } from '../project/project';
import { pausePoint } from '../test-hooks';
import type { LabeledBox } from './formats/types';
import { ImportStaging, type PreparedImage, type PublishResult } from './staging';

/** What callers hand over (the sample generator imports it from here). */
export type { PreparedImage } from './staging';

/** A box ready to store: pixels, clipped, with a class name (the same shape an export writes). */
export type PreparedBox = LabeledBox;

/** What a commit stored. */
export type CommitResult = PublishResult;

/**
 * Store prepared images all or nothing. The bytes and rows are staged first without the project's write lock;
 * then one short transaction picks each copy's final name under images/ (the wanted one when free, else
 * `<stem>-<hash8>`), moves the files in and makes the rows visible. An image whose content already sits at its
 * wanted path is skipped (`alreadyStored`). Classes are created in the order given, before any box refers to them.
 */
export function commitImages(
  p: Project,
  classOrder: readonly string[],
  items: readonly PreparedImage[],
): CommitResult {
  if (items.length === 0) {
    const classesCreated = p.tx(() => {
      const missing = classOrder.filter((n) => !p.classes.byName(n));
      for (const n of missing) p.classes.create(n);
      return missing;
    });
    return { images: 0, annotations: 0, classesCreated, imageIds: [], alreadyStored: [] };
  }
  const staging = ImportStaging.create(p);
  try {
    staging.stage(items);
    pausePoint('import:staged');
    const r = staging.publish(classOrder);
    pausePoint('import:published');
    return r;
  } finally {
    staging.discard();
  }
}

/** The project-relative path a linked image is stored under. */
export function linkPath(p: Project, abs: string): string {
  return path.relative(p.dir, abs).split(path.sep).join('/');
}
