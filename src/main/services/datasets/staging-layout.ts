import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

// Where an import keeps what it has prepared but not yet made visible, and how anyone tells whether the import
// that owns it is still alive. Shared by the import itself, the cleanup on open and `ridge doctor`.
//
//   <project>/.import-staging/<import id>/rows.sqlite   staged rows; its owner holds an exclusive SQLite lock on it
//   <project>/.import-staging/<import id>/files/        staged copies, named by content hash
//   <project>/.import-staging/<import id>/moves.json    written just before the renames into images/, inside the
//                                                       project's write lock: which images/ files this import made

/** Folder (inside the project) that holds imports in progress. Not images/, and not the uploads' .staging/. */
export const IMPORT_STAGING_DIR = '.import-staging';
/** The staged rows of one import. */
export const STAGED_ROWS = 'rows.sqlite';
/** The staged files of one import. */
export const STAGED_FILES = 'files';
/** The renames one import is about to make (or made) into images/. */
export const MOVES_FILE = 'moves.json';

/** One rename from the staging folder into images/, both project-relative POSIX paths. */
export interface StagedMove {
  from: string;
  to: string;
}

/** The staging folder of every import of a project. */
export function stagingRoot(projectDir: string): string {
  return path.join(projectDir, IMPORT_STAGING_DIR);
}

/**
 * Whether the import owning a staging folder is alive: it holds an exclusive lock on its rows file for as long as
 * it runs, and the operating system drops that lock when the process dies, whatever killed it.
 */
export function stagingOwnerAlive(stageDir: string): boolean {
  const file = path.join(stageDir, STAGED_ROWS);
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'SQLITE_BUSY';
  } finally {
    db?.close();
  }
}

/** The moves a staging folder recorded, or [] when it got no further than staging. */
export function readMoves(stageDir: string): StagedMove[] {
  const file = path.join(stageDir, MOVES_FILE);
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as StagedMove[];
}

/** Record the moves durably (temp file, fsync, rename) before any of them is made. */
export function writeMoves(stageDir: string, moves: readonly StagedMove[]): void {
  const file = path.join(stageDir, MOVES_FILE);
  const part = `${file}.part`;
  const fd = openSync(part, 'w');
  try {
    writeSync(fd, JSON.stringify(moves));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(part, file);
}
