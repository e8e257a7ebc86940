import { describe, expect, it } from 'vitest';
import {
  band,
  byDisagreement,
  differingKeys,
  disagreement,
  smooth,
  sortRows,
} from '../../../src/renderer/src/features/experiments/view-model';
import {
  compareArms,
  optimizersOf,
  runCount,
  settingHelp,
  trainRequest,
  DEFAULT_COMPARE,
  DEFAULT_SETTINGS,
  PRESETS,
} from '../../../src/renderer/src/features/training/presets';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';

/** The run settings of a single-run request. */
function configsOf(r: ReturnType<typeof trainRequest>) {
  if (r.method !== 'runs.start') throw new Error(`expected runs.start, got ${r.method}`);
  return r.args.configs;
}

describe('experiment view-model', () => {
  it('smoothing 0 is the raw series; debiased EMA keeps the first value and skips nulls', () => {
    expect(smooth([1, 2, null, 4], 0)).toEqual([1, 2, null, 4]);
    const s = smooth([2, 4], 0.5);
    expect(s[0]).toBeCloseTo(2);
    expect(s[1]).toBeCloseTo((0.5 * 0.5 * 2 + 0.5 * 4) / (1 - 0.25));
  });

  it('bands are mean +- sample sd per epoch over the seeds that reached it', () => {
    const b = band([
      [1, 2, 3],
      [3, 4, null],
    ]);
    expect(b.mean).toEqual([2, 3, 3]);
    expect(b.hi[0]).toBeCloseTo(2 + Math.SQRT2);
    expect(b.lo[1]).toBeCloseTo(3 - Math.SQRT2);
    expect(b.hi[2]).toBe(3);
  });

  it('keeps only the settings that differ', () => {
    expect(
      differingKeys([
        { reg: 'none', seed: 0, epochs: 2 },
        { reg: 'l2', seed: 0, epochs: 2 },
        { reg: 'l2', seed: 1, epochs: 2 },
      ]),
    ).toEqual(['reg', 'seed']);
  });

  it('sorts with nulls last in both directions', () => {
    const rows = [{ v: 2 }, { v: null }, { v: 1 }, { v: 3 }];
    expect(sortRows(rows, 'v', 1).map((r) => r.v)).toEqual([1, 2, 3, null]);
    expect(sortRows(rows, 'v', -1).map((r) => r.v)).toEqual([3, 2, 1, null]);
  });

  it('orders images so those two runs disagree on most come first, at the chosen score', () => {
    const box = (x: number, score: number, classIndex = 0) => ({ classIndex, x, y: 0, w: 10, h: 10, score });
    expect(disagreement([box(0, 0.9)], [box(1, 0.8)], 0.5)).toBe(0);
    expect(disagreement([box(0, 0.9)], [box(0, 0.8, 1)], 0.5)).toBe(2);
    expect(disagreement([box(0, 0.9)], [box(50, 0.3)], 0.5)).toBe(1);
    const a = new Map([
      [1, [box(0, 0.9)]],
      [2, [box(0, 0.9), box(30, 0.9)]],
      [3, [box(0, 0.9)]],
    ]);
    const b = new Map([
      [1, [box(0, 0.9)]],
      [2, []],
      [3, [box(60, 0.9)]],
    ]);
    const order = byDisagreement([{ id: 1 }, { id: 2 }, { id: 3 }], a, b, 0.5);
    expect(order.map((o) => [o.image.id, o.score])).toEqual([
      [2, 2],
      [3, 2],
      [1, 0],
    ]);
  });
});

describe('training presets', () => {
  it('compare regularization is none vs L2 over 3 seeds by default, with optional modes and an L2 sweep', () => {
    // The comparison goes to the services as arms and seeds (they plan arms x seeds, as for `ridge compare`).
    const req = trainRequest('compare', DEFAULT_SETTINGS, DEFAULT_COMPARE);
    expect(req.method).toBe('runs.startCompare');
    expect(req.method === 'runs.startCompare' && req.args).toMatchObject({
      arms: [
        { reg: 'none', lambda: 0 },
        { reg: 'l2', lambda: 5e-4 },
      ],
      seeds: 3,
    });
    expect(runCount(req)).toBe(6);
    expect(
      compareArms({ ...DEFAULT_COMPARE, wd: true, l1: true, dropout: true, sweep: true }).map((a) => a.reg),
    ).toEqual(['none', 'l2', 'l2', 'l2', 'wd', 'l1', 'dropout']);
  });

  it('a single run takes the Advanced settings and zeroes lambda for none', () => {
    const [r] = configsOf(
      trainRequest('quick', { ...DEFAULT_SETTINGS, epochs: 3, lambda: 0.5 }, DEFAULT_COMPARE),
    );
    expect(r).toMatchObject({ epochs: 3, reg: 'none', lambda: 0 });
  });

  it('a plain Train click is the shared DEFAULT_RUN_CONFIG, and each blurb states its own values', () => {
    const [r] = configsOf(
      trainRequest('standard', { ...DEFAULT_SETTINGS, ...PRESETS.standard.base }, DEFAULT_COMPARE),
    );
    // The panel leaves robustness to the services' default (off for a run, on for a comparison: plan.ts).
    const { arm: _arm, optimizer: _optimizer, robustness: _robustness, ...settings } = DEFAULT_RUN_CONFIG;
    expect(r).toEqual(settings);
    const { epochs, imgSize } = DEFAULT_RUN_CONFIG;
    expect(PRESETS.standard.blurb).toContain(`${epochs} epochs at ${imgSize} px`);
    expect(PRESETS.quick.blurb).toContain('10 epochs at 160 px');
    expect(PRESETS.compare.blurb).toContain('20 epochs at 224 px');
    expect(PRESETS.pretrained.blurb).toContain('20 epochs at 384 px');
    const [p] = configsOf(
      trainRequest('pretrained', { ...DEFAULT_SETTINGS, ...PRESETS.pretrained.base }, DEFAULT_COMPARE),
    );
    expect(p).toMatchObject({ backbone: 'nanodet', imgSize: 384, epochs: 20, reg: 'none' });
  });

  it('says what a setting is for the chosen mode: lambda is the dropout rate with dropout; wd steps with AdamW', () => {
    expect(settingHelp('lambda', 'dropout').label).toBe('Dropout rate');
    expect(settingHelp('lambda', 'l2').label).toBe('Strength λ');
    expect(optimizersOf(trainRequest('quick', { ...DEFAULT_SETTINGS, reg: 'l2' }, DEFAULT_COMPARE))).toBe(
      'Adam',
    );
    const withWd = trainRequest('compare', DEFAULT_SETTINGS, { ...DEFAULT_COMPARE, wd: true });
    expect(optimizersOf(withWd)).toBe('Adam, AdamW (decoupled weight decay)');
  });
});
