import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { UserError } from '../../../shared/errors';
import { MIGRATIONS } from './migrations';
import type { Migration } from './migrations/types';

/** Path of the copy taken before migrating from `fromVersion`; kept so a failed upgrade can be undone by hand. */
export function backupPath(file: string, fromVersion: number, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return `${file}.v${fromVersion}-${stamp}.bak`;
}

/**
 * Bring the schema to SCHEMA_VERSION. A database from a newer build is refused untouched; an existing
 * database is copied (VACUUM INTO) before the first step; each step runs in its own IMMEDIATE transaction
 * that re-reads user_version, so two processes opening an old project at once migrate it exactly once.
 */
export function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const current = userVersion(db);
  refuseNewer(file, current, latest);
  if (current === latest) return;
  if (current > 0) {
    const dest = backupPath(file, current);
    if (!existsSync(dest)) db.prepare('VACUUM INTO ?').run(dest);
  }
  for (const m of migrations) {
    const step = db.transaction(() => {
      if (userVersion(db) >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    });
    step.immediate();
  }
}

/** Refuse a database written by a newer build (schema `current` above `latest`), saying it was left alone. */
export function refuseNewer(file: string, current: number, latest: number): void {
  if (current <= latest) return;
  throw new UserError(
    `${file} was written by a newer Ridge Studio (schema v${current}; this build reads up to v${latest}). ` +
      'Update Ridge Studio to open it; the file was not changed.',
    file,
  );
}

/** The schema version stored in the file header. */
export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
