// Where a run's training batches are prepared: in a worker thread (batch-worker-host.ts), so decoding,
// augmentation and targets run beside TensorFlow's step, or, when no worker can start, in the trainer's own
// thread as before, with the reason said. Either way the batches are the same bytes (augmentation is drawn from
// (seed, epoch, image)), so the choice changes speed only. Evaluation batches stay in the trainer's thread.
import type { BackboneName } from '../model/pretrained';
import type { BackendName, BackendReason } from '../../../shared/domain/runs';
import type { ManifestImage } from '../protocol';
import type { Grid } from '../model/targets';
import { BatchWorker } from './batch-worker-host';
import { BatchSource, DEFAULT_CACHE_BYTES, decodedBytes, type AugmentRequest, type Batch } from './pipeline';

/** Where training batches are prepared. */
export type PipelineThread = 'worker' | 'in-thread';

/** A run's training batches and the trainer thread's source (evaluation; training too without a worker). */
export interface TrainBatches {
  readonly thread: PipelineThread;
  /** What was decided and why, for the run's record (e.g. why no worker could start). */
  readonly note: string;
  readonly source: BatchSource;
  makeBatch(images: readonly ManifestImage[], augment: AugmentRequest): Promise<Batch>;
  /** Ends the worker, if any (idempotent); resolves once its thread has exited. */
  close(): Promise<void>;
}

/** What openTrainBatches needs. */
export interface TrainBatchesOptions {
  numClasses: number;
  imgSize: number;
  grid: Grid;
  /** The detector's backbone: the worker rebuilds `grid` from it. */
  backbone?: BackboneName;
  classWeights: readonly number[] | null;
  /** The run's train split: what the worker may be asked for (and the mosaic pool). */
  train: readonly ManifestImage[];
  /** The images evaluated in the trainer's thread each epoch (val, the train-loss subset). */
  evalImages: readonly ManifestImage[];
  /** The decoded-image budget of both caches together (DEFAULT_CACHE_BYTES). */
  cacheBytes?: number;
  /** 'in-thread' prepares everything in this thread (no worker is started). */
  thread?: PipelineThread;
}

/**
 * Splits one decoded-image budget between the worker's cache (train images) and the trainer thread's
 * (evaluation images and their letterboxed canvases), in proportion to what each would hold: with the worker,
 * a run holds no more than the one in-thread cache held.
 */
export function splitCacheBudget(
  total: number,
  train: readonly ManifestImage[],
  evalImages: readonly ManifestImage[],
  imgSize: number,
): { worker: number; thread: number } {
  const trainNeed = train.reduce((a, img) => a + decodedBytes(img, imgSize), 0);
  const evalNeed = evalImages.reduce((a, img) => a + decodedBytes(img, imgSize) + imgSize * imgSize * 3, 0);
  const worker = trainNeed + evalNeed > 0 ? Math.floor((total * trainNeed) / (trainNeed + evalNeed)) : 0;
  return { worker, thread: total - worker };
}

/**
 * Where a run's training batches are prepared unless asked otherwise: the trainer thread, or the worker when
 * RIDGE_BATCH_WORKER=1. Measured side by side in one bench run (test/bench/train.bench.ts, scratch, 320 px, batch
 * 16, load 3.5, after the fused batch-norm kernels): 46.5 img/s best step in the trainer thread against 32.6 in
 * the worker (x0.70; mean x0.84), although the trainer thread then waited 98 ms per batch and with the worker 0:
 * on 2 cores TensorFlow's threads already use both, and the worker's work slows them more than the overlap
 * saves. Under heavy load from other work the worker won (x1.07-1.15 best step). Not yet chosen per machine.
 */
export function defaultPipelineThread(env: NodeJS.ProcessEnv = process.env): PipelineThread {
  return env.RIDGE_BATCH_WORKER === '1' ? 'worker' : 'in-thread';
}

/** Starts the worker (or, when it cannot start or is not wanted, prepares batches in this thread). */
export async function openTrainBatches(o: TrainBatchesOptions): Promise<TrainBatches> {
  const total = o.cacheBytes ?? DEFAULT_CACHE_BYTES;
  const inThread = (note: string): TrainBatches => {
    const source = new BatchSource(o.numClasses, o.imgSize, o.grid, total, o.classWeights);
    return {
      thread: 'in-thread',
      note,
      source,
      makeBatch: (images, augment) => source.makeBatch(images, augment),
      close: () => Promise.resolve(),
    };
  };
  if (o.thread === 'in-thread')
    return inThread('batches prepared in the trainer thread (RIDGE_BATCH_WORKER=1: in a worker thread)');
  const budget = splitCacheBudget(total, o.train, o.evalImages, o.imgSize);
  let worker: BatchWorker;
  try {
    worker = await BatchWorker.start({
      numClasses: o.numClasses,
      imgSize: o.imgSize,
      ...(o.backbone ? { backbone: o.backbone } : {}),
      cacheBytes: budget.worker,
      classWeights: o.classWeights,
      images: o.train,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return inThread(
      `batches prepared in the trainer thread: the data pipeline's worker could not start (${why})`,
    );
  }
  return {
    thread: 'worker',
    note: 'batches prepared ahead in a worker thread',
    source: new BatchSource(o.numClasses, o.imgSize, o.grid, budget.thread, o.classWeights),
    makeBatch: (images, augment) => worker.makeBatch(images, augment),
    close: () => worker.close(),
  };
}

/** Puts where the batches were prepared on the reason of the backend that runs (how the run record carries it). */
export function withDataPipeline(
  reasons: readonly BackendReason[],
  backend: BackendName,
  note: string,
): BackendReason[] {
  return reasons.map((r) => (r.backend === backend ? { ...r, dataPipeline: note } : r));
}
