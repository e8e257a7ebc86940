import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../../../shared/errors';
import { assertIntact } from './integrity';
import { migrate, refuseNewer, userVersion } from './migrate';
import { SCHEMA_VERSION } from './migrations';

/** SQLite application_id for project files ('RIDG'), so a foreign database is refused, not altered. */
export const RIDGE_APPLICATION_ID = 0x52494447;

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Options for opening a project database. */
export interface OpenOptions {
  /** Create the file if missing (init); otherwise a missing file is a user error. */
  create?: boolean;
  /** Milliseconds a writer waits for another process's lock before giving up. */
  busyTimeoutMs?: number;
  /** Skip the integrity check (ridge doctor, which reports damage instead of refusing it). */
  skipIntegrityCheck?: boolean;
}

/**
 * Open (and migrate) a project database with the settings that make it safe for several processes:
 * WAL (readers never block the writer), foreign keys, a busy timeout, and synchronous=FULL. In WAL mode
 * NORMAL can lose the last commits on a power cut; FULL syncs the WAL on every commit, so an edit shown as
 * saved survives one. Edits are small, so the extra fsync costs little.
 *
 * Everything that decides whether the file is ours to write is read first, and nothing is written before it has
 * passed: not a database, a foreign or newer database, and a damaged one (integrity check) are refused with the
 * file byte for byte as it was. Only a brand-new file (init) is adopted.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  const { db, adopt } = openUnwritten(file, opts);
  try {
    if (!adopt && !opts.skipIntegrityCheck) assertIntact(db, file);
    if (adopt) db.pragma(`application_id = ${RIDGE_APPLICATION_ID}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw notADatabase(err, file);
  }
}

/**
 * A connection to a project file that has passed every check that needs no write (an SQLite file, a Ridge
 * project, not from a newer build) and has had nothing written to it; `adopt` when it is a brand-new empty file
 * that `create` may make a project of. `ridge doctor` starts here so it can look at a damaged file.
 */
export function openUnwritten(
  file: string,
  opts: Pick<OpenOptions, 'create' | 'busyTimeoutMs'> = {},
): { db: Database.Database; adopt: boolean } {
  const exists = existsSync(file);
  if (!opts.create && !exists) throw new UserError(`no project database at ${file}`, file);
  if (exists) refuseNonDatabase(file, Boolean(opts.create));
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: !opts.create, timeout: opts.busyTimeoutMs ?? 10_000 });
  } catch (err) {
    throw new UserError(`cannot open ${file}: ${(err as Error).message}`, file);
  }
  try {
    const adopt = checkApplicationId(db, file, Boolean(opts.create));
    refuseNewer(file, userVersion(db), SCHEMA_VERSION);
    return { db, adopt };
  } catch (err) {
    db.close();
    throw notADatabase(err, file);
  }
}

function notADatabase(err: unknown, file: string): unknown {
  if (err instanceof UserError) return err;
  const msg = (err as Error).message;
  if (/file is not a database|malformed/i.test(msg))
    return new UserError(`${file} is not a Ridge Studio project database (${msg}); it was not changed`, file);
  return err;
}

/** Refuse what SQLite would treat as a new database (an empty file) or cannot read (no SQLite header). */
function refuseNonDatabase(file: string, create: boolean): void {
  if (!statSync(file).isFile()) throw new UserError(`${file} is not a file`, file);
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n === 0) {
    if (create) return;
    throw new UserError(`${file} is an empty file, not a Ridge Studio project; it was not changed`, file);
  }
  if (head.subarray(0, n).toString('latin1') !== SQLITE_MAGIC) {
    throw new UserError(
      `${file} is not an SQLite database, so not a Ridge Studio project; it was not changed`,
      file,
    );
  }
}

/** Whether the file is ours (true: a new empty file to adopt, which only `create` may do); refuses the rest. */
function checkApplicationId(db: Database.Database, file: string, create: boolean): boolean {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === RIDGE_APPLICATION_ID) return false;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
    n: number;
  };
  if (create && appId === 0 && tables.n === 0) return true;
  throw new UserError(`${file} is an SQLite file but not a Ridge Studio project; it was not changed`, file);
}
