import { describe, expect, it } from 'vitest';
import {
  armKey,
  COMPARABLE_FIELDS,
  comparabilityKey,
  groupComparable,
  keyDifferences,
} from '../../../src/shared/domain/comparability';
import { runConfigSchema } from '../../../src/shared/domain/run-config';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../../src/shared/domain/runs';

const run = (over: Partial<RunConfig>, trainerVersion: string | null = '1') => ({
  config: { ...DEFAULT_RUN_CONFIG, ...over },
  trainerVersion,
});

describe('comparability key', () => {
  it('covers every schema field but mode, strength, seed and the arm label', () => {
    const all = Object.keys(runConfigSchema.shape);
    expect([...COMPARABLE_FIELDS, 'reg', 'lambda', 'seed', 'arm'].sort()).toEqual([...all].sort());
  });

  it('ignores mode, strength, seed and label, nothing else', () => {
    const a = run({ reg: 'none', lambda: 0, seed: 0, arm: 'none' });
    const b = run({ reg: 'l2', lambda: 1e-4, seed: 2, arm: 'my label' });
    expect(comparabilityKey(a)).toBe(comparabilityKey(b));
    for (const f of COMPARABLE_FIELDS) {
      const v = (DEFAULT_RUN_CONFIG as unknown as Record<string, unknown>)[f];
      const changed = typeof v === 'number' ? v + 1 : `${String(v)}-other`;
      const c = run({ [f]: changed } as Partial<RunConfig>);
      expect(comparabilityKey(c), f).not.toBe(comparabilityKey(a));
      expect(keyDifferences(a, c)[0]).toMatch(new RegExp(`^${f} `));
    }
  });

  it('never pools a scratch 64 px run with a MobileNetV2 96 px run', () => {
    const scratch = run({ backbone: 'scratch', imgSize: 64 });
    const pretrained = run({ backbone: 'mobilenetv2', imgSize: 96 });
    const groups = groupComparable([scratch, pretrained]);
    expect(groups).toHaveLength(2);
    expect(groups.every((g) => g.arms.length === 1 && g.arms[0]!.runs.length === 1)).toBe(true);
    expect(keyDifferences(scratch, pretrained)).toEqual([
      'imgSize 64 vs 96',
      'backbone scratch vs mobilenetv2',
    ]);
  });

  it('keeps runs of another trainer version apart; an old run without a backbone is scratch', () => {
    expect(comparabilityKey(run({}, '1'))).not.toBe(comparabilityKey(run({}, '2')));
    const old = { config: { ...DEFAULT_RUN_CONFIG, backbone: undefined }, trainerVersion: '1' };
    expect(comparabilityKey(old)).toBe(comparabilityKey(run({ backbone: 'scratch' })));
  });

  it('groups arms by numeric mode and strength, not by label', () => {
    const runs = [
      run({ reg: 'l2', lambda: 1e-4, arm: 'l2=1e-4', seed: 0 }),
      run({ reg: 'l2', lambda: 0.0001, arm: 'l2=0.0001', seed: 1 }),
      run({ reg: 'wd', lambda: 1e-4, arm: 'l2=1e-4', seed: 0 }),
    ];
    const [g] = groupComparable(runs);
    expect(g!.arms.map((a) => [a.reg, a.lambda, a.runs.length])).toEqual([
      ['l2', 1e-4, 2],
      ['wd', 1e-4, 1],
    ]);
    expect(armKey({ reg: 'none', lambda: 0 })).toBe('none:0');
  });
});
