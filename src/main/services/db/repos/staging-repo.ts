import type Database from 'better-sqlite3';
import type { Box, ImageStatus, Split } from '../../../../shared/domain/types';

/** A staged image row as the publish step reads it. */
export interface StagedImageRow {
  id: number;
  sha256: string;
  wanted: string;
  staged: string | null;
  linked: number;
}

/** A staged image row to write: its number in the import, where its staged copy is, and its image row. */
export interface NewStagedImage {
  id: number;
  sha256: string;
  wanted: string;
  staged: string | null;
  linked: boolean;
  width: number;
  height: number;
  split: Split;
  status: ImageStatus;
}

/** A staged box to write: a pixel box with its class name and flags. */
export interface NewStagedBox extends Box {
  label: string;
  difficult: boolean;
  truncated: boolean;
}

/**
 * All SQL on one import's staging database, attached to the project's connection under `schema` (a name the
 * import makes from its random id, never from input): the staged rows, and the INSERT ... SELECT statements that
 * copy them into the project's tables when the import is published.
 */
export class StagingRepo {
  private readonly q;
  private constructor(
    private readonly db: Database.Database,
    private readonly schema: string,
  ) {
    const s = schema;
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${s}.staged_image (
        id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, wanted TEXT NOT NULL, staged TEXT, linked INTEGER NOT NULL,
        width INTEGER NOT NULL, height INTEGER NOT NULL, split TEXT NOT NULL, status TEXT NOT NULL,
        dest TEXT, new_id INTEGER);
      CREATE TABLE IF NOT EXISTS ${s}.staged_box (
        image_id INTEGER NOT NULL, label TEXT NOT NULL, x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL,
        h REAL NOT NULL, difficult INTEGER NOT NULL, truncated INTEGER NOT NULL);
    `);
    this.q = {
      insImage: db.prepare(
        `INSERT INTO ${s}.staged_image (id, sha256, wanted, staged, linked, width, height, split, status)
         VALUES (@id, @sha256, @wanted, @staged, @linked, @width, @height, @split, @status)`,
      ),
      insBox: db.prepare(
        `INSERT INTO ${s}.staged_box (image_id, label, x, y, w, h, difficult, truncated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      images: db.prepare(`SELECT id, sha256, wanted, staged, linked FROM ${s}.staged_image ORDER BY id`),
      setDest: db.prepare(`UPDATE ${s}.staged_image SET dest = ?, new_id = ? WHERE id = ?`),
      maxImageId: db.prepare('SELECT coalesce(max(id), 0) FROM main.image').pluck(),
      publishImages: db.prepare(
        `INSERT INTO main.image (id, sha256, path, linked, width, height, split, status, created_at)
         SELECT new_id, sha256, dest, linked, width, height, split, status, ?
         FROM ${s}.staged_image WHERE new_id IS NOT NULL ORDER BY new_id`,
      ),
      publishBoxes: db.prepare(
        `INSERT INTO main.annotation (image_id, class_id, x, y, w, h, difficult, truncated, source, score, state,
           created_at, updated_at)
         SELECT i.new_id, c.id, b.x, b.y, b.w, b.h, b.difficult, b.truncated, 'manual', NULL, 'accepted', ?, ?
         FROM ${s}.staged_box b JOIN ${s}.staged_image i ON i.id = b.image_id
         JOIN main.label_class c ON c.name = b.label
         WHERE i.new_id IS NOT NULL`,
      ),
    };
  }

  /**
   * Attach an (empty) staging file and take it for this connection alone: exclusive locking (held until detach, and
   * dropped by the system if the process dies, which is how others tell a live import from a dead one), no journal
   * and no syncs, since a staging file that a crash leaves half-written is simply thrown away.
   */
  static attach(db: Database.Database, file: string, schema: string): StagingRepo {
    db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
    try {
      db.pragma(`${schema}.locking_mode = EXCLUSIVE`);
      db.pragma(`${schema}.journal_mode = OFF`);
      db.pragma(`${schema}.synchronous = OFF`);
      return new StagingRepo(db, schema);
    } catch (err) {
      db.exec(`DETACH DATABASE ${schema}`);
      throw err;
    }
  }

  /** Detach the staging file, releasing its lock. */
  detach(): void {
    this.db.exec(`DETACH DATABASE ${this.schema}`);
  }

  /** Stage one image row and its boxes. */
  addImage(img: NewStagedImage, boxes: readonly NewStagedBox[]): void {
    this.q.insImage.run({ ...img, linked: img.linked ? 1 : 0 });
    for (const b of boxes)
      this.q.insBox.run(img.id, b.label, b.x, b.y, b.w, b.h, b.difficult ? 1 : 0, b.truncated ? 1 : 0);
  }

  /** Every staged image, in staging order. */
  images(): StagedImageRow[] {
    return this.q.images.all() as StagedImageRow[];
  }

  /** The path and id a staged image will be published under. */
  setDest(id: number, dest: string, newId: number): void {
    this.q.setDest.run(dest, newId, id);
  }

  /** The largest image id in the project (new images get the ids after it). */
  maxImageId(): number {
    return this.q.maxImageId.get() as number;
  }

  /** Copy the staged images that got a destination, and their boxes, into the project; returns the boxes copied. */
  publish(now: string): number {
    this.q.publishImages.run(now);
    return this.q.publishBoxes.run(now, now).changes;
  }
}
