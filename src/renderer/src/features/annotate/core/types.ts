import type { StudioApi } from '../../../../../shared/api/contract';
import type { Annotation, Box, ImageStatus, LabelClass, Split } from '../../../../../shared/domain/types';

/** A box as the editor holds it: a stable local key (server ids change when a deleted box is restored). */
export interface DocBox extends Box {
  key: string;
  imageId: number;
  classId: number;
  difficult: boolean;
  truncated: boolean;
  source: Annotation['source'];
  score: number | null;
  state: Annotation['state'];
}

/** The part of the API the editor core uses; unit tests pass the real handlers through dispatch. */
export type EditorApi = Pick<
  StudioApi,
  | 'annotations.create'
  | 'annotations.update'
  | 'annotations.delete'
  | 'annotations.createMany'
  | 'annotations.forClass'
  | 'annotations.setClassMany'
  | 'images.setStatus'
  | 'images.get'
  | 'classes.list'
  | 'classes.create'
  | 'classes.update'
  | 'classes.delete'
  | 'classes.merge'
  | 'images.list'
  | 'images.byIds'
  | 'images.setSplit'
  | 'images.remove'
  | 'images.restore'
>;

/** Re-exported so core files import domain types from one place. */
export type { Annotation, Box, ImageStatus, LabelClass, Split };

/** Save state the UI shows: everything stored, writes in flight, or a write failed (and is being retried). */
export type SaveState = 'saved' | 'saving' | 'failed';

/** Make a box key for a box that came from the store. */
export function storedKey(id: number): string {
  return `s${id}`;
}

let keySeq = 0;
/** A fresh key for a box drawn (or copied) in this session. */
export function newKey(): string {
  keySeq += 1;
  return `n${Date.now().toString(36)}${keySeq}`;
}

/** A store annotation as a DocBox. */
export function fromAnnotation(a: Annotation): DocBox {
  return { key: storedKey(a.id), ...boxContent(a, a.classId) };
}

/** What `annotations.create` takes for a box (a manual, accepted one), under the class id to store it with. */
export function manualBoxFields(
  b: Omit<DocBox, 'key'>,
  classId: number,
): Omit<DocBox, 'key' | 'source' | 'score' | 'state'> {
  return {
    imageId: b.imageId,
    classId,
    x: b.x,
    y: b.y,
    w: b.w,
    h: b.h,
    difficult: b.difficult,
    truncated: b.truncated,
  };
}

/** Everything a box holds but its key and id, as `annotations.createMany` takes it (re-creates after undo too). */
export function boxContent(b: Omit<DocBox, 'key'>, classId: number): Omit<DocBox, 'key'> {
  return { ...manualBoxFields(b, classId), source: b.source, score: b.score, state: b.state };
}
