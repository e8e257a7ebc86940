// Memory of a training, epoch by epoch: the trainer process's peak RSS over each epoch and tfjs's live tensor
// count at its end, and the one rule for "flat" that the benchmarks and tests apply to them. A leak of one tensor
// per step shows as a count growing with the epoch; a leak outside tfjs as a peak RSS growing with it.
import * as tf from '@tensorflow/tfjs';
import type { EpochMemory } from './protocol';

export type { EpochMemory };

/** Samples the process's RSS at each step and hands out one epoch's peak and tensor count at its end. */
export class EpochMemoryMeter {
  private peak = 0;

  /** Take an RSS sample (process.memoryUsage.rss: the RSS alone, without walking the V8 heap spaces). */
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** This epoch's figures; the next epoch's peak starts afresh. */
  take(): EpochMemory {
    this.sample();
    const m = { peakRssBytes: this.peak, numTensors: tf.memory().numTensors };
    this.peak = 0;
    return m;
  }
}

/** Peak RSS may move this much (relative) between epoch 2 and the last and still count as flat. */
export const RSS_FLAT_TOLERANCE = 0.1;

/**
 * Whether a run's memory is flat: from epoch 2 on (epoch 1 holds the warm-up: kernel selection, caches filling)
 * the tensor count stays exactly the same and the last epoch's peak RSS is within RSS_FLAT_TOLERANCE of epoch 2's.
 * With fewer than two epochs there is nothing to compare and both count as flat.
 */
export function memoryFlat(epochs: readonly EpochMemory[]): { tensors: boolean; rss: boolean } {
  const flat = (xs: number[], tolerance: number) =>
    xs.length < 2 || Math.abs(xs.at(-1)! - xs[1]!) <= tolerance * Math.max(1, Math.abs(xs[1]!));
  return {
    tensors: flat(
      epochs.map((e) => e.numTensors),
      0,
    ),
    rss: flat(
      epochs.map((e) => e.peakRssBytes),
      RSS_FLAT_TOLERANCE,
    ),
  };
}

/** One line a benchmark prints: both verdicts with the series they were drawn from. */
export function describeMemoryFlat(epochs: readonly EpochMemory[]): string {
  const f = memoryFlat(epochs);
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  return (
    `memory flat across epochs 2-${epochs.length}: tensors ${f.tensors ? 'yes' : 'NO'} ` +
    `(${epochs.map((e) => e.numTensors).join(', ')}), peak RSS ${f.rss ? 'yes' : 'NO'} ` +
    `(within ${RSS_FLAT_TOLERANCE * 100}%: ${epochs.map((e) => mib(e.peakRssBytes)).join(', ')} MiB)`
  );
}
