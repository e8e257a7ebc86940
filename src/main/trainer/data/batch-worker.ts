// The batch worker's entry (a worker_threads thread of the trainer): prepares training batches with the same
// BatchSource the trainer's own thread uses (decode at scale, cache, augmentation, mosaic, targets), so the
// JavaScript half of the data pipeline runs beside TensorFlow's step instead of between steps. Bundled as
// out/trainer/batch-worker.cjs; started from source (tests, benches) through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { makeGrid } from '../model/targets';
import { BatchSource } from './pipeline';
import {
  batchBuffers,
  type BatchRequest,
  type BatchWorkerInit,
  type BatchWorkerReply,
} from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('batch-worker.ts runs only as a worker thread');
const init = workerData as BatchWorkerInit;
const source = new BatchSource(
  init.numClasses,
  init.imgSize,
  makeGrid(init.imgSize, init.backbone),
  init.cacheBytes,
  init.classWeights,
);
const reply = (m: BatchWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (r: BatchRequest) => {
  const pick = (i: number) => init.images[i]!;
  const pool = r.mosaic ? (r.mosaic.pool === 'all' ? init.images : r.mosaic.pool.map(pick)) : null;
  source
    .makeBatch(r.images.map(pick), {
      seed: r.seed,
      epoch: r.epoch,
      ...(r.mosaic && pool ? { mosaic: { probability: r.mosaic.probability, pool } } : {}),
    })
    .then(
      (batch) => reply({ type: 'batch', id: r.id, batch }, batchBuffers(batch)),
      (e: unknown) =>
        reply({ type: 'failed', id: r.id, message: e instanceof Error ? e.message : String(e) }),
    );
});
reply({ type: 'ready' });
