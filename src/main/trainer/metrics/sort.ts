// Stable descending sort by score without a comparator: the distinct scores are sorted natively, then the
// items are counting-sorted by their score's rank. Equals numpy's argsort(-scores, kind='mergesort') and is
// several times faster than Array#sort with a comparator at 10^5 items.

/** Reorder `items` (ids into `score`) by score descending; equal scores keep their order in `items`. */
export function stableSortByScoreDesc(items: Int32Array, score: Float64Array): Int32Array {
  const n = items.length;
  if (n < 2) return items.slice();
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = score[items[i]!]!;
  const asc = keys.slice().sort();
  // Distinct values, descending (-0 and 0 compare equal, as in numpy).
  const distinct = new Float64Array(n);
  let u = 0;
  for (let i = n - 1; i >= 0; i--) if (u === 0 || asc[i]! !== distinct[u - 1]!) distinct[u++] = asc[i]!;
  const bucket = new Int32Array(n);
  const start = new Int32Array(u + 1);
  for (let i = 0; i < n; i++) {
    const v = keys[i]!;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid]! > v) lo = mid + 1;
      else hi = mid;
    }
    bucket[i] = lo;
    start[lo + 1]!++;
  }
  for (let b = 0; b < u; b++) start[b + 1]! += start[b]!;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[start[bucket[i]!]!++] = items[i]!;
  return out;
}
