import type Database from 'better-sqlite3';
import type { Annotation, AnnotationSource, AnnotationState, Box } from '../../../../shared/domain/types';
import { type AnnotationRow, nowIso, toAnnotation } from './rows';

/** Fields to create a box. */
export interface NewAnnotation extends Box {
  imageId: number;
  classId: number;
  difficult?: boolean;
  truncated?: boolean;
  source?: AnnotationSource;
  score?: number | null;
  state?: AnnotationState;
}

/** Fields an edit may change. */
export type AnnotationPatch = Partial<
  Box & Pick<Annotation, 'classId' | 'difficult' | 'truncated' | 'state'>
>;

/** All SQL on annotations. Pending predictions are excluded from every ground-truth query here. */
export class AnnotationRepo {
  private readonly q;
  constructor(private readonly db: Database.Database) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO annotation (image_id, class_id, x, y, w, h, difficult, truncated, source, score, state,
           created_at, updated_at)
         VALUES (@imageId, @classId, @x, @y, @w, @h, @difficult, @truncated, @source, @score, @state, @now, @now)`,
      ),
      byId: db.prepare('SELECT * FROM annotation WHERE id = ?'),
      forImage: db.prepare('SELECT * FROM annotation WHERE image_id = ? ORDER BY id'),
      forImages: db.prepare(
        'SELECT * FROM annotation WHERE image_id IN (SELECT value FROM json_each(?)) ORDER BY image_id, id',
      ),
      acceptedAll: db.prepare("SELECT * FROM annotation WHERE state = 'accepted' ORDER BY image_id, id"),
      update: db.prepare(
        `UPDATE annotation SET class_id = @classId, x = @x, y = @y, w = @w, h = @h, difficult = @difficult,
           truncated = @truncated, state = @state, updated_at = @now WHERE id = @id`,
      ),
      remove: db.prepare('DELETE FROM annotation WHERE id = ?'),
      countAccepted: db.prepare(
        "SELECT count(*) AS n FROM annotation a JOIN image i ON i.id = a.image_id WHERE a.state = 'accepted' AND i.removed_at IS NULL",
      ),
      countByClass: db.prepare(
        "SELECT a.class_id, count(*) AS n FROM annotation a JOIN image i ON i.id = a.image_id WHERE a.state = 'accepted' " +
          'AND i.removed_at IS NULL GROUP BY a.class_id',
      ),
      countPending: db.prepare(
        "SELECT count(*) AS n FROM annotation a JOIN image i ON i.id = a.image_id WHERE a.state = 'pending' " +
          'AND i.removed_at IS NULL',
      ),
      countForClass: db.prepare('SELECT count(*) AS n FROM annotation WHERE class_id = ?'),
      moveClass: db.prepare('UPDATE annotation SET class_id = ?, updated_at = ? WHERE class_id = ?'),
      removeClass: db.prepare('DELETE FROM annotation WHERE class_id = ?'),
      imagesForClass: db.prepare('SELECT DISTINCT image_id AS id FROM annotation WHERE class_id = ?'),
      countForImage: db.prepare(
        "SELECT count(*) AS n FROM annotation WHERE image_id = ? AND state = 'accepted'",
      ),
    };
  }

  /** Insert a box; manual and accepted unless stated. */
  insert(a: NewAnnotation): Annotation {
    return this.byId(this.insertId(a))!;
  }

  /** Insert a box and return only its id (bulk imports: no read-back per row). */
  insertId(a: NewAnnotation): number {
    const info = this.q.insert.run({
      imageId: a.imageId,
      classId: a.classId,
      x: a.x,
      y: a.y,
      w: a.w,
      h: a.h,
      difficult: a.difficult ? 1 : 0,
      truncated: a.truncated ? 1 : 0,
      source: a.source ?? 'manual',
      score: a.score ?? null,
      state: a.state ?? 'accepted',
      now: nowIso(),
    });
    return Number(info.lastInsertRowid);
  }

  /** One box, or undefined. */
  byId(id: number): Annotation | undefined {
    const r = this.q.byId.get(id) as AnnotationRow | undefined;
    return r && toAnnotation(r);
  }

  /** Every box of an image, pending included (the canvas shows both). */
  forImage(imageId: number): Annotation[] {
    return (this.q.forImage.all(imageId) as AnnotationRow[]).map(toAnnotation);
  }

  /** Boxes of several images in one query (a list page). */
  forImages(imageIds: number[]): Annotation[] {
    if (imageIds.length === 0) return [];
    return (this.q.forImages.all(JSON.stringify(imageIds)) as AnnotationRow[]).map(toAnnotation);
  }

  /** Every accepted box: the ground truth for exports, stats and training manifests. */
  acceptedAll(): Annotation[] {
    return (this.q.acceptedAll.all() as AnnotationRow[]).map(toAnnotation);
  }

  /** Apply a patch; returns the new row, or undefined when the box no longer exists. */
  update(id: number, patch: AnnotationPatch): Annotation | undefined {
    const cur = this.byId(id);
    if (!cur) return undefined;
    const n = { ...cur, ...patch };
    this.q.update.run({
      id,
      classId: n.classId,
      x: n.x,
      y: n.y,
      w: n.w,
      h: n.h,
      difficult: n.difficult ? 1 : 0,
      truncated: n.truncated ? 1 : 0,
      state: n.state,
      now: nowIso(),
    });
    return this.byId(id);
  }

  /** Delete a box; true if it existed. */
  remove(id: number): boolean {
    return this.q.remove.run(id).changes > 0;
  }

  /** Number of accepted boxes (difficult included). */
  countAccepted(): number {
    return (this.q.countAccepted.get() as { n: number }).n;
  }

  /** Accepted boxes per class id. */
  countByClass(): Map<number, number> {
    const rows = this.q.countByClass.all() as { class_id: number; n: number }[];
    return new Map(rows.map((r) => [r.class_id, r.n]));
  }

  /** Pending predictions on the project's images (removed ones left out). */
  countPending(): number {
    return (this.q.countPending.get() as { n: number }).n;
  }

  /** All boxes (any state) of one class: shown before a delete or merge. */
  countForClass(classId: number): number {
    return (this.q.countForClass.get(classId) as { n: number }).n;
  }

  /** Accepted boxes on one image (status bookkeeping). */
  countAcceptedForImage(imageId: number): number {
    return (this.q.countForImage.get(imageId) as { n: number }).n;
  }

  /** Images that hold boxes of a class (status bookkeeping after a class delete). */
  imageIdsForClass(classId: number): number[] {
    return (this.q.imagesForClass.all(classId) as { id: number }[]).map((r) => r.id);
  }

  /** Re-point every box of one class to another (merge). */
  moveClass(fromId: number, toId: number): number {
    return this.q.moveClass.run(toId, nowIso(), fromId).changes;
  }

  /** Delete every box of one class (class delete). */
  removeClass(classId: number): number {
    return this.q.removeClass.run(classId).changes;
  }
}
