// Quality of pre-labeling before any training: the COCO-pretrained NanoDet (ensureCocoModel, what
// `ridge prelabel --coco` runs) on the 100 real VOC photos of voc-subset100, VOC's 20 classes matched to COCO's
// by name (suggestCocoMapping), scored with the COCO evaluator against VOC's own ground truth. Prints mAP50,
// mAP50-95, per-class AP50, precision and recall at the pre-label card's default score (0.3), and seconds per
// image, with and without flip test-time augmentation. Run with `npm run bench -- prelabel`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { COCO_CLASSES, suggestCocoMapping } from '../../src/shared/domain/coco-classes';
import { greedyMatchCount } from '../../src/shared/geometry';
import { predictImages } from '../../src/main/trainer/engine';
import { evaluateCoco, type CocoDetection, type CocoGroundTruth } from '../../src/main/trainer/metrics';
import { ensureCocoModel } from '../../src/main/trainer/model/coco-model';
import type { PredictedBox } from '../../src/main/trainer/protocol';
import { requireFixture, VOC100 } from '../helpers/paths';

/** Score thresholds where precision and recall are read (0.3: the pre-label card's and the CLI's default). */
const SCORES = [0.3, 0.4, 0.5];

async function main(): Promise<void> {
  requireFixture(VOC100);
  const gt = JSON.parse(readFileSync(path.join(VOC100, 'gt_coco.json'), 'utf8')) as CocoGroundTruth;
  const mapping = suggestCocoMapping(gt.categories.map((c) => c.name));
  const catOf = new Map(gt.categories.map((c) => [c.name, c.id]));
  // COCO class index -> VOC category id (undefined: a COCO class VOC does not label, dropped as pre-label drops it).
  const category = COCO_CLASSES.map((c) => {
    const voc = mapping[c];
    return voc === undefined ? undefined : catOf.get(voc);
  });
  console.log(
    `mapped ${Object.keys(mapping).length} of VOC's ${gt.categories.length} classes to COCO classes`,
  );
  const t0 = performance.now();
  const modelDir = await ensureCocoModel();
  console.log(`COCO model ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${modelDir}`);
  const images = gt.images.map((i) => ({ id: i.id, file: path.join(VOC100, 'images', String(i.file_name)) }));
  // A warm-up pass, so neither timing below includes loading the backend and the model.
  await predictImages(modelDir, images.slice(0, 4), { backend: 'tfjs-node' });
  for (const flipTta of [false, true]) {
    const t = performance.now();
    const boxes = await predictImages(modelDir, images, {
      scoreThreshold: 0.01,
      backend: 'tfjs-node',
      flipTta,
    });
    const s = (performance.now() - t) / 1000;
    const dets: CocoDetection[] = [];
    const kept: (PredictedBox & { category: number })[] = [];
    for (const b of boxes) {
      const c = category[b.classIndex];
      if (c === undefined) continue;
      dets.push({ image_id: b.imageId, category_id: c, bbox: [b.x, b.y, b.w, b.h], score: b.score });
      kept.push({ ...b, category: c });
    }
    const r = evaluateCoco(gt, dets);
    const pr = SCORES.map((score) => {
      const { precision, recall } = precisionRecall(
        gt,
        kept.filter((b) => b.score >= score),
      );
      return `score >= ${score}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`;
    });
    console.log(
      `flip TTA ${flipTta ? 'on ' : 'off'}: mAP50 ${r.stats.AP50.toFixed(3)}, mAP50-95 ${r.stats.AP.toFixed(3)}, ` +
        `${(s / images.length).toFixed(3)} s per image (${images.length} images); at IoU 0.5, ${pr.join('; ')}`,
    );
    console.log(
      '  AP50 per class (boxes): ' +
        r.perClass
          .filter((k) => k.numGt > 0)
          .map((k) => `${k.name} ${k.AP50.toFixed(2)} (${k.numGt})`)
          .join(', '),
    );
  }
}

/** Matched greedily by score at IoU 0.5 within a class: the share of kept boxes that are right, and of truths found. */
function precisionRecall(
  gt: CocoGroundTruth,
  boxes: (PredictedBox & { category: number })[],
): { precision: number; recall: number } {
  const truth = gt.annotations.map((a) => ({
    image: a.image_id,
    category: a.category_id,
    x: a.bbox[0]!,
    y: a.bbox[1]!,
    w: a.bbox[2]!,
    h: a.bbox[3]!,
  }));
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const tp = greedyMatchCount(sorted, truth, (b, t) => t.image === b.imageId && t.category === b.category);
  return { precision: boxes.length ? tp / boxes.length : 0, recall: tp / truth.length };
}

void main();
