// The COCO-pretrained NanoDet with its own 80 class outputs, as an exported model (model.json, weights,
// ridge-model.json) that predictImages runs like any run's model: pre-labeling before any training
// (`ridge prelabel --coco`, the studio's pre-label card). Built once per machine from vendor/nanodet into the
// per-machine cache folder, so a pass does not rebuild it.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_RUN_CONFIG, PRETRAINED_RECIPE } from '../../../shared/domain/runs';
import { backendCacheDir } from '../backend/cache';
import { saveLayersModel, type RidgeModelMeta } from '../export';
import { DEFAULT_DECODE } from './decode';
import { COCO_CLASSES } from '../../../shared/domain/coco-classes';
import { buildNanoDet, NANODET_STRIDES, readNanoDetWeights } from './nanodet';
import { nanoDetModelDir, nanoDetUnavailableReason } from './nanodet-package';

/** NanoDet-g's own input side, the one its COCO weights were trained at. */
export const COCO_MODEL_IMG_SIZE = 416;
/** Bump when what ensureCocoModel writes changes, so a cached older build is not used. */
const BUILD_VERSION = 2;

/** Where the built COCO model lies (in the per-machine cache folder; RIDGE_CACHE_DIR moves it). */
export function cocoModelDir(): string {
  return path.join(backendCacheDir(), `coco-nanodet-${COCO_MODEL_IMG_SIZE}-v${BUILD_VERSION}`);
}

/**
 * The COCO model's folder, built first when it is not there yet (into a temporary folder renamed into place, so
 * a pass never sees half a model). Fails with nanoDetUnavailableReason when the weights are not installed.
 */
export async function ensureCocoModel(): Promise<string> {
  const dir = cocoModelDir();
  if (existsSync(path.join(dir, 'ridge-model.json'))) return dir;
  const missing = nanoDetUnavailableReason();
  if (missing) throw new Error(missing);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const weights = await readNanoDetWeights(nanoDetModelDir());
  const model = buildNanoDet(weights, {
    numClasses: COCO_CLASSES.length,
    imgSize: COCO_MODEL_IMG_SIZE,
    frozenThrough: -1,
    seed: 0,
    cocoClasses: true,
  });
  try {
    await saveLayersModel(model, tmp);
  } finally {
    model.dispose();
    tf.dispose(weights.flatMap((w) => [w.kernel, w.bias]));
  }
  const meta: RidgeModelMeta = {
    format: 'ridge-detector',
    version: 1,
    classes: [...COCO_CLASSES],
    imgSize: COCO_MODEL_IMG_SIZE,
    widthMultiplier: 1,
    input: { channels: 'rgb', range: [0, 1], letterbox: true, padValue: 114 },
    strides: [...NANODET_STRIDES],
    // Flip TTA on (DEFAULT_DECODE): on voc-subset100 (`npm run bench -- prelabel`, 7 December 2026) it kept
    // mAP50 at 0.661 and raised mAP50-95 from 0.357 to 0.403 and precision at score 0.4 from 0.669 to 0.730
    // (recall 0.667 to 0.623), for 0.104 instead of 0.060 s per image.
    decode: DEFAULT_DECODE,
    config: {
      ...DEFAULT_RUN_CONFIG,
      ...PRETRAINED_RECIPE,
      imgSize: COCO_MODEL_IMG_SIZE,
      widthMultiplier: 1,
      epochs: 0,
      arm: 'coco',
    },
    bestEpoch: 0,
  };
  await writeFile(path.join(tmp, 'ridge-model.json'), JSON.stringify(meta, null, 2));
  try {
    await rename(tmp, dir);
  } catch (e) {
    // Another process built it at the same time: theirs is as good as ours.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(path.join(dir, 'ridge-model.json'))) throw e;
  }
  return dir;
}
