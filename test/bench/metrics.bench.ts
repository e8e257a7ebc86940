// Benchmark of the detection metrics at training-run scale: 5,000 images x 100 detections over 20 classes.
// Run with `npx tsx test/bench/metrics.bench.ts`; prints timings, asserts nothing (budget: COCO under 1 s).

import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../../src/shared/random';
import {
  evaluateCoco,
  evaluateVoc,
  type CocoDetection,
  type CocoGroundTruth,
  type CocoGtAnnotation,
} from '../../src/main/trainer/metrics';

const IMAGES = 5000;
const DETS_PER_IMAGE = 100;
const CLASSES = 20;

/** A detector-like workload: ~7 gt per image, most found with jitter, the rest of the 100 slots noise. */
function makeWorkload(seed: number): { gt: CocoGroundTruth; dets: CocoDetection[] } {
  const rand = mulberry32(seed);
  const annotations: CocoGtAnnotation[] = [];
  const dets: CocoDetection[] = [];
  for (let img = 1; img <= IMAGES; img++) {
    const nGt = 1 + Math.floor(rand() * 12);
    let used = 0;
    for (let i = 0; i < nGt; i++) {
      const w = 8 + rand() * 300;
      const h = 8 + rand() * 300;
      const bbox = [rand() * 600, rand() * 440, w, h];
      const category_id = 1 + Math.floor(rand() * CLASSES);
      annotations.push({
        id: annotations.length + 1,
        image_id: img,
        category_id,
        bbox,
        area: w * h,
        iscrowd: 0,
      });
      for (let c = 0; c < 3 && used < DETS_PER_IMAGE; c++, used++) {
        const j = () => 1 + (rand() - 0.5) * 0.3;
        dets.push({
          image_id: img,
          category_id,
          bbox: [bbox[0]! * j(), bbox[1]! * j(), w * j(), h * j()],
          score: rand(),
        });
      }
    }
    for (; used < DETS_PER_IMAGE; used++) {
      dets.push({
        image_id: img,
        category_id: 1 + Math.floor(rand() * CLASSES),
        bbox: [rand() * 600, rand() * 440, 4 + rand() * 200, 4 + rand() * 200],
        score: rand() * 0.6,
      });
    }
  }
  const images = Array.from({ length: IMAGES }, (_, i) => ({ id: i + 1, width: 640, height: 480 }));
  const categories = Array.from({ length: CLASSES }, (_, i) => ({ id: i + 1, name: `class${i + 1}` }));
  return { gt: { images, categories, annotations }, dets };
}

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  console.log(`${label.padEnd(34)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`);
  return out;
}

const { gt, dets } = makeWorkload(42);
console.log(
  `${IMAGES} images, ${gt.annotations.length} gt boxes, ${dets.length} detections, ${CLASSES} classes`,
);
const first = time('evaluateCoco (first call)', () => evaluateCoco(gt, dets));
for (let i = 1; i <= 3; i++) time(`evaluateCoco (run ${i + 1})`, () => evaluateCoco(gt, dets));
time('evaluateVoc all-point @0.5', () => evaluateVoc(gt, dets));
console.log(
  `AP ${first.stats.AP.toFixed(4)}  AP50 ${first.stats.AP50.toFixed(4)}  AR100 ${first.stats.AR100.toFixed(4)}`,
);
