import type { Migration } from './types';

/**
 * Studies: one frozen manifest, one base config, arms and seeds, stored as a record of their own, and the runs
 * they made linked to them (deleting a study deletes its runs). Runs also record the trainer version that trained
 * them, part of the comparability key (shared/domain/comparability.ts). A study's status is derived from its runs
 * (services/runs/study.ts), so it is never stale; only `cancelled_at` records a person's decision.
 */
export const migration005: Migration = {
  version: 5,
  name: 'studies',
  up(db) {
    db.exec(`
      CREATE TABLE study (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        base_json TEXT NOT NULL,
        arms_json TEXT NOT NULL,
        seeds INTEGER NOT NULL CHECK (seeds >= 1),
        baseline TEXT NOT NULL,
        manifest_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        cancelled_at TEXT
      );
      ALTER TABLE run ADD COLUMN study_id TEXT REFERENCES study (id) ON DELETE CASCADE;
      ALTER TABLE run ADD COLUMN trainer_version TEXT;
      CREATE INDEX run_study ON run (study_id);
    `);
  },
};
