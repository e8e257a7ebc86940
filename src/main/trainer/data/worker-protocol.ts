// The messages between the trainer and its batch worker (batch-worker.ts, started by batch-worker-host.ts):
// the images are sent once at start, so a request names its images by index; a prepared batch comes back with
// its Float32Arrays' buffers transferred, never copied.
import type { BackboneName } from '../model/pretrained';
import type { ManifestImage } from '../protocol';
import type { Batch } from './pipeline';

/** What the worker is started with (workerData). */
export interface BatchWorkerInit {
  numClasses: number;
  imgSize: number;
  /** The detector's backbone, which decides its head's levels (detector.ts: headLayout). */
  backbone?: BackboneName;
  /** The byte budget of the worker's decoded-image cache. */
  cacheBytes: number;
  classWeights: readonly number[] | null;
  /** The images requests may name (a run's train split), by index. */
  images: readonly ManifestImage[];
}

/** A training batch asked of the worker: images and mosaic pool as indices into BatchWorkerInit.images. */
export interface BatchRequest {
  type: 'batch';
  id: number;
  images: number[];
  seed: number;
  epoch: number;
  /** The pool 'all' is every image the worker was started with (the run's train split). */
  mosaic?: { probability: number; pool: number[] | 'all' };
}

/** What the worker answers: ready once started, then one reply per request. */
export type BatchWorkerReply =
  | { type: 'ready' }
  | { type: 'batch'; id: number; batch: Batch }
  | { type: 'failed'; id: number; message: string };

/** The buffers of a batch that move between threads instead of being copied. */
export function batchBuffers(b: Batch): ArrayBuffer[] {
  return [b.x, b.cls, b.box, b.pos, ...(b.weight ? [b.weight] : [])].map((a) => a.buffer as ArrayBuffer);
}
