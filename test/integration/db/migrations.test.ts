import Database from 'better-sqlite3';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, RIDGE_APPLICATION_ID } from '../../../src/main/services/db/connection';
import { UserError } from '../../../src/shared/errors';
import { migrate, userVersion } from '../../../src/main/services/db/migrate';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/main/services/db/migrations';
import { makeTmpDir } from '../../helpers/tmp';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

function rawAtVersion(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.pragma(`application_id = ${RIDGE_APPLICATION_ID}`);
  migrate(db, file, MIGRATIONS.slice(0, version));
  return db;
}

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]
  ).map((r) => r.name);
}

describe('migration 001 (labeling schema)', () => {
  it('creates project, class, image and annotation tables with their constraints', () => {
    const file = path.join(tmp.dir, 'p.ridge');
    const db = rawAtVersion(file, 1);
    expect(userVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['annotation', 'image', 'label_class', 'project']);
    db.pragma('foreign_keys = ON');
    db.prepare("INSERT INTO label_class (name, color, sort_order) VALUES ('cat', '#fff', 0)").run();
    db.prepare(
      "INSERT INTO image (sha256, path, width, height, split, created_at) VALUES ('h', 'a.jpg', 10, 10, 'train', 'now')",
    ).run();
    const insBox = db.prepare(
      "INSERT INTO annotation (image_id, class_id, x, y, w, h, created_at, updated_at) VALUES (?, 1, 0, 0, ?, 5, 'n', 'n')",
    );
    insBox.run(1, 5);
    expect(() => insBox.run(1, 0)).toThrow(/CHECK/);
    expect(() => insBox.run(99, 5)).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO image (sha256, path, width, height, split, created_at) VALUES ('h','b',1,1,'dev','n')",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});

describe('migration 002 (runs)', () => {
  it('adds run and epoch_metric tables and keeps labeling data', () => {
    const file = path.join(tmp.dir, 'p.ridge');
    const db = rawAtVersion(file, 1);
    db.prepare("INSERT INTO label_class (name, color, sort_order) VALUES ('dog', '#000', 0)").run();
    migrate(db, file, MIGRATIONS.slice(0, 2));
    expect(userVersion(db)).toBe(2);
    expect(tables(db)).toEqual(['annotation', 'epoch_metric', 'image', 'label_class', 'project', 'run']);
    expect(db.prepare('SELECT name FROM label_class').get()).toEqual({ name: 'dog' });
    db.close();
  });
});

describe('migration 004 (run owner lease, interrupted, one regularization column)', () => {
  it('keeps every run and epoch, turns interrupted failures into `interrupted`, and keeps the cascade', () => {
    const file = path.join(tmp.dir, 'p.ridge');
    const db = rawAtVersion(file, 3);
    const run = db.prepare(
      `INSERT INTO run (id, status, config_json, arm, reg, lambda, seed, manifest_hash, created_at, fail_reason)
       VALUES (?, ?, '{}', 'none', 'none', 0, 0, 'h', 'now', ?)`,
    );
    run.run('r1', 'failed', 'interrupted: the process running it ended; resume continues');
    run.run('r2', 'failed', 'training diverged');
    run.run('r3', 'done', null);
    const epoch = db.prepare(
      `INSERT INTO epoch_metric VALUES (?, ?, 0.5, 0.01, 0.6, 0.01, 0.2, 0.1, 9, 0.001, 1.5)`,
    );
    for (const id of ['r1', 'r3']) for (const e of [1, 2]) epoch.run(id, e);
    db.pragma('foreign_keys = ON'); // as openDatabase migrates: dropping `run` must not cascade the epochs away
    migrate(db, file, MIGRATIONS.slice(0, 4));
    expect(userVersion(db)).toBe(4);
    expect(db.prepare('SELECT id, status FROM run ORDER BY id').all()).toEqual([
      { id: 'r1', status: 'interrupted' },
      { id: 'r2', status: 'failed' },
      { id: 'r3', status: 'done' },
    ]);
    const cols = (t: string) => (db.pragma(`table_info(${t})`) as { name: string }[]).map((c) => c.name);
    expect(cols('epoch_metric')).toContain('reg_loss');
    expect(cols('epoch_metric')).not.toContain('val_reg_loss');
    expect(cols('epoch_metric')).not.toContain('train_reg_loss');
    expect(cols('run')).toEqual(expect.arrayContaining(['owner_json', 'heartbeat_at']));
    expect(db.prepare('SELECT count(*) AS n, sum(reg_loss) AS r FROM epoch_metric').get()).toEqual({
      n: 4,
      r: 0.04,
    });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.prepare("DELETE FROM run WHERE id = 'r1'").run();
    expect(db.prepare('SELECT DISTINCT run_id FROM epoch_metric').all()).toEqual([{ run_id: 'r3' }]);
    expect(() => db.prepare("UPDATE run SET status = 'lost' WHERE id = 'r2'").run()).toThrow(/CHECK/);
    db.close();
  });

  it("opens a project at version 3 (main's image removal) at the latest schema, its removed images and runs kept", () => {
    const file = path.join(tmp.dir, 'p.ridge');
    const old = rawAtVersion(file, 3);
    old
      .prepare(
        "INSERT INTO image (sha256, path, width, height, split, created_at, removed_at) VALUES ('h', 'a.jpg', 4, 4, 'train', 'n', 'gone')",
      )
      .run();
    old
      .prepare(
        `INSERT INTO run (id, status, config_json, arm, reg, lambda, seed, manifest_hash, created_at)
         VALUES ('r1', 'done', '{}', 'none', 'none', 0, 0, 'h', 'now')`,
      )
      .run();
    old
      .prepare(`INSERT INTO epoch_metric VALUES ('r1', 1, 0.5, 0.02, 0.6, 0.02, 0.2, 0.1, 9, 0.001, 1.5)`)
      .run();
    old.close();
    const db = openDatabase(file);
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(4);
    expect(db.prepare('SELECT path, removed_at FROM image').all()).toEqual([
      { path: 'a.jpg', removed_at: 'gone' },
    ]);
    expect(db.prepare('SELECT run_id, reg_loss FROM epoch_metric').all()).toEqual([
      { run_id: 'r1', reg_loss: 0.02 },
    ]);
    expect(db.prepare('SELECT id, status, owner_json FROM run').all()).toEqual([
      { id: 'r1', status: 'done', owner_json: null },
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('opening a project database', () => {
  it('sets WAL, foreign keys, busy timeout and synchronous=FULL, at the latest schema', () => {
    const db = openDatabase(path.join(tmp.dir, 'p.ridge'), { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('backs up an older database before migrating it, and the backup holds the old schema and data', () => {
    const file = path.join(tmp.dir, 'p.ridge');
    const old = rawAtVersion(file, 1);
    old.prepare("INSERT INTO label_class (name, color, sort_order) VALUES ('cat', '#fff', 0)").run();
    old.close();
    const db = openDatabase(file);
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
    const backups = readdirSync(tmp.dir).filter((f) => f.startsWith('p.ridge.v1-') && f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    const bak = new Database(path.join(tmp.dir, backups[0]!), { readonly: true });
    expect(userVersion(bak)).toBe(1);
    expect(bak.prepare('SELECT name FROM label_class').all()).toEqual([{ name: 'cat' }]);
    bak.close();
  });

  it('refuses a database from a newer version with a clear message and leaves it unchanged', () => {
    const file = path.join(tmp.dir, 'p.ridge');
    openDatabase(file, { create: true }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const err = (() => {
      try {
        openDatabase(file);
      } catch (e) {
        return e as UserError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/newer Ridge Studio \(schema v\d+; this build reads up to v\d+\)/);
    const again = new Database(file, { readonly: true });
    expect(userVersion(again)).toBe(SCHEMA_VERSION + 5);
    again.close();
  });

  it('refuses a foreign SQLite file and a non-database file without changing them', () => {
    const foreign = path.join(tmp.dir, 'other.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    expect(() => openDatabase(foreign)).toThrow(/not a Ridge Studio project/);
    const g = new Database(foreign, { readonly: true });
    expect(userVersion(g)).toBe(0);
    g.close();

    // Not SQLite at all (a text file saved under the project file's name): refused, its bytes untouched.
    const text = path.join(tmp.dir, 'notes.ridge');
    const bytes = Buffer.from('these are my notes, not a database\n'.repeat(200));
    writeFileSync(text, bytes);
    expect(() => openDatabase(text)).toThrow(
      `${text} is not an SQLite database, so not a Ridge Studio project; it was not changed`,
    );
    expect(readFileSync(text).equals(bytes)).toBe(true);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('notes.ridge'))).toEqual(['notes.ridge']);
  });
});
