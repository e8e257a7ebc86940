// Class imbalance for the sample (`ridge sample --imbalance 85,8,7`): the generator draws each object's class
// with these shares instead of uniformly, so a generated project has the skewed box counts of real data (BCCD:
// 85% RBC) and the trainer's class balancing can be tested on it. The shares also set the class count: one
// class per share (sampleClassSpecs), unless --classes says how many.
import type { Rng } from './prng';

/** Class shares as given (any positive numbers; they need not sum to 100), checked. */
export function parseImbalance(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const shares = parts.map(Number);
  if (shares.length < 2 || parts.some((p) => p === '') || shares.some((v) => !(v > 0 && Number.isFinite(v))))
    throw new RangeError(
      `imbalance must be two or more positive class shares separated by commas (e.g. 85,8,7), got '${text}'`,
    );
  return shares;
}

/** Checks shares (from parseImbalance or an API caller) against the most classes the generator has. */
export function checkImbalance(shares: readonly number[], maxClasses: number): void {
  if (shares.length < 2 || shares.length > maxClasses)
    throw new RangeError(
      `imbalance needs 2 to ${maxClasses} class shares (one per class), got ${shares.length}`,
    );
  if (shares.some((v) => !(v > 0 && Number.isFinite(v))))
    throw new RangeError(`imbalance shares must be positive numbers, got ${shares.join(',')}`);
}

/** One of `items`, drawn with probability proportional to `shares` (uniform when shares is absent). */
export function pickShared<T>(rng: Rng, items: readonly T[], shares?: readonly number[]): T {
  if (!shares) return rng.pick(items);
  const total = shares.reduce((a, b) => a + b, 0);
  let u = rng.float() * total;
  for (let i = 0; i < items.length; i++) {
    u -= shares[i]!;
    if (u < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}
