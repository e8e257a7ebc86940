// The trainer's side of the batch worker (batch-worker.ts): starts it, asks it for training batches ahead of
// the step, and makes sure it ends. A failure inside the worker rejects the batch it was preparing with the
// worker's own words (which image, which op); a worker that dies rejects every batch still asked of it, so a
// run fails instead of waiting forever. The thread holds the process open only while a batch is asked of it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { ManifestImage } from '../protocol';
import type { AugmentRequest, Batch } from './pipeline';
import type { BatchRequest, BatchWorkerInit, BatchWorkerReply } from './worker-protocol';

/** How long a worker may take to start (load sharp, and tsx from source) before the trainer does without. */
export const WORKER_START_TIMEOUT_MS = 30_000;

/** The worker's script: the bundled one next to the trainer's bundle, else the source through tsx. */
function workerScript(): { code: string; eval: boolean } {
  for (const dir of [__dirname, path.join(__dirname, '..', 'trainer')]) {
    const bundled = path.join(dir, 'batch-worker.cjs');
    // Inside a packaged app the script is unpacked from the asar archive (electron-builder.yml asarUnpack).
    const unpacked = bundled.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    if (existsSync(unpacked)) return { code: unpacked, eval: false };
    if (existsSync(bundled)) return { code: bundled, eval: false };
  }
  const source = path.join(__dirname, 'batch-worker.ts');
  if (!existsSync(source))
    throw new Error(`the batch worker's script is missing (no batch-worker.cjs near ${__dirname})`);
  const tsx = createRequire(__filename).resolve('tsx/cjs/api');
  return {
    code: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`,
    eval: true,
  };
}

interface Pending {
  images: readonly ManifestImage[];
  resolve: (b: Batch) => void;
  reject: (e: Error) => void;
}

/** Names a few images of a batch for a message. */
function imageList(images: readonly ManifestImage[]): string {
  const names = images.slice(0, 3).map((i) => i.file);
  return images.length > 3 ? `${names.join(', ')} and ${images.length - 3} more` : names.join(', ');
}

/** A started batch worker: makeBatch as BatchSource's (training batches only), and close. */
export class BatchWorker {
  private readonly pending = new Map<number, Pending>();
  private readonly indexOf = new Map<number, number>();
  private nextId = 0;
  /** Set once the worker cannot answer any more (closed, failed or exited): every new request gets it. */
  private dead: Error | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly images: readonly ManifestImage[],
  ) {
    images.forEach((img, i) => this.indexOf.set(img.id, i));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: BatchWorkerReply) => this.onReply(m));
    worker.on('error', (e) => this.fail(`the data pipeline's worker failed: ${e.message}`));
    worker.on('messageerror', (e) =>
      this.fail(`the data pipeline's worker sent an unreadable message: ${e.message}`),
    );
    worker.on('exit', (code) => this.fail(`the data pipeline's worker stopped (exit code ${code})`));
  }

  /**
   * Starts a worker and waits until it is ready; rejects with the reason when it cannot start (the caller then
   * prepares batches in its own thread). `resourceLimits` bounds the worker's heap (tests make it fail with it).
   */
  static async start(
    init: BatchWorkerInit,
    opts: { startTimeoutMs?: number; resourceLimits?: ResourceLimits } = {},
  ): Promise<BatchWorker> {
    const script = workerScript();
    const worker = new Worker(script.code, {
      eval: script.eval,
      workerData: init,
      ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}),
    });
    const timeout = opts.startTimeoutMs ?? WORKER_START_TIMEOUT_MS;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`it did not start within ${timeout / 1000} s`)),
          timeout,
        );
        const settle = (fn: () => void) => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          fn();
        };
        const onMessage = (m: BatchWorkerReply) => m.type === 'ready' && settle(resolve);
        const onError = (e: Error) => settle(() => reject(e));
        const onExit = (code: number) =>
          settle(() => reject(new Error(`it exited with code ${code} while starting`)));
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
      });
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    worker.unref();
    return new BatchWorker(worker, init.images);
  }

  /** A training batch, prepared in the worker: the same bytes BatchSource.makeBatch gives in this thread. */
  makeBatch(images: readonly ManifestImage[], augment: AugmentRequest): Promise<Batch> {
    if (this.dead) return Promise.reject(this.dead);
    const index = (img: ManifestImage) => {
      const i = this.indexOf.get(img.id);
      if (i === undefined || this.images[i]!.file !== img.file)
        throw new Error(
          `image ${img.file} (id ${img.id}) is not one the data pipeline's worker was started with`,
        );
      return i;
    };
    const m = augment.mosaic;
    const request: BatchRequest = {
      type: 'batch',
      id: this.nextId++,
      images: images.map(index),
      seed: augment.seed,
      epoch: augment.epoch,
      ...(m
        ? { mosaic: { probability: m.probability, pool: m.pool === this.images ? 'all' : m.pool.map(index) } }
        : {}),
    };
    return new Promise<Batch>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(request.id, { images, resolve, reject });
      this.worker.postMessage(request);
    });
  }

  /** Ends the worker (a batch still asked of it is rejected); resolves once its thread has exited. */
  async close(): Promise<void> {
    this.fail("the data pipeline's worker was closed");
    await this.worker.terminate();
    await this.exited;
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return p;
  }

  private onReply(m: BatchWorkerReply): void {
    if (m.type === 'batch') this.settle(m.id)?.resolve(m.batch);
    else if (m.type === 'failed') this.settle(m.id)?.reject(new Error(m.message));
  }

  /** No more answers will come: reject what is waiting, naming its images, and every later request. */
  private fail(reason: string): void {
    if (!this.dead) this.dead = new Error(reason);
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new Error(`${reason} while preparing images ${imageList(p.images)}`));
    }
  }
}
