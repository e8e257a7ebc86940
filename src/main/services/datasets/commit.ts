import path from 'node:path';
import type { ImageStatus, Split } from '../../../shared/domain/types';
import type { Project } from '../project/project';
import { pausePoint } from '../test-hooks';
import type { LabeledBox } from './formats/types';
import { ImportStaging, type PublishResult } from './staging';

/** A box ready to store: pixels, clipped, with a class name (the same shape an export writes). */
export type PreparedBox = LabeledBox;

/** An image ready to store: where its bytes come from, where they would like to go, and its boxes. */
export interface PreparedImage {
  /** Bytes in memory (generator) or a file to copy or link (import). */
  source: { buffer: Buffer } | { file: string };
  /** Project-relative path wanted for a copy (images/...; the final name is picked when stored), or of a link. */
  dest: string;
  link: boolean;
  sha256: string;
  width: number;
  height: number;
  split: Split;
  status: ImageStatus;
  boxes: PreparedBox[];
}

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
    staging.stage(items.map((it) => ({ ...it, wanted: it.dest })));
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
