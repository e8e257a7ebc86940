import type Database from 'better-sqlite3';
import type { ImageStatus, Split } from '../../../../shared/domain/types';

/** The overview's read-only SQL: aggregates over the project's images (removed ones left out), no row mapping. */
export class OverviewRepo {
  private readonly q;
  constructor(db: Database.Database) {
    this.q = {
      byStatus: db.prepare(
        'SELECT status, count(*) AS n FROM image WHERE removed_at IS NULL GROUP BY status',
      ),
      removed: db.prepare('SELECT count(*) AS n FROM image WHERE removed_at IS NOT NULL'),
      boxes: db
        .prepare(
          `SELECT a.class_id, i.split, a.w, a.h FROM annotation a JOIN image i ON i.id = a.image_id
           WHERE a.state = 'accepted' AND i.removed_at IS NULL`,
        )
        .raw(),
      withoutBoxes: db.prepare(
        `SELECT id, path, split, status FROM image i WHERE i.removed_at IS NULL AND NOT EXISTS
           (SELECT 1 FROM annotation a WHERE a.image_id = i.id AND a.state = 'accepted')`,
      ),
      brief: db.prepare(
        'SELECT id, path, split, status FROM image WHERE id IN (SELECT value FROM json_each(?))',
      ),
    };
  }

  /** Images per status. */
  byStatus(): { status: ImageStatus; n: number }[] {
    return this.q.byStatus.all() as { status: ImageStatus; n: number }[];
  }

  /** How many images are removed. */
  removed(): number {
    return (this.q.removed.get() as { n: number }).n;
  }

  /** Every accepted box as [classId, split, w, h]. */
  boxes(): [number, Split, number, number][] {
    return this.q.boxes.all() as [number, Split, number, number][];
  }

  /** Images with no accepted box. */
  withoutBoxes(): { id: number; path: string; split: Split; status: ImageStatus }[] {
    return this.q.withoutBoxes.all() as { id: number; path: string; split: Split; status: ImageStatus }[];
  }

  /** Id, path, split and status of some images. */
  brief(ids: readonly number[]): { id: number; path: string; split: Split; status: ImageStatus }[] {
    return this.q.brief.all(JSON.stringify(ids)) as {
      id: number;
      path: string;
      split: Split;
      status: ImageStatus;
    }[];
  }
}
