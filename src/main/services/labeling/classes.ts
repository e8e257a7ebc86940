import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';

/** Delete a class and all its boxes in one transaction; returns how many boxes went with it. */
export function deleteClass(p: Project, classId: number): number {
  return p.tx(() => {
    if (!p.classes.byId(classId)) throw new UserError(`class ${classId} does not exist`);
    const affected = p.annotations.imageIdsForClass(classId);
    const n = p.annotations.removeClass(classId);
    p.classes.remove(classId);
    for (const id of affected) {
      const img = p.images.byId(id);
      if (img?.status === 'labeled' && p.annotations.countAcceptedForImage(id) === 0)
        p.images.setStatus(id, 'unlabeled');
    }
    return n;
  });
}

/** Merge one class into another: its boxes move, then it is deleted; returns how many boxes moved. */
export function mergeClasses(p: Project, fromId: number, toId: number): number {
  if (fromId === toId) throw new UserError('cannot merge a class into itself');
  return p.tx(() => {
    if (!p.classes.byId(fromId)) throw new UserError(`class ${fromId} does not exist`);
    if (!p.classes.byId(toId)) throw new UserError(`class ${toId} does not exist`);
    const n = p.annotations.moveClass(fromId, toId);
    p.classes.remove(fromId);
    return n;
  });
}
