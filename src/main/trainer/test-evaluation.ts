// The final evaluation of a run's best checkpoint on the test split: COCO figures and data loss, where the model
// looks (saliencyInBox, bounded to SALIENCY_IMAGES images) and, when the run asks for it, robustness (15 passes).
// Both analyses score all test images, or the evenly spread subset config.analysisImages asks for.
import type * as tf from '@tensorflow/tfjs';
import type { RunConfig, RunRobustness, RunSaliency } from '../../shared/domain/runs';
import type { BatchSource } from './data/pipeline';
import { cocoStats, evaluateImages } from './evaluate';
import type { DecodeSettings } from './model/decode';
import type { GridTensors } from './model/loss';
import type { ManifestImage } from './protocol';
import { analysisSubset, evaluateRobustness } from './robustness/robustness';
import { evaluateSaliency, type SaliencyExample } from './robustness/saliency';

/** What the test split says of the best checkpoint (empty metrics and nothing else without test images). */
export interface TestEvaluation {
  testMetrics: Record<string, number>;
  /** Every test detection as scored (all of them, not a viewer cut): a study's bootstrap re-scores from these. */
  detections: Awaited<ReturnType<typeof evaluateImages>>['detections'];
  robustness?: RunRobustness;
  saliency?: RunSaliency;
  /** The first evaluated test image's map, for the report (written to SALIENCY_EXAMPLE_FILE). */
  saliencyExample?: SaliencyExample;
}

/** Evaluates `model` (the best checkpoint's weights) on `test`; robustness stops early when `signal` aborts. */
export async function evaluateTestSplit(
  model: tf.LayersModel,
  source: BatchSource,
  test: readonly ManifestImage[],
  grid: GridTensors,
  o: { classes: readonly string[]; config: RunConfig; signal: AbortSignal; decode: DecodeSettings },
): Promise<TestEvaluation> {
  if (test.length === 0) return { testMetrics: {}, detections: [] };
  const { batchSize, seed } = o.config;
  const r = await evaluateImages(model, source, test, grid, { batchSize, detect: true, decode: o.decode });
  const testMetrics = { ...cocoStats(o.classes, test, r.detections), dataLoss: r.dataLoss };
  // On a subset (config.analysisImages), the clean figure of rPC is measured on the same images.
  const scored = analysisSubset(test, o.config.analysisImages);
  const { example, ...saliency } = await evaluateSaliency(model, source, scored, {
    batchSize,
    decode: o.decode,
  });
  const base = {
    testMetrics,
    detections: r.detections,
    saliency,
    ...(example ? { saliencyExample: example } : {}),
  };
  if (!o.config.robustness) return base;
  const ro = {
    classes: o.classes,
    batchSize,
    seed,
    signal: o.signal,
    ...(scored.length === test.length ? { clean: testMetrics.AP } : {}),
    decode: o.decode,
  };
  const robustness = await evaluateRobustness(model, source, scored, grid, ro);
  return { ...base, ...(robustness ? { robustness } : {}) };
}
