import { describe, expect, it } from 'vitest';
import { bootstrapWeights, figure, holm, pairedDifference } from '../../../src/shared/stats/study-stats';
import { tQuantile } from '../../../src/shared/stats/t-dist';
import { type ArmFigures, armLabel, judgeFamily } from '../../../src/shared/stats/verdicts';
import { mulberry32 } from '../../../src/shared/random';

function normal(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/**
 * A simulated study at the statistics level: per run a per-image score (a run's metric is the mean over the test
 * images it is scored on) = image difficulty + seed effect + run noise + per-run image noise + the arm's own
 * per-image effect (shared by its seeds: what only the image bootstrap sees) + the arm's true effect.
 */
function simulate(
  rnd: () => number,
  opts: { arms: number; seeds: number; images: number; effect: number[]; B: number },
) {
  const { arms, seeds, images, B } = opts;
  const difficulty = Array.from({ length: images }, () => 0.4 + 0.15 * normal(rnd));
  const armImage = Array.from({ length: arms }, () =>
    Array.from({ length: images }, () => 0.05 * normal(rnd)),
  );
  const weights = bootstrapWeights(images, B, rnd);
  const seedEffect = Array.from({ length: seeds }, () => 0.02 * normal(rnd));
  return Array.from({ length: arms }, (_, a): ArmFigures => {
    const perSeed = new Map<number, number>();
    const boot = new Map<number, Float64Array>();
    for (let s = 0; s < seeds; s++) {
      const runNoise = 0.01 * normal(rnd);
      const x = difficulty.map(
        (c, i) => c + seedEffect[s]! + runNoise + 0.05 * normal(rnd) + armImage[a]![i]! + opts.effect[a]!,
      );
      perSeed.set(s, x.reduce((p, v) => p + v, 0) / images);
      boot.set(
        s,
        Float64Array.from(weights, (w) => x.reduce((p, v, i) => p + v * w[i]!, 0) / images),
      );
    }
    return {
      arm: a === 0 ? 'none' : `l2=${a}e-4`,
      reg: a === 0 ? 'none' : 'l2',
      lambda: a === 0 ? 0 : a * 1e-4,
      perSeed,
      boot,
    };
  });
}

describe('per-arm figures', () => {
  it('gives mean, sd and the t-interval; one value has no spread', () => {
    const f = figure([1, 2, 3]);
    expect(f.mean).toBe(2);
    expect(f.sd).toBe(1);
    const half = 4.302652729749834 / Math.sqrt(3);
    expect(f.ci[0]).toBeCloseTo(2 - half, 9);
    expect(f.ci[1]).toBeCloseTo(2 + half, 9);
    expect(figure([5]).sd).toBeNaN();
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
  });
});

describe('paired difference', () => {
  it('is the paired t-interval without resamples', () => {
    const d = pairedDifference({ arm: [0.5, 0.6, 0.7], baseline: [0.4, 0.45, 0.55] })!;
    // differences 0.1, 0.15, 0.15: mean 0.1333, sd 0.02887
    expect(d.diff).toBeCloseTo(0.13333, 4);
    expect(d.ci[1] - d.diff).toBeCloseTo((4.3027 * 0.028868) / Math.sqrt(3), 3);
    expect(d.resamples).toBe(0);
  });

  it('widens with image variation and refuses a single seed', () => {
    const base = { arm: [0.5, 0.6, 0.7], baseline: [0.4, 0.45, 0.55] };
    const rnd = mulberry32(3);
    const noisy = (v: number) => Float64Array.from({ length: 500 }, () => v + 0.05 * normal(rnd));
    const withImages = pairedDifference({
      ...base,
      armBoot: base.arm.map(noisy),
      baselineBoot: base.baseline.map(noisy),
    })!;
    const without = pairedDifference(base)!;
    expect(withImages.ci[1] - withImages.ci[0]).toBeGreaterThan(without.ci[1] - without.ci[0]);
    expect(withImages.resamples).toBe(500);
    expect(pairedDifference({ arm: [0.5], baseline: [0.4] })).toBeNull();
  });

  it('adjusts p-values by Holm', () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
  });
});

describe('verdicts on simulated studies', () => {
  it('claims a difference between identical arms in at most ~5% of 200 studies', () => {
    const rnd = mulberry32(2024);
    let claimed = 0;
    for (let study = 0; study < 200; study++) {
      const [base, ...arms] = simulate(rnd, { arms: 3, seeds: 3, images: 72, effect: [0, 0, 0], B: 200 });
      if (judgeFamily('testMAP50_95', base!, arms, 72).some((v) => v.claim)) claimed++;
    }
    expect(claimed / 200).toBeLessThanOrEqual(0.06);
  });

  it('claims an arm better by construction, and only that one', () => {
    const rnd = mulberry32(7);
    let both = 0;
    for (let study = 0; study < 20; study++) {
      const [base, ...arms] = simulate(rnd, { arms: 3, seeds: 3, images: 72, effect: [0, 0.06, 0], B: 200 });
      const v = judgeFamily('testMAP50_95', base!, arms, 72);
      if (v[0]!.claim && v[0]!.diff > 0 && !v[1]!.claim) both++;
      if (study === 0)
        expect(v[0]!.sentence).toMatch(
          /^L2 1e-4 raised test mAP50-95 by \d+\.\d points \(95% interval -?\d+\.\d to \d+\.\d, 3 seeds, 72 test images\)/,
        );
    }
    expect(both).toBeGreaterThanOrEqual(18);
  });

  it('says too few seeds with one seed per arm', () => {
    const rnd = mulberry32(1);
    const [base, arm] = simulate(rnd, { arms: 2, seeds: 1, images: 20, effect: [0, 0.5], B: 50 });
    const [v] = judgeFamily('testMAP50_95', base!, [arm!], 20);
    expect(v!.claim).toBe(false);
    expect(v!.sentence).toContain('too few seeds to claim anything');
  });

  it('names arms as people read them', () => {
    expect(armLabel('l2', 1e-4)).toBe('L2 1e-4');
    expect(armLabel('wd', 0.01)).toBe('weight decay 0.01');
    expect(armLabel('none', 0)).toBe('no regularization');
  });
});
