import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/shared/errors';
import {
  assertTrainable,
  dataNotes,
  dataProblems,
  MIN_TRAIN_IMAGES_WITH_BOXES,
  planData,
} from '../../../src/main/services/runs/data-checks';
import type { Manifest, ManifestImage } from '../../../src/main/trainer/protocol';
import type { Split } from '../../../src/shared/domain/types';

// The one rule on what data a run may start with, over hand-made manifests: counts, refusals and notes.

let nextId = 1;
function image(split: Split, classes: number[]): ManifestImage {
  return {
    id: nextId++,
    file: `/x/${nextId}.jpg`,
    width: 100,
    height: 100,
    split,
    boxes: classes.map((classIndex) => ({ classIndex, x: 1, y: 1, w: 10, h: 10, difficult: false })),
  };
}

function manifest(spec: Partial<Record<Split, number[][]>>, classes = ['a', 'b'], leftOut = 0): Manifest {
  const images = (['train', 'val', 'test'] as const).flatMap((s) => (spec[s] ?? []).map((c) => image(s, c)));
  return { classes, images, leftOut };
}

const ok = { train: [[0], [0, 1], [1], [0]], val: [[0]], test: [[1]] };

describe('data checks before a run', () => {
  it('counts images with boxes, negatives and boxes per split, and train boxes per class', () => {
    const plan = planData(manifest({ ...ok, train: [...ok.train, []], val: [[0], []] }, ['a', 'b', 'c'], 3));
    expect(plan.splits.train).toEqual({ images: 5, withBoxes: 4, negatives: 1, boxes: 5 });
    expect(plan.splits.val).toEqual({ images: 2, withBoxes: 1, negatives: 1, boxes: 1 });
    expect(plan.trainBoxesPerClass).toEqual([
      { name: 'a', boxes: 3 },
      { name: 'b', boxes: 2 },
      { name: 'c', boxes: 0 },
    ]);
    expect(plan.leftOut).toBe(3);
  });

  it('accepts 4 training images with boxes and val and test with boxes', () => {
    expect(MIN_TRAIN_IMAGES_WITH_BOXES).toBe(4);
    expect(dataProblems(planData(manifest(ok)))).toEqual([]);
    expect(assertTrainable(manifest(ok))).toEqual([]);
  });

  it('refuses fewer than 4 training images with boxes, naming the counts; negatives do not count', () => {
    const m = manifest({ ...ok, train: [[0], [1], [0, 1, 1], [], []] });
    expect(dataProblems(planData(m))).toEqual([
      'not enough labeled data to train: 3 training images with boxes (5 boxes; 5 images in the train split) where ' +
        'at least 4 are needed: label boxes on more train images or import more labeled images',
    ]);
  });

  it('refuses an empty val or test split, or one with only negatives, saying what to do', () => {
    const problems = dataProblems(planData(manifest({ train: ok.train, val: [[]] })));
    expect(problems).toEqual([
      'the val split has no images with boxes (1 image): the best checkpoint is chosen on val, so label some of ' +
        'its images or import labeled images into it (ridge import ... --split val)',
      "the test split has no images with boxes (0 images): a run's final figures are measured on test, so label " +
        'some of its images or import labeled images into it (ridge import ... --split test)',
    ]);
  });

  it('refuses a project without classes', () => {
    expect(dataProblems(planData(manifest({}, []))).join('\n')).toMatch(/^the project has no classes/);
  });

  it('assertTrainable throws one user error with every problem', () => {
    const m = manifest({ train: [[0]] });
    expect(() => assertTrainable(m)).toThrow(UserError);
    expect(() => assertTrainable(m)).toThrow(
      /^cannot train: not enough labeled data to train: 1 training image with boxes .*; the val split has no images with boxes .*; the test split has no images with boxes/,
    );
  });

  it('notes classes without training boxes (kept), negatives (background) and left-out images', () => {
    const classes = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const notes = dataNotes(planData(manifest({ ...ok, train: [...ok.train, [], []] }, classes, 5)));
    expect(notes).toEqual([
      '10 classes of 12 have no boxes in the train split (c2, c3, c4, c5, c6, c7, c8, c9, ... (2 more)): kept in ' +
        'the model and its figures, but it cannot learn them',
      '2 training images marked empty train as background',
      '5 images with no boxes and not marked empty are left out (mark an image empty to train on it as background)',
    ]);
    expect(dataNotes(planData(manifest(ok)))).toEqual([]);
    expect(assertTrainable(manifest(ok, ['a', 'b', 'z'], 1))).toEqual([
      '1 class of 3 has no boxes in the train split (z): kept in the model and its figures, but it cannot learn them',
      '1 image with no boxes and not marked empty is left out (mark an image empty to train on it as background)',
    ]);
  });
});
