// Analyses of a finished run's exported model, run on demand in a trainer process: its robustness on the test
// split of its frozen manifest, and the saliency map of one detection. The same functions the trainer runs after
// training (robustness/), on the exported weights, which are the best checkpoint's.
import * as tf from '@tensorflow/tfjs';
import type { RunRobustness } from '../../shared/domain/runs';
import { BatchSource } from './data/pipeline';
import { openExportedModel } from './engine';
import { DEFAULT_DECODE, type DecodeSettings } from './model/decode';
import { gridTensors } from './model/loss';
import { makeGrid } from './model/targets';
import type { Manifest, ManifestImage } from './protocol';
import { evaluateRobustness, analysisSubset } from './robustness/robustness';
import { detectionSaliency, type SaliencyMap } from './robustness/saliency';

/** Images per evaluation batch (eval-mode: no batch statistics, so only memory and speed depend on it). */
const BATCH = 8;

/** The decoding the model was evaluated with (an export from before flip TTA decodes without it). */
function decodeOf(saved: Partial<DecodeSettings> | undefined): DecodeSettings {
  return { ...DEFAULT_DECODE, flipTta: false, ...saved };
}

/**
 * The exported model's test mAP50-95, clean and under every corruption and severity (16 test evaluations), on
 * the test images its config scores robustness on (all, or its analysisImages subset).
 */
export async function robustnessOfModel(
  modelDir: string,
  manifest: Manifest,
  seed: number,
): Promise<RunRobustness> {
  const test = manifest.images.filter((i) => i.split === 'test');
  if (test.length === 0) throw new Error('the run has no test images: its manifest has an empty test split');
  const { model, meta } = await openExportedModel(modelDir);
  const grid = makeGrid(meta.imgSize, meta.config.backbone);
  const g = gridTensors(grid);
  try {
    const source = new BatchSource(meta.classes.length, meta.imgSize, grid);
    const o = { classes: meta.classes, batchSize: BATCH, seed, decode: decodeOf(meta.decode) };
    // The run's own subset when it asked for one (the same images its training-time figures were scored on).
    const scored = analysisSubset(test, meta.config.analysisImages);
    return (await evaluateRobustness(model, source, scored, g, o))!;
  } finally {
    model.dispose();
    tf.dispose([g.px, g.py, g.stride]);
  }
}

/** The saliency map of detection `index` (best first) of one image under the exported model. */
export async function saliencyOfModel(
  modelDir: string,
  image: ManifestImage,
  index: number,
): Promise<SaliencyMap> {
  const { model, meta } = await openExportedModel(modelDir);
  try {
    const source = new BatchSource(
      meta.classes.length,
      meta.imgSize,
      makeGrid(meta.imgSize, meta.config.backbone),
    );
    return await detectionSaliency(model, source, image, index, decodeOf(meta.decode));
  } finally {
    model.dispose();
  }
}
