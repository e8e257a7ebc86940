// Checkpoints: model weights (trainable and batch-norm statistics), Adam state, the epoch reached, the
// best-so-far bookkeeping and the RNG position, written atomically so a crash never leaves half a file.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../shared/domain/runs';
import type { AdamState } from './optimizer';

/** Everything but the tensors, stored as state.json beside weights.bin. */
export interface CheckpointMeta {
  version: 1;
  /** Epochs completed (the next epoch to run). */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  best: { epoch: number; mAP50_95: number; valDataLoss: number };
  history: Omit<EpochMetrics, 'runId'>[];
  /** RNG position: all randomness derives from (seed, epoch, index); dropout layers count their calls. */
  rng: { seed: number; dropoutCalls: number[] };
  weights: { shape: number[]; length: number }[];
  optimizer: { step: number; shapes: number[][] };
  /** The weight average (ema.ts), stored after the optimizer moments; absent in checkpoints made before it. */
  ema?: { updates: number };
}

/** A checkpoint read back. */
export interface Checkpoint {
  meta: CheckpointMeta;
  weights: Float32Array[];
  optimizer: AdamState;
  /** The averaged weights (model.getWeights() order) and their update count, when the checkpoint has them. */
  ema: { values: Float32Array[]; updates: number } | null;
}

/** Folder of the named checkpoint ('last' or 'best') in a run folder. */
export function checkpointDir(outDir: string, name: 'last' | 'best'): string {
  return path.join(outDir, 'checkpoints', name);
}

/** Writes a checkpoint: into a temp folder, then swapped in by rename. */
export async function saveCheckpoint(
  dir: string,
  meta: Omit<CheckpointMeta, 'weights' | 'optimizer' | 'ema'>,
  model: tf.LayersModel,
  opt: AdamState,
  ema?: { values: Float32Array[]; updates: number },
): Promise<void> {
  const tensors = model.getWeights();
  const weights = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  const full: CheckpointMeta = {
    ...meta,
    weights: tensors.map((t, i) => ({ shape: t.shape, length: weights[i]!.length })),
    optimizer: { step: opt.step, shapes: opt.m.map((m) => [m.length]) },
    ...(ema ? { ema: { updates: ema.updates } } : {}),
  };
  const parts = [...weights, ...opt.m, ...opt.v, ...(ema?.values ?? [])];
  const bin = Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  const tmp = `${dir}.tmp`;
  const old = `${dir}.old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(path.join(tmp, 'weights.bin'), bin);
  await writeFile(path.join(tmp, 'state.json'), JSON.stringify(full));
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch(() => undefined);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** Reads a checkpoint, or null when there is none. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | null> {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as CheckpointMeta;
  } catch {
    return null;
  }
  const buf = await readFile(path.join(dir, 'weights.bin'));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let off = 0;
  const take = (n: number) => {
    const a = all.slice(off, off + n);
    off += n;
    return a;
  };
  const weights = meta.weights.map((w) => take(w.length));
  const m = meta.optimizer.shapes.map((s) => take(s[0]!));
  const v = meta.optimizer.shapes.map((s) => take(s[0]!));
  const ema = meta.ema
    ? { values: meta.weights.map((w) => take(w.length)), updates: meta.ema.updates }
    : null;
  if (off !== all.length) throw new Error(`checkpoint ${dir} is corrupt (size mismatch)`);
  return { meta, weights, optimizer: { step: meta.optimizer.step, m, v }, ema };
}

/** Puts checkpointed weights into a model built from the same config. */
export function setModelWeights(model: tf.LayersModel, weights: Float32Array[]): void {
  const current = model.getWeights();
  if (current.length !== weights.length) throw new Error('checkpoint does not match the model');
  const ts = weights.map((w, i) => tf.tensor(w, current[i]!.shape));
  model.setWeights(ts);
  tf.dispose(ts);
}
