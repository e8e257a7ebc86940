// evaluateCoco against the real pycocotools (scripts/setup-reference.sh makes .venv-ref) on seeded random
// data built to hit its corners: crowd boxes, all three area ranges, area fields unlike w*h, score ties within
// and across images, more than 100 detections on an image, images without gt, classes without gt or without
// detections, detections of unknown classes, integer boxes whose IoU lands exactly on a threshold, gt id 0.
// Fails, never skips, when the reference cannot run.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/random';
import {
  cocoStatsArray,
  evaluateCoco,
  type CocoDetection,
  type CocoGroundTruth,
  type CocoGtAnnotation,
} from '../../src/main/trainer/metrics';
import { pycocotoolsEval, requireReference, type PyCocoReference } from '../helpers/pyref';
import { makeTmpDir } from '../helpers/tmp';

interface Spec {
  seed: number;
  images: number;
  classes: number;
  /** Classes listed in the categories that never get a gt box. */
  emptyClasses: number;
  maxGt: number;
  crowdRate: number;
  /** Fraction of images left without gt. */
  emptyImageRate: number;
  /** Images that get 90..160 extra detections. */
  crowdedImages: number;
  /** Scores rounded to this many steps (few steps: many ties), 0 for continuous scores. */
  scoreSteps: number;
  integerBoxes: boolean;
  firstAnnId: number;
}

