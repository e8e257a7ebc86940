import { describe, expect, it } from 'vitest';
import { planComparison, planRun } from '../../../src/main/services/runs/plan';
import { armSettingsSchema, parseArmList } from '../../../src/shared/domain/run-config';
import { argSchemas } from '../../../src/shared/api/schemas';

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

  it('scores robustness in comparisons unless the base turns it off; a plain run leaves it off', () => {
    const arms = parseArmList('none,l2').map((a) => armSettingsSchema.parse(a));
    expect(planComparison(arms, 1, {}).configs.map((c) => c.robustness)).toEqual([true, true]);
    expect(planComparison(arms, 1, { robustness: false }).configs.map((c) => c.robustness)).toEqual([
      false,
      false,
    ]);
    expect(planRun({}).robustness).toBe(false);
    expect(planRun({ robustness: true }).robustness).toBe(true);
  });
});
