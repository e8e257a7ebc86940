// Stable descending sort by score without a comparator: an LSD radix sort on the scores' IEEE-754 bits.
// Equals numpy's argsort(-scores, kind='mergesort') (ties keep their order, -0 ties with 0) and runs several
// times faster than Array#sort with a comparator at 10^4..10^6 items.

const DIGIT_BITS = 11;
const RADIX = 1 << DIGIT_BITS;
const MASK = RADIX - 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function insertionSort(items: Int32Array, score: Float64Array): Int32Array {
  const out = items.slice();
  for (let i = 1; i < out.length; i++) {
    const v = out[i]!;
    const s = score[v]!;
    let j = i - 1;
    while (j >= 0 && score[out[j]!]! < s) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
  return out;
}

/** Reorder `items` (ids into `score`) by score descending; equal scores keep their order in `items`. */
export function stableSortByScoreDesc(items: Int32Array, score: Float64Array): Int32Array {
  const n = items.length;
  if (n <= 32) return insertionSort(items, score);
  if (!LITTLE_ENDIAN) {
    const pos = Array.from({ length: n }, (_, i) => i);
    pos.sort((x, y) => score[items[y]!]! - score[items[x]!]! || x - y);
    return Int32Array.from(pos, (i) => items[i]!);
  }
  // Keys whose unsigned order is descending score order: the usual float-to-sortable-bits map, inverted.
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = score[items[i]!]!;
    f[0] = v === 0 ? 0 : v;
    const neg = (w[1]! & 0x80000000) !== 0;
    lo[i] = neg ? w[0]! : ~w[0]! >>> 0;
    hi[i] = neg ? w[1]! : ~(w[1]! ^ 0x80000000) >>> 0;
  }
  let perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let next = new Int32Array(n);
  const count = new Int32Array(RADIX);
  for (let pass = 0; pass < 6; pass++) {
    const key = pass < 3 ? lo : hi;
    const shift = (pass % 3) * DIGIT_BITS;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & MASK]!++;
    // A digit that every key shares leaves the order as it is.
    if (count[(key[0]! >>> shift) & MASK] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const id = perm[i]!;
      next[count[(key[id]! >>> shift) & MASK]!++] = id;
    }
    const t = perm;
    perm = next;
    next = t;
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = items[perm[i]!]!;
  return out;
}
