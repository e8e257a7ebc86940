import { describe, expect, it } from 'vitest';
import { boxCounts, classWeights } from '../../../src/main/trainer/model/class-balance';

describe('class-balanced loss weights', () => {
  it('weighs rare classes up and keeps the mean weight over boxes at 1', () => {
    const counts = [850, 80, 70];
    const w = classWeights(counts, 0.5);
    expect(w[1]).toBeGreaterThan(w[0]!);
    expect(w[2]).toBeGreaterThan(w[1]!);
    expect(counts.reduce((a, n, k) => a + n * w[k]!, 0)).toBeCloseTo(1000, 6);
    // Power 1: every class's boxes weigh the same in total.
    const full = classWeights(counts, 1);
    expect(counts[0]! * full[0]!).toBeCloseTo(counts[1]! * full[1]!, 6);
    expect(counts[2]! * full[2]!).toBeCloseTo(counts[1]! * full[1]!, 6);
  });

  it('is 1 for every class with power 0, for an empty split, and for a class without boxes', () => {
    expect(classWeights([850, 80, 70], 0)).toEqual([1, 1, 1]);
    expect(classWeights([0, 0], 0.5)).toEqual([1, 1]);
    const w = classWeights([100, 0, 100], 0.5);
    expect(w).toEqual([1, 1, 1]);
  });

  it('counts boxes per class', () => {
    const img = (...cs: number[]) => ({ boxes: cs.map((classIndex) => ({ classIndex })) });
    expect(boxCounts([img(0, 0, 2), img(2), img()], 3)).toEqual([2, 0, 2]);
  });
});
