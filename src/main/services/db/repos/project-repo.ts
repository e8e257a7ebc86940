import type Database from 'better-sqlite3';
import { assertValidName } from '../valid-name';
import { nowIso } from './rows';

/** The single project row. */
export interface ProjectRow {
  uuid: string;
  name: string;
  created_at: string;
}

/** All SQL on the project row. */
export class ProjectRepo {
  constructor(private readonly db: Database.Database) {}

  /** The project row, or undefined in a database that was never initialised. */
  get(): ProjectRow | undefined {
    return this.db.prepare('SELECT uuid, name, created_at FROM project WHERE id = 1').get() as
      ProjectRow | undefined;
  }

  /** Create the row once (INSERT OR IGNORE makes two racing `init`s safe). */
  create(uuid: string, name: string): void {
    assertValidName('project', name);
    this.db
      .prepare('INSERT OR IGNORE INTO project (id, uuid, name, created_at) VALUES (1, ?, ?, ?)')
      .run(uuid, name, nowIso());
  }

  /** Rename the project. */
  rename(name: string): void {
    assertValidName('project', name);
    this.db.prepare('UPDATE project SET name = ? WHERE id = 1').run(name);
  }
}
