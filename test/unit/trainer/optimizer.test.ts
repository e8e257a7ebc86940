// The fused optimizer step (one flat update per learning-rate/decay group) against the one-parameter-at-a-time
// step: bitwise the same weights and moments, with weight decay, two learning-rate scales, a parameter that
// gets no gradient in one step, and a checkpoint restored into the other layout.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import { SeededRng } from '../../../src/main/trainer/data/prng';
import { AdamW } from '../../../src/main/trainer/optimizer';

beforeAll(() => loadBackend('tfjs-node'));

const SHAPES = [[3, 3, 4, 8], [8], [8], [1, 1, 8, 5], [5], [2, 7]];
const DECAY = [true, false, false, true, false, true];
const SCALE = [0.25, 0.25, 1, 1, 1, 0.25];

function randomValues(rng: SeededRng, shape: number[]): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * 2 - 1;
  return out;
}

/** Same start weights, two optimizers (fused and not), `steps` updates with the same gradients. */
async function twoRuns(
  steps: number,
  missingAt: number,
): Promise<{ fused: Float32Array[]; each: Float32Array[] }> {
  const rng = new SeededRng(11);
  const start = SHAPES.map((s) => randomValues(rng, s));
  const grads = Array.from({ length: steps }, () => SHAPES.map((s) => randomValues(rng, s)));
  const run = async (fused: boolean) => {
    const params = SHAPES.map((s, i) => tf.variable(tf.tensor(start[i]!, s)));
    const opt = new AdamW(params, DECAY, { weightDecay: 0.05, lrScale: SCALE, fused });
    for (let t = 0; t < steps; t++) {
      const g = SHAPES.map((s, i) => (t === missingAt && i === 3 ? undefined : tf.tensor(grads[t]![i]!, s)));
      opt.apply(g, 0.01 * (t + 1));
      tf.dispose(g.filter((x): x is tf.Tensor => x !== undefined));
    }
    const state = await opt.getState();
    const out = [
      ...(await Promise.all(params.map(async (p) => (await p.data()) as Float32Array))),
      ...state.m,
      ...state.v,
    ];
    opt.dispose();
    tf.dispose(params);
    return out;
  };
  return { fused: await run(true), each: await run(false) };
}

describe('AdamW fused step', () => {
  it('gives bitwise the same weights and moments as one parameter at a time', async () => {
    const { fused, each } = await twoRuns(4, 2);
    expect(fused.length).toBe(3 * SHAPES.length);
    fused.forEach((f, i) =>
      expect(Buffer.from(f.buffer).equals(Buffer.from(each[i]!.buffer)), `array ${i}`).toBe(true),
    );
  });

  it('leaves a parameter without a gradient and its moments alone', async () => {
    const params = SHAPES.map((s) => tf.variable(tf.ones(s)));
    const opt = new AdamW(params, DECAY, { weightDecay: 0.05, lrScale: SCALE });
    opt.apply(
      SHAPES.map((s, i) => (i === 3 ? undefined : tf.ones(s))),
      0.1,
    );
    const state = await opt.getState();
    expect(Array.from(await params[3]!.data()).every((x) => x === 1)).toBe(true);
    expect(Array.from(state.m[3]!).every((x) => x === 0)).toBe(true);
    expect(Array.from(await params[0]!.data()).every((x) => x < 1)).toBe(true);
    opt.dispose();
    tf.dispose(params);
  });

  it('restores a checkpoint written by the one-at-a-time layout, and the other way round', async () => {
    const params = SHAPES.map((s) => tf.variable(tf.ones(s)));
    const each = new AdamW(params, DECAY, { lrScale: SCALE, fused: false });
    each.apply(
      SHAPES.map((s) => tf.fill(s, 0.5)),
      0.1,
    );
    const s = await each.getState();
    const fused = new AdamW(params, DECAY, { lrScale: SCALE });
    fused.setState(s);
    expect(await fused.getState()).toEqual(s);
    const back = new AdamW(params, DECAY, { lrScale: SCALE, fused: false });
    back.setState(await fused.getState());
    expect(await back.getState()).toEqual(s);
    [each, fused, back].forEach((o) => o.dispose());
    tf.dispose(params);
  });
});
