// Seeded randomness for the trainer: every random choice (shuffle, augmentation, dropout masks) is derived
// from (seed, epoch, index) so a resumed run draws exactly what an uninterrupted one would have drawn.
import { Mulberry32 } from '../../../shared/random';

/**
 * The trainer's 32-bit hash of several integers (FNV-1a over 16-bit halves, with an xorshift), so derived
 * streams are independent of prefetch order. Not the sample generator's hashIntsMurmur: a different algorithm,
 * and changing either would change every data order and checkpoint (or every generated sample).
 */
export function hashIntsFnv(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v & 0xffff), 0x01000193);
    h = Math.imul(h ^ ((v >>> 16) & 0xffff), 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/** The shared mulberry32 (explicit state, saved in checkpoints) with the draws the trainer needs. */
export class SeededRng extends Mulberry32 {
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const a = items.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}
