import path from 'node:path';
import { predictImages } from '../../src/main/trainer/engine';
import { cocoGroundTruth } from '../../src/main/trainer/ground-truth';
import { evaluateCoco, type CocoEvalResult } from '../../src/main/trainer/metrics';
import type { Manifest } from '../../src/main/trainer/protocol';

/**
 * COCO evaluation (per-class AP included) of a run's exported model on some of its manifest's images, decoded
 * as the trainer's own test evaluation decodes them (score floor 0.01; `flipTta: false` as its per-epoch val
 * figures do), for tests and benchmarks.
 */
export async function evaluateRunModel(
  runDir: string,
  classes: Manifest['classes'],
  images: Manifest['images'],
  opts: { flipTta?: boolean } = {},
): Promise<CocoEvalResult> {
  const preds = await predictImages(
    path.join(runDir, 'model'),
    images.map((i) => ({ id: i.id, file: i.file })),
    { scoreThreshold: 0.01, backend: 'tfjs-node', ...opts },
  );
  return evaluateCoco(
    cocoGroundTruth(classes, images),
    preds.map((d) => ({
      image_id: d.imageId,
      category_id: d.classIndex + 1,
      bbox: [d.x, d.y, d.w, d.h],
      score: d.score,
    })),
  );
}
