import { describe, expect, it } from 'vitest';
import { type ArmSummary, spread, verdict } from '../../../src/main/services/runs/compare';
import { planComparison } from '../../../src/main/services/runs/plan';
import { armSettingsSchema, parseArmList } from '../../../src/shared/domain/run-config';
import { argSchemas } from '../../../src/shared/api/schemas';

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
  it('plans arms with and without strengths, seed-major, and refuses nonsense with the shared rules', () => {
    const arms = parseArmList('none,l2=5e-4,wd,dropout=0.2').map((a) => armSettingsSchema.parse(a));
    const plan = planComparison(arms, 2, { epochs: 3 });
    expect(plan.arms).toEqual(['none', 'l2=0.0005', 'wd=0.05', 'dropout=0.2']);
    expect(plan.configs.map((c) => [c.arm, c.seed, c.epochs])).toEqual([
      ['none', 0, 3],
      ['l2=0.0005', 0, 3],
      ['wd=0.05', 0, 3],
      ['dropout=0.2', 0, 3],
      ['none', 1, 3],
      ['l2=0.0005', 1, 3],
      ['wd=0.05', 1, 3],
      ['dropout=0.2', 1, 3],
    ]);
    const refusal = (spec: string) => {
      const r = argSchemas['runs.startCompare'].safeParse({ arms: parseArmList(spec), seeds: 1 });
      return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(refusal('l3=1')).toMatch(/^arms\.0\.reg: must be one of none, l2, wd, l1, dropout/);
    expect(refusal('dropout=1.5')).toMatch(/arms\.0\.lambda: must be below 1/);
    expect(refusal('l2=abc')).toMatch(/arms\.0\.lambda/);
    expect(refusal('none=0.1')).toMatch(/'none' takes no strength/);
    expect(refusal('')).toMatch(/^arms: /);
    const twice = parseArmList('l2=1e-3,l2=0.001').map((a) => armSettingsSchema.parse(a));
    expect(() => planComparison(twice, 1, {})).toThrow(/arm 'l2=0.001' is listed twice/);
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
