import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageStatus, Split } from '../../../shared/domain/types';
import { PROJECT_FILE, type Project } from '../project/project';
import { pausePoint } from '../test-hooks';
import type { LabeledBox } from './formats/types';
import { STAGED_FILES, STAGED_ROWS, type StagedMove, stagingRoot, writeMoves } from './staging-layout';

/** One image to stage: where its bytes come from, the path it would like, its row and boxes. */
export interface StageItem {
  source: { buffer: Buffer } | { file: string };
  /** Project-relative path wanted under images/ for a copy; the project-relative link path for a link. */
  wanted: string;
  link: boolean;
  sha256: string;
  width: number;
  height: number;
  split: Split;
  status: ImageStatus;
  boxes: readonly LabeledBox[];
}

/** What a publish made visible. */
export interface PublishResult {
  images: number;
  annotations: number;
  classesCreated: string[];
  imageIds: number[];
  /** Indexes (in staging order) of images skipped because the same content already sits at the wanted path. */
  alreadyStored: number[];
}

const ROWS_PER_STAGE_TX = 2000;

/** Pick a project-relative path under images/ that no stored image uses and no file occupies. */
export function freeImagePath(p: Project, wanted: string, sha256: string, taken: Set<string>): string {
  const posix = wanted.split(path.sep).join('/');
  const ext = path.posix.extname(posix);
  const stem = posix.slice(0, posix.length - ext.length);
  const candidates = [posix, `${stem}-${sha256.slice(0, 8)}${ext}`];
  for (let i = 2; i < 1000; i++) candidates.push(`${stem}-${sha256.slice(0, 8)}-${i}${ext}`);
  for (const c of candidates) {
    if (taken.has(c) || p.images.byPath(c) || existsInProject(p, c)) continue;
    taken.add(c);
    return c;
  }
  throw new Error(`no free file name for ${wanted}`);
}

function existsInProject(p: Project, rel: string): boolean {
  try {
    lstatSync(path.join(p.dir, rel)); // lstat: a dangling symlink still occupies its name
    return true;
  } catch {
    return false;
  }
}

/**
 * One import's staging area. Files are copied under content-hash names into the import's own folder and rows are
 * written into its own SQLite file (attached to the project's connection, locked exclusively for the import's
 * lifetime), all without the project's write lock. `publish` then takes the lock once, briefly: it picks final
 * names, records the renames, moves the files into images/ and copies the rows over with INSERT ... SELECT.
 * A killed import leaves only its staging folder, which the next open (or `ridge doctor --repair`) removes.
 */
export class ImportStaging {
  private readonly filesDir: string;
  private readonly schema: string;
  private staged = 0;
  private attached = false;
  private readonly stagedNames = new Map<string, number>();

  private constructor(
    private readonly p: Project,
    readonly id: string,
    readonly dir: string,
  ) {
    this.filesDir = path.join(dir, STAGED_FILES);
    this.schema = `stage_${id}`;
  }

  /**
   * Create a staging area. The folder appears and its lock is taken while the project's write lock is held, so a
   * cleanup in another process (which holds that lock while it looks) never sees a half-made one.
   */
  static create(p: Project): ImportStaging {
    const id = randomBytes(8).toString('hex');
    const s = new ImportStaging(p, id, path.join(stagingRoot(p.dir), id));
    const guard = new Database(path.join(p.dir, PROJECT_FILE), { fileMustExist: true, timeout: 10_000 });
    try {
      guard.exec('BEGIN IMMEDIATE');
      mkdirSync(s.filesDir, { recursive: true });
      s.attach();
      guard.exec('COMMIT');
    } catch (err) {
      s.discard();
      throw err;
    } finally {
      guard.close();
    }
    return s;
  }

  private attach(): void {
    const db = this.p.db;
    const file = path.join(this.dir, STAGED_ROWS);
    writeFileSync(file, '', { flag: 'wx' }); // an empty file is an empty database; ATTACH may not create one
    db.prepare(`ATTACH DATABASE ? AS ${this.schema}`).run(file);
    this.attached = true;
    db.pragma(`${this.schema}.locking_mode = EXCLUSIVE`);
    db.pragma(`${this.schema}.journal_mode = OFF`);
    db.pragma(`${this.schema}.synchronous = OFF`);
    db.exec(`
      CREATE TABLE ${this.schema}.staged_image (
        id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, wanted TEXT NOT NULL, staged TEXT, linked INTEGER NOT NULL,
        width INTEGER NOT NULL, height INTEGER NOT NULL, split TEXT NOT NULL, status TEXT NOT NULL,
        dest TEXT, new_id INTEGER);
      CREATE TABLE ${this.schema}.staged_box (
        image_id INTEGER NOT NULL, label TEXT NOT NULL, x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL,
        h REAL NOT NULL, difficult INTEGER NOT NULL, truncated INTEGER NOT NULL);
    `);
  }

