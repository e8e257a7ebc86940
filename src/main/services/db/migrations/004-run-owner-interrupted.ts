import type { Migration } from './types';

/**
 * Runs get an owner lease (the process that holds a run: pid, its start time, host; a heartbeat it renews) and
 * the status `interrupted` (its owner died; resumable). Runs stored as failed with an 'interrupted:' reason
 * become interrupted. Epoch metrics keep one regularization column (`reg_loss`): the penalty is a function of
 * the weights only, so the train and val columns were equal by definition.
 *
 * SQLite cannot change a CHECK constraint in place, so both tables are rebuilt. epoch_metric goes first: dropping
 * `run` while a table still references it would cascade its rows away (foreign keys are on).
 */
export const migration004: Migration = {
  version: 4,
  name: 'run owner lease, interrupted status, one regularization-loss column',
  up(db) {
    db.exec(`
      CREATE TABLE run_next (
        id TEXT PRIMARY KEY,
        name TEXT,
        status TEXT NOT NULL
          CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
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
        test_metrics_json TEXT,
        owner_json TEXT,
        heartbeat_at INTEGER
      );
      INSERT INTO run_next (id, name, status, config_json, arm, reg, lambda, seed, manifest_hash, backend,
          backend_reasons_json, device, created_at, started_at, ended_at, best_epoch, fail_reason, test_metrics_json)
        SELECT id, name,
          CASE WHEN status = 'failed' AND fail_reason LIKE 'interrupted:%' THEN 'interrupted' ELSE status END,
          config_json, arm, reg, lambda, seed, manifest_hash, backend, backend_reasons_json, device, created_at,
          started_at, ended_at, best_epoch, fail_reason, test_metrics_json
        FROM run;
      CREATE TABLE epoch_next (
        run_id TEXT NOT NULL REFERENCES run_next (id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL CHECK (epoch >= 0),
        train_data_loss REAL NOT NULL,
        reg_loss REAL NOT NULL,
        val_data_loss REAL NOT NULL,
        map50 REAL NOT NULL,
        map50_95 REAL NOT NULL,
        weight_norm REAL NOT NULL,
        learning_rate REAL NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (run_id, epoch)
      );
      INSERT INTO epoch_next (run_id, epoch, train_data_loss, reg_loss, val_data_loss, map50, map50_95,
          weight_norm, learning_rate, seconds)
        SELECT run_id, epoch, train_data_loss, train_reg_loss, val_data_loss, map50, map50_95, weight_norm,
          learning_rate, seconds
        FROM epoch_metric;
      DROP TABLE epoch_metric;
      DROP TABLE run;
      ALTER TABLE run_next RENAME TO run;
      ALTER TABLE epoch_next RENAME TO epoch_metric;
      CREATE INDEX run_status ON run (status);
    `);
  },
};
