import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { constants, copyFileSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageStatus, Split } from '../../../shared/domain/types';
import { PROJECT_FILE, type Project } from '../project/project';
import { StagingRepo } from '../db/repos/staging-repo';
import { pausePoint } from '../test-hooks';
import type { LabeledBox } from './formats/types';
import { STAGED_FILES, STAGED_ROWS, type StagedMove, stagingRoot, writeMoves } from './staging-layout';

/** An image ready to store: where its bytes come from, where they would like to go, its row and boxes. */
export interface PreparedImage {
  /** Bytes in memory (generator) or a file to copy or link (import). */
  source: { buffer: Buffer } | { file: string };
  /** Project-relative path wanted for a copy (images/...; the final name is picked when stored), or of a link. */
  dest: string;
  link: boolean;
  sha256: string;
  width: number;
  height: number;
  split: Split;
  status: ImageStatus;
  boxes: LabeledBox[];
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
  private repo: StagingRepo | undefined;
  private readonly stagedNames = new Map<string, number>();
  /** Every box label staged, in first-seen order (classes the dataset's class list does not name come last). */
  private readonly labels = new Set<string>();

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
    const file = path.join(this.dir, STAGED_ROWS);
    writeFileSync(file, '', { flag: 'wx' }); // an empty file is an empty database; ATTACH may not create one
    this.repo = StagingRepo.attach(this.p.db, file, this.schema);
  }

  /** Copy each image into the staging folder and write its row and boxes there; the project is not locked. */
  stage(items: readonly PreparedImage[]): void {
    const repo = this.repo!;
    // a deferred transaction that writes only the staging file: the project's own lock is never taken here
    const batch = this.p.db.transaction((chunk: readonly PreparedImage[]) => {
      for (const it of chunk) {
        const staged = it.link ? null : this.copyIn(it);
        const { sha256, dest: wanted, width, height, split, status } = it;
        const row = {
          id: ++this.staged,
          sha256,
          wanted,
          staged,
          linked: it.link,
          width,
          height,
          split,
          status,
        };
        repo.addImage(row, it.boxes);
        for (const b of it.boxes) this.labels.add(b.label);
      }
    });
    for (let i = 0; i < items.length; i += ROWS_PER_STAGE_TX) batch(items.slice(i, i + ROWS_PER_STAGE_TX));
  }

  private copyIn(it: PreparedImage): string {
    const ext = path.posix.extname(it.dest).toLowerCase();
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
    const moved: StagedMove[] = [];
    // The rows copied below satisfy every foreign key by construction (each box joins its class by name and its
    // image by the id just given), so checking each of millions of them again would only lengthen the lock.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    db.pragma('foreign_keys = OFF');
    try {
      return this.p.tx(() => {
        const repo = this.repo!;
        let nextId = repo.maxImageId();
        const taken = new Set<string>();
        const moves: StagedMove[] = [];
        const alreadyStored: number[] = [];
        const imageIds: number[] = [];
        for (const r of repo.images()) {
          const there = this.p.images.byPath(r.wanted);
          if (there && (there.sha256 === r.sha256 || r.linked)) {
            alreadyStored.push(r.id - 1);
            continue;
          }
          const dest = r.linked ? r.wanted : freeImagePath(this.p, r.wanted, r.sha256, taken);
          repo.setDest(r.id, dest, ++nextId);
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
        const boxes = repo.publish(new Date().toISOString());
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
    } finally {
      db.pragma(`foreign_keys = ${foreignKeys}`);
    }
  }

  private ensureClasses(classOrder: readonly string[]): string[] {
    const created: string[] = [];
    for (const name of new Set([...classOrder, ...this.labels])) {
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
    if (this.repo && this.p.db.open) this.repo.detach();
    this.repo = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
