import { describe, expect, it } from 'vitest';
import { type ArmSummary, parseArms, spread, verdict } from '../../../src/main/services/runs/compare';

function arm(name: string, values: number[]): ArmSummary {
  const s = spread(values);
  return {
    arm: name,
    reg: 'none',
    lambda: 0,
    runs: values.length,
    testMAP50: s,
    testMAP50_95: s,
    gap: s,
    weightNorm: s,
    seconds: s,
  };
}

describe('compare arms', () => {
  it('parses arms with and without strengths, and refuses nonsense', () => {
    expect(parseArms('none,l2=5e-4,wd,dropout=0.2')).toEqual([
      { name: 'none', reg: 'none', lambda: 0 },
      { name: 'l2=0.0005', reg: 'l2', lambda: 5e-4 },
      { name: 'wd=0.05', reg: 'wd', lambda: 0.05 },
      { name: 'dropout=0.2', reg: 'dropout', lambda: 0.2 },
    ]);
    expect(() => parseArms('l3=1')).toThrow(/unknown arm 'l3=1'/);
    expect(() => parseArms('dropout=1.5')).toThrow(/< 1/);
    expect(() => parseArms('l2=abc')).toThrow(/strength/);
    expect(() => parseArms('l2=1e-3,l2=0.001')).toThrow(/twice/);
  });

  it('mean and sample sd', () => {
    expect(spread([1, 2, 3])).toEqual({ mean: 2, sd: 1, n: 3 });
    expect(spread([5])).toEqual({ mean: 5, sd: 0, n: 1 });
  });

  it('claims a difference only beyond the spread between seeds', () => {
    const lines = verdict([
      arm('none', [0.5, 0.52]),
      arm('l2=0.001', [0.6, 0.61]),
      arm('wd=0.05', [0.49, 0.55]),
    ]);
    expect(lines[0]).toMatch(/^l2=0.001 vs none: test mAP50-95 higher by 9\.5 points/);
    expect(lines[1]).toMatch(/^wd=0.05 vs none: no claim/);
  });

  it('makes no claim with a single seed, however large the difference', () => {
    expect(verdict([arm('none', [0.1]), arm('l2=0.001', [0.9])])[0]).toMatch(
      /no claim \(fewer than 2 finished seeds/,
    );
  });
});
