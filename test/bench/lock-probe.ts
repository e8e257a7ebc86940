import path from 'node:path';
import { Worker } from 'node:worker_threads';

// A second writer on its own thread: it takes and releases the project's write lock (BEGIN IMMEDIATE; COMMIT) in a
// loop and records how long each take had to wait. The longest wait is how long another writer (the server, the
// app) would have been held up: the longest stretch the code under test kept the write lock.

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 600000 });
let stop = false;
let maxWaitMs = 0;
let takes = 0;
parentPort.on('message', () => (stop = true));
const pause = new Int32Array(new SharedArrayBuffer(4));
(function loop() {
  while (!stop) {
    const t = performance.now();
    db.exec('BEGIN IMMEDIATE');
    maxWaitMs = Math.max(maxWaitMs, performance.now() - t);
    db.exec('COMMIT');
    takes++;
    Atomics.wait(pause, 0, 0, 2);
    if (takes % 50 === 0) return setImmediate(loop); // let the stop message in
  }
  db.close();
  parentPort.postMessage({ maxWaitMs, takes });
})();
`;

/** The longest wait for the write lock the probe saw, and how often it took the lock. */
export interface LockProbeResult {
  maxWaitMs: number;
  takes: number;
}

/** Start probing a project database's write lock; `stop` ends it and reports. */
export function startLockProbe(file: string): { stop: () => Promise<LockProbeResult> } {
  const sqlite = path.dirname(require.resolve('better-sqlite3/package.json'));
  const worker = new Worker(WORKER, { eval: true, workerData: { file, sqlite } });
  const done = new Promise<LockProbeResult>((resolve, reject) => {
    worker.once('message', (r: LockProbeResult) => resolve(r));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const r = await done;
      await worker.terminate();
      return r;
    },
  };
}
