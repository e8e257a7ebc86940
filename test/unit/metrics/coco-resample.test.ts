import { describe, expect, it } from 'vitest';
import { evaluateCoco } from '../../../src/main/trainer/metrics';
import type { CocoDetection, CocoGtAnnotation, CocoImage } from '../../../src/main/trainer/metrics';
import { prepareResample, resampledAP } from '../../../src/main/trainer/metrics/coco-resample';
import { mulberry32 } from '../../../src/shared/random';

/** A random detection problem: images with gt boxes and noisy detections of them plus false alarms. */
function problem(seed: number, images = 12) {
  const rnd = mulberry32(seed);
  const gt = {
    images: [] as CocoImage[],
    categories: [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ],
    annotations: [] as CocoGtAnnotation[],
  };
  const dets: CocoDetection[] = [];
  let ann = 1;
  for (let im = 1; im <= images; im++) {
    gt.images.push({ id: im, width: 200, height: 200 });
    const boxes = 1 + Math.floor(rnd() * 4);
    for (let b = 0; b < boxes; b++) {
      const cat = rnd() < 0.6 ? 1 : 2;
      const [x, y, w, h] = [rnd() * 150, rnd() * 150, 10 + rnd() * 40, 10 + rnd() * 40];
      gt.annotations.push({ id: ann++, image_id: im, category_id: cat, bbox: [x, y, w, h], iscrowd: 0 });
      if (rnd() < 0.8) {
        const j = () => (rnd() - 0.5) * 8;
        dets.push({
          image_id: im,
          category_id: cat,
          bbox: [x + j(), y + j(), w + j(), h + j()],
          score: rnd(),
        });
      }
    }
    for (let f = 0; f < 3; f++)
      dets.push({
        image_id: im,
        category_id: rnd() < 0.5 ? 1 : 2,
        bbox: [rnd() * 150, rnd() * 150, 20, 20],
        score: rnd() * 0.7,
      });
  }
  return { gt, dets };
}

describe('COCO AP under image weights', () => {
  it('equals evaluateCoco with every image once', () => {
    for (const seed of [1, 2, 3]) {
      const { gt, dets } = problem(seed);
      const table = prepareResample(gt, dets);
      const got = resampledAP(table, new Array(gt.images.length).fill(1));
      const want = evaluateCoco(gt, dets).stats;
      expect(got.AP).toBeCloseTo(want.AP, 12);
      expect(got.AP50).toBeCloseTo(want.AP50, 12);
    }
  });

  it('equals evaluateCoco on the resample written out, drawn images under new ids', () => {
    const { gt, dets } = problem(7);
    const table = prepareResample(gt, dets);
    const rnd = mulberry32(99);
    for (let rep = 0; rep < 5; rep++) {
      const n = gt.images.length;
      const weights = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) weights[Math.floor(rnd() * n)]!++;
      // Materialize: copy c of image im gets id im + 1000 * c.
      const big = {
        images: [] as CocoImage[],
        categories: gt.categories,
        annotations: [] as CocoGtAnnotation[],
      };
      const bigDets: CocoDetection[] = [];
      let ann = 1;
      table.imageIds.forEach((id, im) => {
        for (let c = 0; c < weights[im]!; c++) {
          const nid = id + 1000 * c;
          big.images.push({ id: nid, width: 200, height: 200 });
          for (const a of gt.annotations.filter((x) => x.image_id === id))
            big.annotations.push({ ...a, id: ann++, image_id: nid });
          for (const d of dets.filter((x) => x.image_id === id)) bigDets.push({ ...d, image_id: nid });
        }
      });
      const want = evaluateCoco(big, bigDets).stats;
      const got = resampledAP(table, weights);
      expect(got.AP).toBeCloseTo(want.AP, 12);
      expect(got.AP50).toBeCloseTo(want.AP50, 12);
    }
  });
});
