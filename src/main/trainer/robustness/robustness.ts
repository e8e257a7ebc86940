// The robustness evaluation of a trained detector: its test mAP50-95 under each corruption at severities 1, 3
// and 5 (corruptions.ts), their mean (mPC, "mean performance under corruption", COCO-C's headline figure) and
// rPC = mPC / clean mAP50-95 (COCO-C's relative figure: 1 means no loss under corruption). Same decoding as the
// clean test evaluation (flip TTA included), so rPC compares like with like.
import type * as tf from '@tensorflow/tfjs';
import type { CorruptionScore, RunRobustness } from '../../../shared/domain/runs';
import type { BatchSource, EvalTransform } from '../data/pipeline';
import { cocoStats, evaluateImages } from '../evaluate';
import type { DecodeSettings } from '../model/decode';
import type { GridTensors } from '../model/loss';
import type { ManifestImage } from '../protocol';
import { corrupt, CORRUPTIONS, SEVERITIES } from './corruptions';

/** What the evaluation needs besides the model: data, batch size, the noise seed, and the clean figure if known. */
export interface RobustnessOptions {
  classes: readonly string[];
  batchSize: number;
  /** The run's seed: the Gaussian noise is drawn from it and each image's id. */
  seed: number;
  decode?: DecodeSettings;
  /** The clean test mAP50-95 already measured with the same model and decoding (else measured here). */
  clean?: number;
  /** Checked between evaluations: once aborted, the evaluation stops and returns null. */
  signal?: AbortSignal;
}

/**
 * The test images a run's robustness and saliencyInBox are scored on: all of them, or `limit` spread evenly over
 * the split in manifest order (RunConfig.analysisImages). It depends on nothing but the split and the limit, so every arm
 * and seed of a study is scored on the same images and their mPC stays paired.
 */
export function analysisSubset<T>(test: readonly T[], limit?: number): readonly T[] {
  if (limit === undefined || limit >= test.length) return test;
  const n = Math.max(1, Math.floor(limit));
  return Array.from({ length: n }, (_, i) => test[Math.floor(((i + 0.5) * test.length) / n)]!);
}

/** mPC and rPC of scores and a clean figure (rPC null when the clean figure is 0: nothing to lose). */
export function summarizeRobustness(
  scores: readonly CorruptionScore[],
  clean: number,
): { mPC: number; rPC: number | null } {
  const mPC = scores.length ? scores.reduce((s, c) => s + c.mAP50_95, 0) / scores.length : 0;
  return { mPC, rPC: clean > 0 ? mPC / clean : null };
}

/**
 * Scores `model` on `test` under every corruption and severity: 15 test evaluations (16 without `clean`); null
 * when `o.signal` aborts first.
 */
export async function evaluateRobustness(
  model: tf.LayersModel,
  source: BatchSource,
  test: readonly ManifestImage[],
  grid: GridTensors,
  o: RobustnessOptions,
): Promise<RunRobustness | null> {
  const t0 = performance.now();
  const evalOpts = { batchSize: o.batchSize, detect: true, ...(o.decode ? { decode: o.decode } : {}) };
  const mAP = async (transform?: EvalTransform) => {
    const r = await evaluateImages(model, source, test, grid, {
      ...evalOpts,
      ...(transform ? { transform } : {}),
    });
    return cocoStats(o.classes, test, r.detections).AP;
  };
  const clean = o.clean ?? (await mAP());
  const scores: CorruptionScore[] = [];
  for (const corruption of CORRUPTIONS)
    for (const severity of SEVERITIES) {
      if (o.signal?.aborted) return null;
      const mAP50_95 = await mAP((img, raw) => corrupt(raw, corruption, severity, o.seed, img.id));
      scores.push({ corruption, severity, mAP50_95 });
    }
  return {
    clean,
    scores,
    ...summarizeRobustness(scores, clean),
    images: test.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
