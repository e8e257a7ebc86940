import type { Annotation, Box, ImageStatus } from '../../../shared/domain/types';
import { clipBoxToImage } from '../../../shared/geometry';
import { UserError } from '../../../shared/errors';
import type { AnnotationPatch, NewAnnotation } from '../db/repos/annotation-repo';
import type { Project } from '../project/project';

/** Fields a person gives when drawing a box. */
export interface DrawBox extends Box {
  imageId: number;
  classId: number;
  difficult?: boolean;
  truncated?: boolean;
}

function fitBox(p: Project, imageId: number, box: Box): Box {
  const img = p.images.byId(imageId);
  if (!img) throw new UserError(`image ${imageId} does not exist`);
  const r = clipBoxToImage(box, img.width, img.height);
  if (r.kind === 'dropped') throw new UserError(`box on image ${imageId} is ${r.reason}; nothing was saved`);
  return r.box;
}

function requireClass(p: Project, classId: number): void {
  if (!p.classes.byId(classId)) throw new UserError(`class ${classId} does not exist`);
}

/** Keep image status in step with its boxes: a box makes an image labeled; removing the last one undoes that. */
function syncStatus(p: Project, imageId: number): void {
  const img = p.images.byId(imageId);
  if (!img) return;
  const n = p.annotations.countAcceptedForImage(imageId);
  let next: ImageStatus = img.status;
  if (n > 0 && (img.status === 'unlabeled' || img.status === 'empty')) next = 'labeled';
  if (n === 0 && img.status === 'labeled') next = 'unlabeled';
  if (next !== img.status) p.images.setStatus(imageId, next);
}

/** Draw a box: clipped to the image, stored in one transaction, durable when this returns. */
export function createBox(p: Project, b: DrawBox): Annotation {
  return p.tx(() => {
    requireClass(p, b.classId);
    const box = fitBox(p, b.imageId, b);
    const a = p.annotations.insert({ ...b, ...box, source: 'manual', state: 'accepted' });
    syncStatus(p, b.imageId);
    return a;
  });
}

/**
 * Re-create a box as it was (undo of a delete or of a class merge): keeps its source, score and state, clipped
 * like any edit, and keeps the image's status in step exactly as drawing does. Run inside the caller's transaction.
 */
export function restoreBox(p: Project, b: NewAnnotation): Annotation {
  requireClass(p, b.classId);
  const box = fitBox(p, b.imageId, b);
  const a = p.annotations.insert({ ...b, ...box });
  syncStatus(p, b.imageId);
  return a;
}

/** Move, resize, relabel, flag or accept a box in one transaction. */
export function updateBox(p: Project, id: number, patch: AnnotationPatch): Annotation {
  return p.tx(() => {
    const cur = p.annotations.byId(id);
    if (!cur) throw new UserError(`box ${id} does not exist (deleted elsewhere?)`);
    if (patch.classId !== undefined) requireClass(p, patch.classId);
    const geom = { x: patch.x ?? cur.x, y: patch.y ?? cur.y, w: patch.w ?? cur.w, h: patch.h ?? cur.h };
    const box = fitBox(p, cur.imageId, geom);
    const a = p.annotations.update(id, { ...patch, ...box })!;
    syncStatus(p, cur.imageId);
    return a;
  });
}

/** Delete a box; deleting one that is already gone is not an error (idempotent retries). */
export function deleteBox(p: Project, id: number): boolean {
  return p.tx(() => {
    const cur = p.annotations.byId(id);
    if (!cur) return false;
    p.annotations.remove(id);
    syncStatus(p, cur.imageId);
    return true;
  });
}

/** Set an image's status by hand (mark reviewed, mark empty = a reviewed negative). */
export function setImageStatus(p: Project, imageId: number, status: ImageStatus): void {
  p.tx(() => {
    if (!p.images.byId(imageId)) throw new UserError(`image ${imageId} does not exist`);
    if (status === 'empty' && p.annotations.countAcceptedForImage(imageId) > 0) {
      throw new UserError(`image ${imageId} has boxes; delete them before marking it empty`);
    }
    p.images.setStatus(imageId, status);
  });
}