function shuffle<T>(rand: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

function makeCase(s: Spec): { gt: CocoGroundTruth; dets: CocoDetection[] } {
  const rand = mulberry32(s.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const coord = (v: number): number => (s.integerBoxes ? Math.round(v) : Math.round(v * 100) / 100);
  // Boxes may spill over the image border, as real detections do.
  const box = (cx: number, cy: number, w: number, h: number): number[] => [
    coord(cx - w / 2),
    coord(cy - h / 2),
    Math.max(1, coord(w)),
    Math.max(1, coord(h)),
  ];
  const score = (): number => (s.scoreSteps ? Math.round(rand() * s.scoreSteps) / s.scoreSteps : rand());
  const imageIds = shuffle(
    rand,
    Array.from({ length: s.images }, (_, i) => 1 + i * 3 + int(0, 2)),
  );
  const classIds = Array.from({ length: s.classes }, (_, i) => i + 1);
  const emptyIds = Array.from({ length: s.emptyClasses }, (_, i) => 50 + i);
  const categories = shuffle(rand, [...classIds, ...emptyIds]).map((id) => ({ id, name: `c${id}` }));
  const annotations: CocoGtAnnotation[] = [];
  const dets: CocoDetection[] = [];
  let annId = s.firstAnnId;
  imageIds.forEach((imageId, imageIndex) => {
    const nGt = rand() < s.emptyImageRate ? 0 : int(1, s.maxGt);
    for (let i = 0; i < nGt; i++) {
      // Side lengths log-uniform over 4..400 px cover small, medium and large.
      const side = 4 * 100 ** rand();
      const aspect = 0.5 + rand() * 1.5;
      const w = side * Math.sqrt(aspect);
      const h = side / Math.sqrt(aspect);
      const bbox = box(rand() * 640, rand() * 480, w, h);
      const crowd = rand() < s.crowdRate;
      const a: CocoGtAnnotation = {
        id: annId++,
        image_id: imageId,
        category_id: classIds[int(0, s.classes - 1)]!,
        bbox: crowd ? bbox.map((v, j) => (j >= 2 ? v * 2 : v)) : bbox,
      };
      if (crowd || rand() < 0.8) a.iscrowd = crowd ? 1 : 0;
      const r = rand();
      if (r < 0.3) a.area = a.bbox[2]! * a.bbox[3]! * (0.4 + rand() * 0.6);
      else if (r < 0.8) a.area = a.bbox[2]! * a.bbox[3]!;
      annotations.push(a);
      // Detections near the gt: jittered copies, sometimes duplicates, sometimes of the wrong class.
      const copies = rand() < 0.75 ? int(1, 3) : 0;
      for (let c = 0; c < copies; c++) {
        const [x, y, bw, bh] = a.bbox as number[];
        const j = c === 0 ? 0.1 : 0.35;
        const nb = box(
          x! + bw! / 2 + (rand() - 0.5) * j * bw!,
          y! + bh! / 2 + (rand() - 0.5) * j * bh!,
          bw! * (1 + (rand() - 0.5) * j),
          bh! * (1 + (rand() - 0.5) * j),
        );
        const wrong = rand() < 0.1;
        dets.push({
          image_id: imageId,
          category_id: wrong
            ? [...classIds, ...emptyIds][int(0, s.classes + s.emptyClasses - 1)]!
            : a.category_id,
          bbox: nb,
          score: score(),
        });
      }
    }
    const extra = (imageIndex < s.crowdedImages ? int(90, 160) : 0) + int(0, 4);
    for (let i = 0; i < extra; i++) {
      const side = 4 * 100 ** rand();
      const pool = [...classIds, ...emptyIds.slice(0, 1)];
      const id = rand() < 0.03 ? 999 : pool[int(0, pool.length - 1)]!;
      dets.push({
        image_id: imageId,
        category_id: id,
        bbox: box(rand() * 640, rand() * 480, side, side * 0.8),
        score: score(),
      });
    }
  });
  // pycocotools keeps match ids in zero-filled arrays, so a hit on gt id 0 reads as a miss: make sure one happens.
  const zero = annotations.find((a) => a.id === 0 && !a.iscrowd);
  if (zero)
    dets.push({ image_id: zero.image_id, category_id: zero.category_id, bbox: [...zero.bbox], score: 1 });
  return {
    gt: {
      images: imageIds.map((id) => ({ id, width: 640, height: 480 })),
      categories,
      annotations: shuffle(rand, annotations),
    },
    dets: shuffle(rand, dets),
  };
}

/** pycocotools needs `area` and `iscrowd` on every gt box: fill them as our defaults do. */
function forPycocotools(gt: CocoGroundTruth): CocoGroundTruth {
  return {
    ...gt,
    annotations: gt.annotations.map((a) => ({
      ...a,
      area: a.area ?? a.bbox[2]! * a.bbox[3]!,
      iscrowd: a.iscrowd ? 1 : 0,
    })),
  };
}

const base: Omit<Spec, 'seed'> = {
  images: 40,
  classes: 4,
  emptyClasses: 1,
  maxGt: 8,
  crowdRate: 0.08,
  emptyImageRate: 0.15,
  crowdedImages: 1,
  scoreSteps: 0,
  integerBoxes: false,
  firstAnnId: 1,
};

const SPECS: Spec[] = [
  { ...base, seed: 1 },
  { ...base, seed: 2, images: 1, classes: 1, emptyClasses: 0, maxGt: 5, crowdedImages: 1 },
  { ...base, seed: 3, images: 120, classes: 10, emptyClasses: 2, scoreSteps: 10 },
  { ...base, seed: 4, images: 60, classes: 3, integerBoxes: true, scoreSteps: 4, crowdRate: 0.2 },
  { ...base, seed: 5, images: 25, classes: 6, crowdedImages: 5, maxGt: 20, scoreSteps: 20 },
  { ...base, seed: 6, images: 80, classes: 2, emptyImageRate: 0.6, integerBoxes: true },
  { ...base, seed: 7, images: 30, classes: 5, firstAnnId: 0, integerBoxes: true, scoreSteps: 3 },
  { ...base, seed: 8, images: 200, classes: 20, emptyClasses: 3, maxGt: 4, crowdedImages: 3 },
  { ...base, seed: 9, images: 15, classes: 2, crowdRate: 0.4, maxGt: 12, scoreSteps: 2 },
  { ...base, seed: 10, images: 50, classes: 8, integerBoxes: true, crowdedImages: 10, scoreSteps: 100 },
];

describe('evaluateCoco equals pycocotools on seeded random data', () => {
  const tmp = makeTmpDir('ridge-metrics-');
  const cases = SPECS.map(makeCase);
  const ours = cases.map((c) => evaluateCoco(c.gt, c.dets));
  let reference: PyCocoReference[] | undefined;

  /** Run pycocotools once, inside the first test that needs it, so a missing reference fails every test. */
  function pycocotools(): PyCocoReference[] {
    if (reference) return reference;
    requireReference();
    const pairs = cases.map((c, i) => {
      const gtFile = path.join(tmp.dir, `gt-${i}.json`);
      const dtFile = path.join(tmp.dir, `dt-${i}.json`);
      writeFileSync(gtFile, JSON.stringify(forPycocotools(c.gt)));
      writeFileSync(dtFile, JSON.stringify(c.dets));
      return { gt: gtFile, dt: dtFile };
    });
    reference = pycocotoolsEval(pairs);
    return reference;
  }
  afterAll(() => tmp.cleanup());

  it('covers the corners it is meant to', () => {
    const all = cases.flatMap((c) => c.gt.annotations);
    expect(all.some((a) => a.iscrowd)).toBe(true);
    expect(all.some((a) => a.id === 0 && !a.iscrowd)).toBe(true);
    expect(all.some((a) => a.area === undefined)).toBe(true);
    const perImage = new Map<string, number>();
    cases.forEach((c, i) =>
      c.dets.forEach((d) =>
        perImage.set(`${i}/${d.image_id}`, (perImage.get(`${i}/${d.image_id}`) ?? 0) + 1),
      ),
    );
    expect(Math.max(...perImage.values())).toBeGreaterThan(100);
    expect(ours.some((r) => r.perClass.some((c) => c.AP === -1))).toBe(true);
    expect(ours.some((r) => r.stats.APsmall > 0 && r.stats.APmedium > 0 && r.stats.APlarge > 0)).toBe(true);
  });

  SPECS.forEach((spec, i) => {
    it(`seed ${spec.seed}: the 12 statistics and the per-class AP, AP50, AR100, PR curve and scores match`, () => {
      const ref = pycocotools()[i]!;
      const res = ours[i]!;
      const stats = cocoStatsArray(res.stats);
      stats.forEach((v, j) => {
        expect(Math.abs(v - ref.stats[j]!), `stat ${j}: ${v} vs ${ref.stats[j]}`).toBeLessThan(1e-4);
        // Same algorithm, same float operations: only the order of the final mean differs.
        expect(Math.abs(v - ref.stats[j]!), `stat ${j}: ${v} vs ${ref.stats[j]}`).toBeLessThan(1e-9);
      });
      expect(res.perClass.map((c) => c.categoryId)).toEqual(ref.catIds);
      res.perClass.forEach((c, k) => {
        expect(Math.abs(c.AP - ref.ap[k]!), `class ${c.categoryId} AP`).toBeLessThan(1e-9);
        expect(Math.abs(c.AP50 - ref.ap50[k]!), `class ${c.categoryId} AP50`).toBeLessThan(1e-9);
        expect(Math.abs(c.AR100 - ref.ar100[k]!), `class ${c.categoryId} AR100`).toBeLessThan(1e-9);
        expect(c.curves[0]!.precision, `class ${c.categoryId} PR@0.5`).toEqual(ref.precision50[k]);
        expect(c.curves[0]!.scores, `class ${c.categoryId} scores@0.5`).toEqual(ref.scores50[k]);
      });
    });
  });
});
