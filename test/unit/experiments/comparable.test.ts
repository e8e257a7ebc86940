import { describe, expect, it } from 'vitest';
import { armsOf } from '../../../src/renderer/src/features/experiments/arms';
import {
  armKey,
  comparableKey,
  splitComparable,
} from '../../../src/renderer/src/features/experiments/comparable';
import { armLabel, shortRunNames } from '../../../src/renderer/src/features/experiments/run-names';
import { formatPct } from '../../../src/renderer/src/features/experiments/view-model';
import type { RunRowView } from '../../../src/shared/api/runs-contract';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';

const base = { ...DEFAULT_RUN_CONFIG, optimizer: 'adam' };
const run = (id: string, over: Record<string, unknown> = {}, manifestHash = 'm1') => ({
  id,
  config: { ...base, ...over },
  manifestHash,
});

describe('comparable runs (local key until the studies branch lands)', () => {
  it('ignores mode, strength, seed and the arm label, and nothing else', () => {
    const a = run('a');
    const b = run('b', { reg: 'l2', lambda: 1e-4, seed: 3, arm: 'my l2' });
    expect(comparableKey(a)).toBe(comparableKey(b));
    for (const k of Object.keys(base).filter((k) => !['reg', 'lambda', 'seed', 'arm'].includes(k)))
      expect(comparableKey(run('c', { [k]: `changed-${k}` })), k).not.toBe(comparableKey(a));
  });

  it('counts a setting the schema does not know yet (keys come from the config object)', () => {
    expect(comparableKey(run('c', { futureSetting: 1 }))).not.toBe(comparableKey(run('a')));
  });

  it('keeps runs on other data, or of another trainer version, apart', () => {
    expect(comparableKey(run('a', {}, 'm2'))).not.toBe(comparableKey(run('a')));
    expect(comparableKey({ ...run('a'), trainerVersion: '2' })).not.toBe(
      comparableKey({ ...run('a'), trainerVersion: '1' }),
    );
  });

  it('pools the largest group and names what differs for the rest', () => {
    const s = splitComparable([
      run('a'),
      run('b', { reg: 'l2', lambda: 1e-4 }),
      run('c', { imgSize: 96 }),
      run('d', {}, 'm2'),
    ]);
    expect(s.compared).toEqual(['a', 'b']);
    expect(s.apart).toEqual([
      { id: 'c', differs: [{ setting: 'imgSize', value: '96', compared: String(base.imgSize) }] },
      { id: 'd', differs: [{ setting: 'data', value: 'another manifest', compared: 'the compared runs’' }] },
    ]);
  });
});

const row = (
  id: string,
  reg: RunRowView['reg'],
  lambda: number,
  seed: number,
  over: Partial<RunRowView> = {},
) =>
  ({
    id,
    reg,
    lambda,
    seed,
    arm: `${reg}=${lambda}`,
    testMAP50: 0.5,
    testMAP50_95: 0.25,
    gap: 0.1,
    weightNorm: 3,
    durationS: 4,
    ...over,
  }) as RunRowView;

describe('arms and names', () => {
  it('groups arms by the numeric mode and strength, not the label', () => {
    const arms = armsOf([
      row('a', 'l2', 1e-4, 0, { arm: 'l2=1e-4' }),
      row('b', 'l2', 0.0001, 1, { arm: 'l2=0.0001', testMAP50: 0.7 }),
      row('c', 'l2', 1e-3, 0),
    ]);
    expect(arms.map((a) => [a.label, a.rows.length])).toEqual([
      ['l2 1e-4', 2],
      ['l2 1e-3', 1],
    ]);
    expect(arms[0]!.figures.testMAP50.mean).toBeCloseTo(0.6);
    expect(arms[0]!.figures.testMAP50.sd).toBeCloseTo(Math.SQRT2 * 0.1);
    // The 95% t-interval a study gives (t(0.975, 1) = 12.706, sd/sqrt(2) = 0.1); none for one run.
    const [lo, hi] = arms[0]!.figures.testMAP50.ci;
    expect(lo).toBeCloseTo(0.6 - 12.706 * 0.1, 3);
    expect(hi).toBeCloseTo(0.6 + 12.706 * 0.1, 3);
    expect(arms[1]!.figures.testMAP50.ci.every(Number.isNaN)).toBe(true);
    expect(armKey({ reg: 'l2', lambda: 1e-4 })).toBe(armKey({ reg: 'l2', lambda: 0.0001 }));
  });

  it('names runs arm · seed · number in creation order, in one notation', () => {
    const names = shortRunNames([
      row('x', 'none', 0, 0),
      row('y', 'l2', 1e-4, 1),
      row('z', 'dropout', 0.2, 2),
    ]);
    expect([...names.values()]).toEqual(['none · s0 · #1', 'l2 1e-4 · s1 · #2', 'dropout 0.2 · s2 · #3']);
    expect(armLabel('wd', 0.05)).toBe('wd 5e-2');
  });

  it('shows mAP in percent', () => {
    expect(formatPct(0.1234)).toBe('12.3');
    expect(formatPct(null)).toBe('–');
  });
});