  /** Copy each image into the staging folder and write its row and boxes there; the project is not locked. */
  stage(items: readonly StageItem[]): void {
    const db = this.p.db;
    const insImage = db.prepare(
      `INSERT INTO ${this.schema}.staged_image (id, sha256, wanted, staged, linked, width, height, split, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insBox = db.prepare(
      `INSERT INTO ${this.schema}.staged_box (image_id, label, x, y, w, h, difficult, truncated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // a deferred transaction that writes only the staging file: the project's own lock is never taken here
    const batch = db.transaction((chunk: readonly StageItem[]) => {
      for (const it of chunk) {
        const id = ++this.staged;
        const stagedName = it.link ? null : this.copyIn(it);
        insImage.run(
          id,
          it.sha256,
          it.wanted,
          stagedName,
          it.link ? 1 : 0,
          it.width,
          it.height,
          it.split,
          it.status,
        );
        for (const b of it.boxes)
          insBox.run(id, b.label, b.x, b.y, b.w, b.h, b.difficult ? 1 : 0, b.truncated ? 1 : 0);
      }
    });
    for (let i = 0; i < items.length; i += ROWS_PER_STAGE_TX) batch(items.slice(i, i + ROWS_PER_STAGE_TX));
  }

  private copyIn(it: StageItem): string {
    const ext = path.posix.extname(it.wanted).toLowerCase();
    const n = (this.stagedNames.get(it.sha256) ?? 0) + 1;
    this.stagedNames.set(it.sha256, n);
    const name = n === 1 ? `${it.sha256}${ext}` : `${it.sha256}-${n}${ext}`;
    const abs = path.join(this.filesDir, name);
    if ('buffer' in it.source) writeFileSync(abs, it.source.buffer, { flag: 'wx' });
    else copyFileSync(it.source.file, abs, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    return name;
  }

  /**
   * Make the staged import visible in one short IMMEDIATE transaction: final names are chosen under the lock (so
   * two imports never pick the same one), the renames are recorded, made, and the rows copied. On any failure the
   * files it moved go back and the transaction rolls back, so nothing of it is visible.
   */
  publish(classOrder: readonly string[]): PublishResult {
    const db = this.p.db;
    const s = this.schema;
    const moved: StagedMove[] = [];
    try {
      return this.p.tx(() => {
        const rows = db
          .prepare(`SELECT id, sha256, wanted, staged, linked FROM ${s}.staged_image ORDER BY id`)
          .all() as { id: number; sha256: string; wanted: string; staged: string | null; linked: number }[];
        const setDest = db.prepare(`UPDATE ${s}.staged_image SET dest = ?, new_id = ? WHERE id = ?`);
        const maxId = db.prepare('SELECT coalesce(max(id), 0) AS m FROM main.image').get() as { m: number };
        let nextId = maxId.m;
        const taken = new Set<string>();
        const moves: StagedMove[] = [];
        const alreadyStored: number[] = [];
        const imageIds: number[] = [];
        for (const r of rows) {
          const there = this.p.images.byPath(r.wanted);
          if (there && (there.sha256 === r.sha256 || r.linked)) {
            alreadyStored.push(r.id - 1);
            continue;
          }
          const dest = r.linked ? r.wanted : freeImagePath(this.p, r.wanted, r.sha256, taken);
          setDest.run(dest, ++nextId, r.id);
          imageIds.push(nextId);
          if (r.staged !== null) moves.push({ from: this.rel(path.join(this.filesDir, r.staged)), to: dest });
        }
        writeMoves(this.dir, moves);
        for (const m of moves) {
          const to = path.join(this.p.dir, m.to);
          mkdirSync(path.dirname(to), { recursive: true });
          renameSync(path.join(this.p.dir, m.from), to);
          moved.push(m);
        }
        const created = this.ensureClasses(classOrder);
        const now = new Date().toISOString();
        db.prepare(
          `INSERT INTO main.image (id, sha256, path, linked, width, height, split, status, created_at)
           SELECT new_id, sha256, dest, linked, width, height, split, status, ?
           FROM ${s}.staged_image WHERE new_id IS NOT NULL ORDER BY new_id`,
        ).run(now);
        const boxes = db
          .prepare(
            `INSERT INTO main.annotation (image_id, class_id, x, y, w, h, difficult, truncated, source, score, state,
               created_at, updated_at)
             SELECT i.new_id, c.id, b.x, b.y, b.w, b.h, b.difficult, b.truncated, 'manual', NULL, 'accepted', ?, ?
             FROM ${s}.staged_box b JOIN ${s}.staged_image i ON i.id = b.image_id
             JOIN main.label_class c ON c.name = b.label
             WHERE i.new_id IS NOT NULL ORDER BY b.rowid`,
          )
          .run(now, now).changes;
        pausePoint('import:publish-locked');
        return {
          images: imageIds.length,
          annotations: boxes,
          classesCreated: created,
          imageIds,
          alreadyStored,
        };
      });
    } catch (err) {
      for (const m of moved.reverse()) renameSync(path.join(this.p.dir, m.to), path.join(this.p.dir, m.from));
      throw err;
    }
  }

  private ensureClasses(classOrder: readonly string[]): string[] {
    const used = this.p.db
      .prepare(`SELECT label FROM ${this.schema}.staged_box GROUP BY label ORDER BY min(rowid)`)
      .pluck()
      .all() as string[];
    const created: string[] = [];
    for (const name of [...classOrder, ...used]) {
      if (this.p.classes.byName(name)) continue;
      this.p.classes.create(name);
      created.push(name);
    }
    return created;
  }

  private rel(abs: string): string {
    return path.relative(this.p.dir, abs).split(path.sep).join('/');
  }

  /** Drop the staging area: detach (releasing its lock) and delete its folder with whatever is still in it. */
  discard(): void {
    if (this.attached && this.p.db.open) {
      this.p.db.exec(`DETACH DATABASE ${this.schema}`);
      this.attached = false;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
