import { describe, expect, it } from 'vitest';
import { figure } from '../../../src/shared/stats/study-stats';
import { type SweepArm, sweepsOf } from '../../../src/shared/stats/sweep';

function arm(reg: SweepArm['reg'], lambda: number, map: number[]): SweepArm {
  const f = figure(map);
  return { arm: `${reg}=${lambda}`, reg, lambda, testMAP50_95: f, mPC: f, gap: figure([]), weightNorm: f };
}

describe('lambda sweeps', () => {
  it('one sweep per mode with two or more strengths, ascending; a lone strength is no sweep', () => {
    const s = sweepsOf([
      arm('none', 0, [0.3, 0.31]),
      arm('l2', 1e-3, [0.3, 0.32]),
      arm('l2', 1e-5, [0.3, 0.3]),
      arm('wd', 1e-2, [0.3, 0.3]),
    ]);
    expect(s.map((x) => [x.mode, x.lambdas])).toEqual([['l2', [1e-5, 1e-3]]]);
    expect(s[0]!.figures.gap.map((g) => g.n)).toEqual([0, 0]);
  });

  // 1e-4: mean 0.4033, sd 0.00577, t(0.975, 2) = 4.303: half width 4.303 * 0.00577 / sqrt(3) = 0.0143.
  it('names the best strength with its interval, and says when intervals overlap', () => {
    const apart = sweepsOf([arm('l2', 1e-5, [0.2, 0.21, 0.2]), arm('l2', 1e-4, [0.4, 0.41, 0.4])])[0]!;
    expect(apart.best).toBe(1);
    expect(apart.bestSentence).toMatch(
      /^Best L2 strength by mean test mAP50-95: 1e-4 \(40\.3%, 95% interval 38\.9 to 41\.8, 3 seeds\)$/,
    );
    const close = sweepsOf([arm('wd', 0.01, [0.3, 0.4]), arm('wd', 0.1, [0.35, 0.45])])[0]!;
    expect(close.bestSentence).toMatch(/^Best weight decay strength by mean test mAP50-95: 0\.1 \(40\.0%/);
    expect(close.bestSentence).toMatch(/its interval overlaps 0\.01, so the sweep does not single it out$/);
    const one = sweepsOf([arm('l2', 1e-5, [0.2]), arm('l2', 1e-4, [0.3])])[0]!;
    expect(one.bestSentence).toContain('1e-4 (30.0%, 1 seed: no interval)');
    const none = sweepsOf([arm('l2', 1e-5, []), arm('l2', 1e-4, [])])[0]!;
    expect([none.best, none.bestSentence]).toEqual([
      null,
      'Best L2 strength by mean test mAP50-95: not known yet (no finished runs)',
    ]);
  });

  it('reads figures that crossed JSON (unknown values as null)', () => {
    const wire = JSON.parse(
      JSON.stringify([arm('l2', 1e-5, [0.2]), arm('l2', 1e-4, [0.1, 0.12])]),
    ) as SweepArm[];
    const s = sweepsOf(wire)[0]!;
    expect(s.best).toBe(0);
    expect(s.bestSentence).toContain('1e-5 (20.0%, 1 seed: no interval); its interval overlaps 1e-4');
  });
});
