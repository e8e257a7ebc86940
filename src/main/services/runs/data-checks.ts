// What a run's data must have before a run is created, in one place: `ridge train`, `ridge compare` and the app's
// Train button (runs.start, runs.preflight) refuse the same data with the same words, before anything starts.
// Pure functions over a frozen manifest.
import type { Split } from '../../../shared/domain/types';
import type { Manifest } from '../../trainer/protocol';
import { UserError } from '../../../shared/errors';

/** Fewest training images with boxes a run starts with (fewer cannot fill two batches worth learning from). */
export const MIN_TRAIN_IMAGES_WITH_BOXES = 4;

/** Images and boxes of one split. */
export interface SplitCounts {
  images: number;
  /** Images with at least one box. */
  withBoxes: number;
  /** Images marked empty: trained on (train split) and scored (val, test) as background. */
  negatives: number;
  boxes: number;
}

/** What a run would train and be judged on, counted. */
export interface DataPlan {
  splits: Record<Split, SplitCounts>;
  /** Images with no boxes that are not marked empty: left out of the manifest (freezeManifest). */
  leftOut: number;
  /** Boxes of each class in the train split, in class order. */
  trainBoxesPerClass: { name: string; boxes: number }[];
}

/** Counts a manifest: images, images with boxes, negatives and boxes per split, train boxes per class. */
export function planData(m: Manifest): DataPlan {
  const zero = (): SplitCounts => ({ images: 0, withBoxes: 0, negatives: 0, boxes: 0 });
  const splits: Record<Split, SplitCounts> = { train: zero(), val: zero(), test: zero() };
  const perClass = m.classes.map((name) => ({ name, boxes: 0 }));
  for (const img of m.images) {
    const s = splits[img.split];
    s.images++;
    s.boxes += img.boxes.length;
    if (img.boxes.length > 0) s.withBoxes++;
    else s.negatives++;
    if (img.split === 'train') for (const b of img.boxes) perClass[b.classIndex]!.boxes++;
  }
  return { splits, leftOut: m.leftOut ?? 0, trainBoxesPerClass: perClass };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Why this data cannot train, each with its counts and what to do; empty when a run may start. */
export function dataProblems(plan: DataPlan): string[] {
  const { train, val, test } = plan.splits;
  const out: string[] = [];
  if (plan.trainBoxesPerClass.length === 0)
    out.push('the project has no classes: add a class and label some boxes');
  if (train.withBoxes < MIN_TRAIN_IMAGES_WITH_BOXES)
    out.push(
      `not enough labeled data to train: ${plural(train.withBoxes, 'training image')} with boxes ` +
        `(${plural(train.boxes, 'box', 'boxes')}; ${plural(train.images, 'image')} in the train split) ` +
        `where at least ${MIN_TRAIN_IMAGES_WITH_BOXES} are needed: label boxes on more train images or import ` +
        'more labeled images',
    );
  if (val.withBoxes === 0)
    out.push(
      `the val split has no images with boxes (${plural(val.images, 'image')}): the best checkpoint is chosen ` +
        'on val, so label some of its images or import labeled images into it (ridge import ... --split val)',
    );
  if (test.withBoxes === 0)
    out.push(
      `the test split has no images with boxes (${plural(test.images, 'image')}): a run's final figures are ` +
        'measured on test, so label some of its images or import labeled images into it (ridge import ... --split test)',
    );
  return out;
}

/** What a person should know about data that does train: classes that cannot be learned, negatives, left-out images. */
export function dataNotes(plan: DataPlan): string[] {
  const out: string[] = [];
  const missing = plan.trainBoxesPerClass.filter((c) => c.boxes === 0).map((c) => c.name);
  if (missing.length > 0) {
    const shown =
      missing.slice(0, 8).join(', ') + (missing.length > 8 ? `, ... (${missing.length - 8} more)` : '');
    out.push(
      `${plural(missing.length, 'class', 'classes')} of ${plan.trainBoxesPerClass.length} ` +
        `${missing.length === 1 ? 'has' : 'have'} no boxes in the train split (${shown}): kept in the model and ` +
        'its figures, but it cannot learn them',
    );
  }
  const negatives = plan.splits.train.negatives;
  if (negatives > 0)
    out.push(
      `${plural(negatives, 'training image')} marked empty ${negatives === 1 ? 'trains' : 'train'} as background`,
    );
  if (plan.leftOut > 0)
    out.push(
      `${plural(plan.leftOut, 'image')} with no boxes and not marked empty ${plan.leftOut === 1 ? 'is' : 'are'} ` +
        'left out (mark an image empty to train on it as background)',
    );
  return out;
}

/**
 * Refuses data a run cannot train on (a UserError naming every problem, exit 1 in the CLI), else returns the
 * notes to show. The one check `ridge train`, `ridge compare` and runs.start make before creating runs.
 */
export function assertTrainable(m: Manifest): string[] {
  const plan = planData(m);
  const problems = dataProblems(plan);
  if (problems.length > 0) throw new UserError(`cannot train: ${problems.join('; ')}`);
  return dataNotes(plan);
}
