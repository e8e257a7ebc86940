import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { RIDGE_APPLICATION_ID } from './connection';
import { UserError } from '../../../shared/errors';
import { integrityProblems } from './integrity';
import { migrate, userVersion } from './migrate';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

// Repairing a damaged project file: first rebuild every index (enough when only indexes are damaged, and loses
// nothing); otherwise read every row that can still be read into a new file with the same schema. Either way the
// damaged file is copied aside first and kept.

const SKIP_LIMIT = 2 ** 53;

/** Take the file for ourselves: no other connection may have it open while it is repaired or replaced. */
function exclusive(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true, timeout: 2000 });
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY')
      throw new UserError(
        `${file} is open in another program (the app, ridge serve or another ridge command); close it and run ` +
          "'ridge doctor --repair' again",
        file,
      );
    throw err;
  }
}

/** Copy a database file and its WAL (which may hold committed pages) to `dest`, as SQLite would pair them. */
function keepCopy(file: string, dest: string): void {
  copyFileSync(file, dest);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${dest}-wal`);
}

/** What a repair of a damaged file did: in words, and whether rows had to be recovered (some may be lost). */
export interface DatabaseRepair {
  recovered: boolean;
  notes: string[];
}

/**
 * Repair a damaged project file in place of it. `kept` is where the damaged original is copied before anything is
 * changed.
 */
export function repairDatabase(file: string, kept: string): DatabaseRepair {
  const db = exclusive(file);
  let fixed = false;
  try {
    keepCopy(file, kept);
    try {
      db.exec('REINDEX');
      fixed = integrityProblems(db).length === 0;
    } catch {
      fixed = false;
    }
    db.exec(fixed ? 'COMMIT' : 'ROLLBACK');
  } finally {
    db.close();
  }
  const keptName = path.basename(kept);
  if (fixed) {
    const notes = [`rebuilt the indexes of ${path.basename(file)}; the damaged file is kept as ${keptName}`];
    return { recovered: false, notes };
  }
  const fresh = `${file}.recovering`;
  rmSync(fresh, { force: true });
  const lost = recoverInto(kept, fresh);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  renameSync(fresh, file);
  const notes = [
    `rebuilding the indexes was not enough: recovered what could be read into a new ${path.basename(file)}; ` +
      `the damaged file is kept as ${keptName}`,
    ...lost,
  ];
  return { recovered: true, notes };
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name);
}

/**
 * Copy the rows of one table that can be read. A scan by rowid that hits a damaged page throws; the scan then
 * restarts past the last row it read, jumping further each time it lands in the damage again (1, 2, 4... rowids),
 * so every readable page after the damage is still reached. Returns the rows copied and the damaged stretches.
 */
function copyReadable(
  from: Database.Database,
  to: Database.Database,
  table: string,
  cols: string[],
): {
  rows: number;
  gaps: number;
} {
  const list = cols.map((c) => `"${c}"`).join(', ');
  const sel = from.prepare(
    `SELECT rowid AS __rid, ${list} FROM "${table}" NOT INDEXED WHERE rowid > ? ORDER BY rowid`,
  );
  const ins = to.prepare(
    `INSERT OR IGNORE INTO "${table}" (${list}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  let lastGood = 0;
  let start = 0;
  let step = 1;
  let rows = 0;
  let gaps = 0;
  let inGap = false;
  for (;;) {
    try {
      for (const row of sel.iterate(start) as Iterable<Record<string, unknown>>) {
        ins.run(...cols.map((c) => row[c]));
        lastGood = row.__rid as number;
        inGap = false;
        step = 1;
        rows++;
      }
      return { rows, gaps };
    } catch {
      if (!inGap) gaps++;
      else step *= 2;
      inGap = true;
      if (step > SKIP_LIMIT) return { rows, gaps };
      start = lastGood + step;
    }
  }
}

/**
 * Build a new project file at `dest` from what can be read of `src`: the schema of the version `src` was at,
 * then each table's readable rows; rows whose parent was lost (a box whose image is gone) are dropped, and a lost
 * project record is made anew. Returns notes on what was lost.
 */
export function recoverInto(src: string, dest: string): string[] {
  const from = new Database(src, { fileMustExist: true });
  const to = new Database(dest);
  const notes: string[] = [];
  try {
    let version = SCHEMA_VERSION;
    try {
      version = userVersion(from) || SCHEMA_VERSION;
    } catch {
      notes.push('the schema version could not be read; recovered into the current schema');
    }
    to.pragma(`application_id = ${RIDGE_APPLICATION_ID}`);
    migrate(
      to,
      dest,
      MIGRATIONS.filter((m) => m.version <= version),
    );
    to.pragma('foreign_keys = OFF');
    const tables = to
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    for (const t of tables) {
      let srcCols: string[] = [];
      try {
        srcCols = columnsOf(from, t);
      } catch {
        // the schema page itself is damaged: try the columns this build expects
      }
      const want = columnsOf(to, t);
      const cols = srcCols.length > 0 ? want.filter((c) => srcCols.includes(c)) : want;
      let r: { rows: number; gaps: number };
      try {
        r = to.transaction(() => copyReadable(from, to, t, cols))();
      } catch (err) {
        notes.push(`${t}: could not be read at all (${(err as Error).message})`);
        continue;
      }
      if (r.gaps > 0)
        notes.push(
          `${t}: ${r.rows} rows recovered; ${r.gaps} damaged stretch${r.gaps > 1 ? 'es' : ''} could not be read`,
        );
    }
    const orphans = to.pragma('foreign_key_check') as { table: string; rowid: number }[];
    for (const o of orphans) to.prepare(`DELETE FROM "${o.table}" WHERE rowid = ?`).run(o.rowid);
    if (orphans.length > 0)
      notes.push(`${orphans.length} rows dropped whose image, class or run was in a damaged stretch`);
    if (!to.prepare('SELECT 1 FROM project WHERE id = 1').get()) {
      to.prepare('INSERT INTO project (id, uuid, name, created_at) VALUES (1, ?, ?, ?)').run(
        randomUUID(),
        path.basename(path.dirname(dest)),
        new Date().toISOString(),
      );
      notes.push('the project record was lost; a new one was made with the folder name');
    }
  } finally {
    from.close();
    to.close();
  }
  return notes;
}
