import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, DEFAULT_DECODE } from '../../../src/main/trainer/model/decode';
import { buildDetector } from '../../../src/main/trainer/model/detector';
import { mirrorChannelOrder, predictOutputs, unmirrorOutput } from '../../../src/main/trainer/model/flip-tta';
import { flattenOutputs } from '../../../src/main/trainer/model/loss';
import { makeGrid } from '../../../src/main/trainer/model/targets';

const logit = (p: number) => Math.log(p / (1 - p));

describe('flip test-time augmentation', () => {
  it('swaps only the l and r distance channels', () => {
    expect(mirrorChannelOrder(3)).toEqual([0, 1, 2, 5, 4, 3, 6]);
  });

  it('maps a mirrored image’s peak back onto the mirror box of the same object', () => {
    // One level-8 map of a 64 px input as the model would output for the MIRRORED image: a class-1 peak at
    // row 2, column 1 with l, t, r, b = 10, 6, 4, 8 px. In the mirrored frame the box is x 2..16, y 14..28,
    // so in the original frame it is x 48..62, y 14..28.
    const S = 64;
    const C = 2;
    const grid = makeGrid(S);
    const side = S / 8;
    const map = new Float32Array(side * side * (C + 4));
    for (let k = 0; k < side * side; k++) for (let c = 0; c < C; c++) map[k * (C + 4) + c] = -10;
    const k = 2 * side + 1;
    map[k * (C + 4) + 1] = logit(0.9);
    [10, 6, 4, 8].forEach((d, n) => (map[k * (C + 4) + C + n] = Math.log(d / 8)));
    const level16 = tf.fill([1, side / 2, side / 2, C + 4], -10);
    const back = unmirrorOutput(tf.tensor4d(map, [1, side, side, C + 4]), C);
    const flat = flattenOutputs([back, level16], C).dataSync() as Float32Array;
    const [det] = decodeImage(flat, grid, C, { ...DEFAULT_DECODE, scoreThreshold: 0.5 });
    expect(det!.classIndex).toBe(1);
    expect(det!.score).toBeCloseTo(0.9, 5);
    expect([det!.x1, det!.y1, det!.x2, det!.y2].map((v) => Math.round(v * 1000) / 1000)).toEqual([
      48, 14, 62, 28,
    ]);
    tf.dispose([level16, back]);
  });

  it('averages the plain pass with the mirrored pass mapped back (checked against a plain-JS mirror)', () => {
    const C = 2;
    const S = 32;
    const model = buildDetector({
      numClasses: C,
      imgSize: S,
      widthMultiplier: 0.25,
      dropoutRate: 0,
      seed: 3,
    });
    const B = 2;
    const pixels = Float32Array.from({ length: B * S * S * 3 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
    // The mirrored input, built by hand (column x -> S-1-x).
    const mirrored = new Float32Array(pixels.length);
    for (let b = 0; b < B; b++)
      for (let y = 0; y < S; y++)
        for (let x = 0; x < S; x++)
          for (let c = 0; c < 3; c++)
            mirrored[((b * S + y) * S + (S - 1 - x)) * 3 + c] = pixels[((b * S + y) * S + x) * 3 + c]!;
    const x = tf.tensor4d(pixels, [B, S, S, 3]);
    const plain = model.predict(x) as tf.Tensor[];
    const mirror = model.predict(tf.tensor4d(mirrored, [B, S, S, 3])) as tf.Tensor[];
    const tta = predictOutputs(model, x, C, true);
    const off = predictOutputs(model, x, C, false);
    plain.forEach((p, lvl) => {
      const [, H, W, D] = p.shape as number[];
      const a = p.dataSync();
      const m = mirror[lvl]!.dataSync();
      const expected = new Float32Array(a.length);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < H!; i++)
          for (let j = 0; j < W!; j++)
            for (let d = 0; d < D!; d++) {
              const src = d === C ? C + 2 : d === C + 2 ? C : d;
              const at = ((b * H! + i) * W! + j) * D!;
              const from = ((b * H! + i) * W! + (W! - 1 - j)) * D!;
              expected[at + d] = (a[at + d]! + m[from + src]!) / 2;
            }
      const got = tta[lvl]!.dataSync();
      for (let n = 0; n < got.length; n++) expect(got[n]).toBeCloseTo(expected[n]!, 5);
      expect(Array.from(off[lvl]!.dataSync())).toEqual(Array.from(a));
    });
    // The maps are not mirror-symmetric by themselves, so averaging really changes them.
    expect(Math.max(...tta[0]!.sub(plain[0]!).abs().dataSync())).toBeGreaterThan(1e-4);
    tf.dispose([x, ...plain, ...mirror, ...tta, ...off]);
    model.dispose();
  });
});
