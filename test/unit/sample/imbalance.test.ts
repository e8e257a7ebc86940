import { describe, expect, it } from 'vitest';
import { generateSample } from '../../../src/main/services/sample/generator';
import { checkImbalance, parseImbalance, pickShared } from '../../../src/main/services/sample/imbalance';
import { Rng } from '../../../src/main/services/sample/prng';

describe('sample class imbalance (--imbalance 85,8,7)', () => {
  it('parses shares and refuses malformed ones with the accepted form', () => {
    expect(parseImbalance('85, 8,7')).toEqual([85, 8, 7]);
    for (const bad of ['85', '85,,7', '85,-8,7', '85,x,7', ''])
      expect(() => parseImbalance(bad)).toThrow(/two or more positive class shares/);
    expect(() => checkImbalance([1, 1, 1, 1, 1, 1, 1], 6)).toThrow(/2 to 6 class shares/);
  });

  it('draws items with the given shares, and exactly as rng.pick without shares', () => {
    const rng = new Rng(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[pickShared(rng, [0, 1, 2], [85, 8, 7])]!++;
    expect(counts[0]! / 20_000).toBeCloseTo(0.85, 1);
    expect(counts[1]! / 20_000).toBeCloseTo(0.08, 1);
    const [a, b] = [new Rng(9), new Rng(9)];
    for (let i = 0; i < 50; i++) expect(pickShared(a, ['x', 'y', 'z'])).toBe(b.pick(['x', 'y', 'z']));
  });

  it('generates boxes of as many classes as shares, in about those shares', async () => {
    const labels: string[] = [];
    for await (const img of generateSample({
      count: 120,
      seed: 2,
      width: 96,
      height: 72,
      imbalance: [85, 8, 7],
    }))
      labels.push(...img.boxes.map((b) => b.label));
    const share = (l: string) => labels.filter((x) => x === l).length / labels.length;
    expect(new Set(labels)).toEqual(new Set(['circle', 'square', 'triangle']));
    expect(share('circle')).toBeGreaterThan(0.78);
    expect(share('square')).toBeGreaterThan(0.03);
    expect(share('triangle')).toBeGreaterThan(0.03);
  });
});
