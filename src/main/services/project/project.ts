import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImageRecord, ProjectInfo, ProjectStats } from '../../../shared/domain/types';
import { usableName } from '../../../shared/names';
import { openDatabase } from '../db/connection';
import { UserError } from '../../../shared/errors';
import { assertValidName } from '../db/valid-name';
import { SCHEMA_VERSION } from '../db/migrations';
import { AnnotationRepo } from '../db/repos/annotation-repo';
import { ClassRepo } from '../db/repos/class-repo';
import { ImageRepo } from '../db/repos/image-repo';
import { ProjectRepo } from '../db/repos/project-repo';
import { RunRepo } from '../db/repos/run-repo';
import { cleanStaleImports } from '../datasets/staging-cleanup';

/** File name of a project's database inside its folder. */
export const PROJECT_FILE = 'project.ridge';
/** Folder (inside the project) that holds imported image copies. */
export const IMAGES_DIR = 'images';
/** Folder (inside the project) for derived files that can be rebuilt (thumbnails). */
export const CACHE_DIR = '.cache';
/** Folder (inside the project) for run checkpoints, models and logs. */
export const RUNS_DIR = 'runs';

/** An open project: its folder, its database and the repositories that own all SQL. */
export class Project {
  readonly projectRepo: ProjectRepo;
  readonly classes: ClassRepo;
  readonly images: ImageRepo;
  readonly annotations: AnnotationRepo;
  readonly runs: RunRepo;

  private constructor(
    readonly dir: string,
    readonly db: Database.Database,
  ) {
    this.projectRepo = new ProjectRepo(db);
    this.classes = new ClassRepo(db);
    this.images = new ImageRepo(db);
    this.annotations = new AnnotationRepo(db);
    this.runs = new RunRepo(db);
  }

  /** Create a project folder (or adopt an empty/existing one) and its database. */
  static init(dir: string, name?: string): Project {
    if (name !== undefined) assertValidName('project', name);
    const abs = path.resolve(dir);
    if (existsSync(abs) && !statSync(abs).isDirectory())
      throw new UserError(`${abs} exists and is not a folder`, abs);
    mkdirSync(abs, { recursive: true });
    const db = openDatabase(path.join(abs, PROJECT_FILE), { create: true });
    const p = new Project(abs, db);
    p.projectRepo.create(randomUUID(), name ?? usableName(path.basename(abs), 'project'));
    return p;
  }

  /**
   * Open an existing project folder; a folder without project.ridge is a user error. What killed imports left
   * behind is removed first (`cleanStaging: false` leaves it, for `ridge doctor` to report).
   */
  static open(dir: string, opts: { cleanStaging?: boolean } = {}): Project {
    const abs = path.resolve(dir);
    const file = path.join(abs, PROJECT_FILE);
    if (!existsSync(file)) {
      throw new UserError(
        `${abs} is not a Ridge Studio project (no ${PROJECT_FILE}); create one with 'ridge init'`,
        abs,
      );
    }
    const db = openDatabase(file);
    const p = new Project(abs, db);
    if (!p.projectRepo.get()) {
      db.close();
      throw new UserError(`${file} has no project record; it was not initialised by 'ridge init'`, file);
    }
    if (opts.cleanStaging !== false) {
      try {
        cleanStaleImports(abs, db);
      } catch (err) {
        db.close();
        throw err;
      }
    }
    return p;
  }

  /** Open the project if it exists, else create it (`ridge sample` fills or creates). */
  static openOrInit(dir: string, name?: string): Project {
    return existsSync(path.join(path.resolve(dir), PROJECT_FILE))
      ? Project.open(dir)
      : Project.init(dir, name);
  }

  /** Run `fn` in one IMMEDIATE transaction: the write lock is taken up front, so writers queue instead of failing. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Project identity for the UI and CLI. */
  info(): ProjectInfo {
    const row = this.projectRepo.get()!;
    return {
      id: row.uuid,
      name: row.name,
      dir: this.dir,
      createdAt: row.created_at,
      schemaVersion: SCHEMA_VERSION,
    };
  }

  /** Counts of images, accepted boxes per class (project order, zeros included) and images per split. */
  stats(): ProjectStats {
    return this.db
      .transaction(() => {
        const byClass = this.annotations.countByClass();
        return {
          images: this.images.count(),
          annotations: this.annotations.countAccepted(),
          classes: this.classes.list().map((c) => ({ name: c.name, count: byClass.get(c.id) ?? 0 })),
          splits: this.images.countBySplit(),
        };
      })
      .deferred();
  }

  /** Absolute path of an image file (copies live under images/, links are stored relative to the project). */
  imagePath(img: Pick<ImageRecord, 'path'>): string {
    return path.resolve(this.dir, img.path);
  }

  /** Close the database (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
