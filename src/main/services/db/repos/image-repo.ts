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

/** The list filters as SQL over `image i` (one place for the page, the counts and the sorted list). */
const FILTER_SQL = `(@status IS NULL OR i.status = @status)
  AND (@split IS NULL OR i.split = @split)
  AND (@classId IS NULL OR EXISTS (SELECT 1 FROM annotation a WHERE a.image_id = i.id
       AND a.class_id = @classId AND a.state = 'accepted'))
  AND (@hasPending IS NULL OR @hasPending = EXISTS (SELECT 1 FROM annotation a
       WHERE a.image_id = i.id AND a.state = 'pending'))`;

/** All SQL on images. Removed images (removed_at set) are left out of every list and count but `byId`/`byPath`/`bySha`. */
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
      all: db.prepare('SELECT * FROM image WHERE removed_at IS NULL ORDER BY id'),
      count: db.prepare('SELECT count(*) AS n FROM image WHERE removed_at IS NULL'),
      bySplit: db.prepare('SELECT split, count(*) AS n FROM image WHERE removed_at IS NULL GROUP BY split'),
      setStatus: db.prepare('UPDATE image SET status = ? WHERE id = ?'),
      everyRow: db.prepare('SELECT * FROM image ORDER BY id'),
      setSplit: db.prepare('UPDATE image SET split = ? WHERE id = ?'),
      setRemoved: db.prepare('UPDATE image SET removed_at = ? WHERE id = ?'),
      byIds: db.prepare('SELECT * FROM image WHERE id IN (SELECT value FROM json_each(?))'),
      deleteRow: db.prepare('DELETE FROM image WHERE id = ?'),
      isRemoved: db.prepare('SELECT removed_at IS NOT NULL AS r FROM image WHERE id = ?'),
      listed: db.prepare(
        `SELECT id, path FROM image i
         WHERE (CASE WHEN @removed = 1 THEN i.removed_at IS NOT NULL ELSE i.removed_at IS NULL END)
           AND (@search IS NULL OR instr(lower(i.path), lower(@search)) > 0) AND ${FILTER_SQL}`,
      ),
      dupHashes: db.prepare(
        'SELECT sha256, json_group_array(id) AS ids, count(DISTINCT split) AS splits FROM image ' +
          'WHERE removed_at IS NULL GROUP BY sha256 HAVING count(*) > 1',
      ),
      page: db.prepare(
        `SELECT * FROM image i WHERE i.removed_at IS NULL AND ${FILTER_SQL}
         AND i.id > @after ORDER BY i.id LIMIT @limit`,
      ),
      countFiltered: db.prepare(
        `SELECT count(*) AS n FROM image i WHERE i.removed_at IS NULL AND ${FILTER_SQL}`,
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

  /** Every image of the project (not removed) in id order (exports, manifests). */
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

  /** Every image row, removed ones too (they still own their files, so `ridge doctor` counts them). */
  everyRow(): ImageRecord[] {
    return (this.q.everyRow.all() as ImageRow[]).map(toImage);
  }

  /** Move an image to another split. */
  setSplit(id: number, split: Split): void {
    this.q.setSplit.run(split, id);
  }

  /** Remove images from the project (NULL brings them back); their rows, boxes and files stay. */
  setRemoved(ids: readonly number[], at: string | null): void {
    for (const id of ids) this.q.setRemoved.run(at, id);
  }

  /** Images by id, removed ones too (flagged), in no particular order; unknown ids are left out. */
  byIds(ids: readonly number[]): (ImageRecord & { removed: boolean })[] {
    const rows = this.q.byIds.all(JSON.stringify(ids)) as (ImageRow & { removed_at: string | null })[];
    return rows.map((r) => ({ ...toImage(r), removed: r.removed_at !== null }));
  }

  /** Delete an image row and (cascade) its boxes; the caller decides about the file. */
  deleteRow(id: number): void {
    this.q.deleteRow.run(id);
  }

  /** Whether an image is removed from the project (false for an unknown id). */
  isRemoved(id: number): boolean {
    return (this.q.isRemoved.get(id) as { r: number } | undefined)?.r === 1;
  }

  /**
   * Ids and paths of the images matching a filter and a file-name search (case-insensitive substring), the
   * project's or (with `removed`) the removed ones, unordered: the caller sorts them naturally.
   */
  listed(
    filter: ImageFilter,
    opts: { search?: string; removed?: boolean } = {},
  ): { id: number; path: string }[] {
    return this.q.listed.all({
      ...this.filterParams(filter),
      search: opts.search ? opts.search : null,
      removed: opts.removed ? 1 : 0,
    }) as { id: number; path: string }[];
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
