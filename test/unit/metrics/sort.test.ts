import { describe, expect, it } from 'vitest';
import { stableSortByScoreDesc } from '../../../src/main/trainer/metrics/sort';

function reference(items: Int32Array, score: Float64Array): number[] {
  const pos = Array.from({ length: items.length }, (_, i) => i);
  pos.sort((x, y) => score[items[y]!]! - score[items[x]!]! || x - y);
  return pos.map((i) => items[i]!);
}

describe('stableSortByScoreDesc', () => {
  it('orders like a stable comparator sort (numpy mergesort on -score) on ties, signs, -0 and extremes', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pool = [0, -0, 1, -1, 0.5, 1e-300, -1e-300, 5e-324, 1e300, -1e300, 0.25];
    for (const n of [0, 1, 2, 31, 33, 500, 4000]) {
      const score = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        score[i] =
          rand() < 0.5
            ? pool[Math.floor(rand() * pool.length)]!
            : (rand() - 0.3) * 10 ** Math.floor(rand() * 8 - 4);
      }
      const items = new Int32Array(n);
      for (let i = 0; i < n; i++) items[i] = (i * 7919) % Math.max(n, 1);
      expect(Array.from(stableSortByScoreDesc(items, score)), `n=${n}`).toEqual(reference(items, score));
    }
  });
});
