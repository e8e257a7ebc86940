import type { Predictor } from '../services/runs/test-eval';

/**
 * The engine's predictImages for `ridge serve` (pre-label, test-split evaluation), loaded on first use so tfjs
 * stays out of the server's start-up. It lives in the front door, not in services, because only the CLI bundle
 * carries the engine today.
 */
export const enginePredictor: Predictor = async (modelDir, images, opts) => {
  const { predictImages } = await import('../trainer/engine');
  return predictImages(modelDir, images, opts);
};
