import type Database from 'better-sqlite3';
import type { ImageRecord, ImageStatus, Split } from '../../../../shared/domain/types';
import { type ImageRow, nowIso, toImage } from './rows';

/** What an import or the sample generator hands over to create an image row: the record but for id and time. */
export type NewImage = Omit<ImageRecord, 'id' | 'createdAt'>;

/** Filters the image list offers. */
export interface ImageFilter {
  status?: ImageStatus;
  split?: Split;
  classId?: number;
  hasPending?: boolean;
}

/** All SQL on images. */
export class ImageRepo {
  private readonly q;
  constructor(private readonly db: Database.Database) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO image (sha256, path, linked, width, height, split, status, created_at)
         VALUES (@sha256, @path, @linked, @width, @height, @split, @status, @created_at)`,
      ),
      byId: db.prepare('SELECT * FROM image WHERE id = ?'),
      byPath: db.prepare('SELECT * FROM image WHERE path = ?'),
      bySha: db.prepare('SELECT * FROM image WHERE sha256 = ? ORDER BY id'),
      all: db.prepare('SELECT * FROM image ORDER BY id'),
      count: db.prepare('SELECT count(*) AS n FROM image'),
      bySplit: db.prepare('SELECT split, count(*) AS n FROM image GROUP BY split'),
      setStatus: db.prepare('UPDATE image SET status = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM image WHERE id = ?'),
      setSplit: db.prepare('UPDATE image SET split = ? WHERE id = ?'),
      dupHashes: db.prepare(
        'SELECT sha256, json_group_array(id) AS ids, count(DISTINCT split) AS splits FROM image ' +
          'GROUP BY sha256 HAVING count(*) > 1',
      ),
      page: db.prepare(
        `SELECT * FROM image i
         WHERE (@status IS NULL OR i.status = @status)
           AND (@split IS NULL OR i.split = @split)
           AND (@classId IS NULL OR EXISTS (SELECT 1 FROM annotation a WHERE a.image_id = i.id
                AND a.class_id = @classId AND a.state = 'accepted'))
           AND (@hasPending IS NULL OR @hasPending = EXISTS (SELECT 1 FROM annotation a
                WHERE a.image_id = i.id AND a.state = 'pending'))
           AND i.id > @after
         ORDER BY i.id LIMIT @limit`,
      ),
      countFiltered: db.prepare(
        `SELECT count(*) AS n FROM image i
         WHERE (@status IS NULL OR i.status = @status)
           AND (@split IS NULL OR i.split = @split)
           AND (@classId IS NULL OR EXISTS (SELECT 1 FROM annotation a WHERE a.image_id = i.id
                AND a.class_id = @classId AND a.state = 'accepted'))
           AND (@hasPending IS NULL OR @hasPending = EXISTS (SELECT 1 FROM annotation a
                WHERE a.image_id = i.id AND a.state = 'pending'))`,
      ),
    };
  }

  /** Insert one image row and return it with its id. */
  insert(img: NewImage): ImageRecord {
    const info = this.q.insert.run({ ...img, linked: img.linked ? 1 : 0, created_at: nowIso() });
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** One image, or undefined. */
  byId(id: number): ImageRecord | undefined {
    const r = this.q.byId.get(id) as ImageRow | undefined;
    return r && toImage(r);
  }

  /** The image stored at a project-relative path, or undefined. */
  byPath(p: string): ImageRecord | undefined {
    const r = this.q.byPath.get(p) as ImageRow | undefined;
    return r && toImage(r);
  }

  /** Images with this content hash. */
  bySha(sha256: string): ImageRecord[] {
    return (this.q.bySha.all(sha256) as ImageRow[]).map(toImage);
  }

  /** Every image in id order (exports, manifests). */
  all(): ImageRecord[] {
    return (this.q.all.all() as ImageRow[]).map(toImage);
  }

  /** Number of images. */
  count(): number {
    return (this.q.count.get() as { n: number }).n;
  }

  /** Images per split, zeros included. */
  countBySplit(): Record<Split, number> {
    const out: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (const r of this.q.bySplit.all() as { split: Split; n: number }[]) out[r.split] = r.n;
    return out;
  }

  /** Change labeling status. */
  setStatus(id: number, status: ImageStatus): void {
    this.q.setStatus.run(status, id);
  }

  /** Delete an image row and (by cascade) its boxes; `ridge doctor --repair` does, for rows whose file is gone. */
  remove(id: number): boolean {
    return this.q.remove.run(id).changes > 0;
  }

  /** Move an image to another split. */
  setSplit(id: number, split: Split): void {
    this.q.setSplit.run(split, id);
  }

  /** Groups of images with identical content; `crossSplit` marks possible train/val/test leakage. */
  duplicateGroups(): { sha256: string; imageIds: number[]; crossSplit: boolean }[] {
    const rows = this.q.dupHashes.all() as { sha256: string; ids: string; splits: number }[];
    return rows.map((r) => ({
      sha256: r.sha256,
      imageIds: JSON.parse(r.ids) as number[],
      crossSplit: r.splits > 1,
    }));
  }

  /** A keyset page of images (id > after) matching a filter: O(page) however large the project. */
  page(filter: ImageFilter, after: number, limit: number): ImageRecord[] {
    return (this.q.page.all({ ...this.filterParams(filter), after, limit }) as ImageRow[]).map(toImage);
  }

  /** How many images match a filter (list headers and counts). */
  countFiltered(filter: ImageFilter): number {
    return (this.q.countFiltered.get(this.filterParams(filter)) as { n: number }).n;
  }

  private filterParams(f: ImageFilter): Record<string, string | number | null> {
    return {
      status: f.status ?? null,
      split: f.split ?? null,
      classId: f.classId ?? null,
      hasPending: f.hasPending === undefined ? null : f.hasPending ? 1 : 0,
    };
  }
}
