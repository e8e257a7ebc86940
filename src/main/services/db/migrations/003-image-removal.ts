import type { Migration } from './types';

/**
 * Removing an image from the project hides it (lists, stats, exports, new runs) but keeps its row, boxes and
 * file, so the removal can be undone; `removed_at` says when it was removed (NULL: part of the project).
 */
export const migration003: Migration = {
  version: 3,
  name: 'image removal',
  up(db) {
    db.exec(`
      ALTER TABLE image ADD COLUMN removed_at TEXT;
      CREATE INDEX image_removed ON image (removed_at);
    `);
  },
};
