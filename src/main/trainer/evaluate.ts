// Evaluation passes in eval mode (no dropout, no augmentation, batch-norm moving statistics): mean data
// loss over a set of images and, optionally, detections in source pixels scored with evaluateCoco.
import * as tf from '@tensorflow/tfjs';
import { cocoGroundTruth } from './ground-truth';
import { evaluateCoco, type CocoDetection, type CocoStats } from './metrics';
import type { ManifestImage } from './protocol';
import { chunk, type Batch, type BatchSource, type EvalTransform } from './data/pipeline';
import { untransformBox } from './data/image';
import { decodeImage, DEFAULT_DECODE, type DecodeSettings } from './model/decode';
import { flipAveragedOutputs } from './model/flip-tta';
import { detectionLoss, flattenOutputs, type GridTensors } from './model/loss';

/** Tensors of a batch's inputs and targets (caller disposes). */
export function batchTensors(b: Batch, imgSize: number, numClasses: number, gridSize: number) {
  return {
    x: tf.tensor4d(b.x, [b.size, imgSize, imgSize, 3]),
    targets: {
      cls: tf.tensor3d(b.cls, [b.size, gridSize, numClasses]),
      box: tf.tensor3d(b.box, [b.size, gridSize, 4]),
      pos: tf.tensor3d(b.pos, [b.size, gridSize, 1]),
      ...(b.weight ? { weight: tf.tensor3d(b.weight, [b.size, gridSize, 1]) } : {}),
    },
  };
}

/** Result of an eval pass. */
export interface EvalResult {
  /** Image-weighted mean of the per-batch data loss. */
  dataLoss: number;
  detections: CocoDetection[];
}

/**
 * Runs the model in eval mode over images; detections only when `detect` (category id = class index + 1); each
 * image changed by `transform` first when given.
 */
export async function evaluateImages(
  model: tf.LayersModel,
  source: BatchSource,
  images: readonly ManifestImage[],
  g: GridTensors,
  opts: { batchSize: number; detect: boolean; decode?: DecodeSettings; transform?: EvalTransform },
): Promise<EvalResult> {
  const C = source.numClasses;
  const S = source.imgSize;
  let lossSum = 0;
  let count = 0;
  const detections: CocoDetection[] = [];
  const decode = opts.decode ?? DEFAULT_DECODE;
  for (const group of chunk(images, opts.batchSize, false)) {
    const b = await source.makeBatch(group, null, opts.transform);
    const { x, targets } = batchTensors(b, S, C, source.grid.size);
    const [loss, flat] = tf.tidy(() => {
      const outs = model.predict(x) as tf.Tensor[];
      // The data loss is of the plain pass (the gap compares like with like); detections may be flip-averaged.
      const det = opts.detect && decode.flipTta ? flipAveragedOutputs(model, x, outs, C) : outs;
      return [detectionLoss(outs, targets, g, C), flattenOutputs(det, C)];
    });
    lossSum += (await loss.data())[0]! * b.size;
    count += b.size;
    if (opts.detect) {
      const all = (await flat.data()) as Float32Array;
      const per = source.grid.size * (C + 4);
      group.forEach((img, i) => {
        const p = b.placements[i]!;
        // Detections in decoded pixels, then in the manifest's pixel frame (equal unless EXIF or size differ).
        const fx = img.width > 0 ? img.width / p.srcW : 1;
        const fy = img.height > 0 ? img.height / p.srcH : 1;
        for (const d of decodeImage(all.subarray(i * per, (i + 1) * per), source.grid, C, decode)) {
          const [x1, y1, x2, y2] = untransformBox(d.x1, d.y1, d.x2, d.y2, p, S);
          if (x2 - x1 <= 0 || y2 - y1 <= 0) continue;
          detections.push({
            image_id: img.id,
            category_id: d.classIndex + 1,
            bbox: [x1 * fx, y1 * fy, (x2 - x1) * fx, (y2 - y1) * fy],
            score: d.score,
          });
        }
      });
    }
    tf.dispose([x, targets.cls, targets.box, targets.pos, loss, flat]);
  }
  return { dataLoss: count > 0 ? lossSum / count : NaN, detections };
}

/** COCO stats of detections against manifest images. */
export function cocoStats(
  classes: readonly string[],
  images: readonly ManifestImage[],
  dets: CocoDetection[],
): CocoStats {
  return evaluateCoco(cocoGroundTruth(classes, images), dets).stats;
}
