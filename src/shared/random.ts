// The one seeded generator of the code base: mulberry32 (a tiny, fast 32-bit PRNG). The sample dataset and every
// random choice of the trainer draw from it, so a seed gives the same images, data order and weights everywhere.

/** mulberry32 with its state in the open, so the trainer can save it in a checkpoint and restore it. */
export class Mulberry32 {
  state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** mulberry32 as a plain function of no arguments (uniform in [0, 1)), for code that only draws. */
export function mulberry32(seed: number): () => number {
  const g = new Mulberry32(seed);
  return () => g.next();
}
