import type { Annotation, ImageRecord, LabelClass } from '../../../../shared/domain/types';

/** Row shapes as SQLite returns them; mapped to domain types at the repository edge. */
export interface ClassRow {
  id: number;
  name: string;
  color: string;
  hotkey: string | null;
  sort_order: number;
}

/** Raw image row. */
export interface ImageRow {
  id: number;
  sha256: string;
  path: string;
  linked: number;
  width: number;
  height: number;
  split: ImageRecord['split'];
  status: ImageRecord['status'];
  created_at: string;
}

/** Raw annotation row. */
export interface AnnotationRow {
  id: number;
  image_id: number;
  class_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  difficult: number;
  truncated: number;
  source: Annotation['source'];
  score: number | null;
  state: Annotation['state'];
  created_at: string;
  updated_at: string;
}

/** Map a class row to the domain type. */
export function toLabelClass(r: ClassRow): LabelClass {
  return { id: r.id, name: r.name, color: r.color, hotkey: r.hotkey, order: r.sort_order };
}

/** Map an image row to the domain type. */
export function toImage(r: ImageRow): ImageRecord {
  return {
    id: r.id,
    sha256: r.sha256,
    path: r.path,
    linked: r.linked === 1,
    width: r.width,
    height: r.height,
    split: r.split,
    status: r.status,
    createdAt: r.created_at,
  };
}

/** Map an annotation row to the domain type. */
export function toAnnotation(r: AnnotationRow): Annotation {
  return {
    id: r.id,
    imageId: r.image_id,
    classId: r.class_id,
    x: r.x,
    y: r.y,
    w: r.w,
    h: r.h,
    difficult: r.difficult === 1,
    truncated: r.truncated === 1,
    source: r.source,
    score: r.score,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** ISO timestamp for created_at / updated_at columns. */
export function nowIso(): string {
  return new Date().toISOString();
}
