import type { Migration } from './types';

/**
 * Runs keep their robustness evaluation (test mAP50-95 per corruption and severity, mPC, rPC) and their saliency
 * figure (saliencyInBox), each as JSON: null until measured, by the trainer after the test evaluation or later on
 * demand (`ridge robustness`). Plain added columns: no existing row changes.
 */
export const migration006: Migration = {
  version: 6,
  name: 'run robustness and saliency figures',
  up(db) {
    db.exec(`
      ALTER TABLE run ADD COLUMN robustness_json TEXT;
      ALTER TABLE run ADD COLUMN saliency_json TEXT;
    `);
  },
};
