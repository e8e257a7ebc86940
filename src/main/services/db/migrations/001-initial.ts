import type { Migration } from './types';

/** The labeling schema: project, classes, images, annotations. */
export const migration001: Migration = {
  version: 1,
  name: 'initial labeling schema',
  up(db) {
    db.exec(`
      CREATE TABLE project (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        uuid TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE label_class (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        color TEXT NOT NULL,
        hotkey TEXT UNIQUE,
        sort_order INTEGER NOT NULL
      );
      CREATE TABLE image (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        linked INTEGER NOT NULL DEFAULT 0 CHECK (linked IN (0, 1)),
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
        status TEXT NOT NULL DEFAULT 'unlabeled' CHECK (status IN ('unlabeled', 'labeled', 'empty', 'reviewed')),
        created_at TEXT NOT NULL
      );
      CREATE INDEX image_sha256 ON image (sha256);
      CREATE INDEX image_split ON image (split);
      CREATE INDEX image_status ON image (status);
      CREATE TABLE annotation (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES image (id) ON DELETE CASCADE,
        class_id INTEGER NOT NULL REFERENCES label_class (id) ON DELETE RESTRICT,
        x REAL NOT NULL,
        y REAL NOT NULL,
        w REAL NOT NULL CHECK (w > 0),
        h REAL NOT NULL CHECK (h > 0),
        difficult INTEGER NOT NULL DEFAULT 0 CHECK (difficult IN (0, 1)),
        truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
        source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'predicted')),
        score REAL,
        state TEXT NOT NULL DEFAULT 'accepted' CHECK (state IN ('accepted', 'pending')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX annotation_image ON annotation (image_id);
      CREATE INDEX annotation_class ON annotation (class_id);
    `);
  },
};
