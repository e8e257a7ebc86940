import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { UserError } from '../../../shared/errors';
import { migrate } from './migrate';

/** SQLite application_id for project files ('RIDG'), so a foreign database is refused, not altered. */
export const RIDGE_APPLICATION_ID = 0x52494447;

/** Options for opening a project database. */
export interface OpenOptions {
  /** Create the file if missing (init); otherwise a missing file is a user error. */
  create?: boolean;
  /** Milliseconds a writer waits for another process's lock before giving up. */
  busyTimeoutMs?: number;
}

/**
 * Open (and migrate) a project database with the settings that make it safe for several processes:
 * WAL (readers never block the writer), foreign keys, a busy timeout, and synchronous=FULL. In WAL mode
 * NORMAL can lose the last commits on a power cut; FULL syncs the WAL on every commit, so an edit shown as
 * saved survives one. Edits are small, so the extra fsync costs little.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  if (!opts.create && !existsSync(file)) throw new UserError(`no project database at ${file}`, file);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: !opts.create });
  } catch (err) {
    throw new UserError(`cannot open ${file}: ${(err as Error).message}`, file);
  }
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`);
    checkApplicationId(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof UserError) throw err;
    const msg = (err as Error).message;
    if (/file is not a database|malformed/i.test(msg)) {
      throw new UserError(`${file} is not a Ridge Studio project database (${msg})`, file);
    }
    throw err;
  }
}

function checkApplicationId(db: Database.Database, file: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === RIDGE_APPLICATION_ID) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
    n: number;
  };
  if (appId !== 0 || tables.n > 0) {
    throw new UserError(`${file} is an SQLite file but not a Ridge Studio project; it was not changed`, file);
  }
  db.pragma(`application_id = ${RIDGE_APPLICATION_ID}`);
}
