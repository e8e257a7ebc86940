import type { Migration } from './types';

/** Training runs and their per-epoch metrics, agreed with the trainer and the experiment views. */
export const migration002: Migration = {
  version: 2,
  name: 'training runs and epoch metrics',
  up(db) {
    db.exec(`
      CREATE TABLE run (
        id TEXT PRIMARY KEY,
        name TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        config_json TEXT NOT NULL,
        arm TEXT NOT NULL,
        reg TEXT NOT NULL CHECK (reg IN ('none', 'l2', 'wd', 'l1', 'dropout')),
        lambda REAL NOT NULL,
        seed INTEGER NOT NULL,
        manifest_hash TEXT NOT NULL,
        backend TEXT,
        backend_reasons_json TEXT NOT NULL DEFAULT '[]',
        device TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        best_epoch INTEGER,
        fail_reason TEXT,
        test_metrics_json TEXT
      );
      CREATE INDEX run_status ON run (status);
      CREATE TABLE epoch_metric (
        run_id TEXT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL CHECK (epoch >= 0),
        train_data_loss REAL NOT NULL,
        train_reg_loss REAL NOT NULL,
        val_data_loss REAL NOT NULL,
        val_reg_loss REAL NOT NULL,
        map50 REAL NOT NULL,
        map50_95 REAL NOT NULL,
        weight_norm REAL NOT NULL,
        learning_rate REAL NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (run_id, epoch)
      );
    `);
  },
};
