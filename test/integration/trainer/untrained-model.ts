// An exported model with untrained weights, for tests of what loads and runs a run's model files. Apart from
// fixtures.ts so the data-only tests that import those do not load the model code.
import { exportModel } from '../../../src/main/trainer/export';
import { buildDetector } from '../../../src/main/trainer/model/detector';
import { testConfig } from './fixtures';

/**
 * Exports an untrained scratch detector (width 0.25) for `classes` at `imgSize` into `dir`: the files a run's
 * model directory holds, for tests of what loads and runs them.
 */
export async function exportUntrainedModel(dir: string, classes: string[], imgSize: number): Promise<void> {
  const cfg = { numClasses: classes.length, imgSize, widthMultiplier: 0.25, dropoutRate: 0, seed: 1 };
  const model = buildDetector(cfg);
  try {
    await exportModel(model, cfg, dir, {
      classes,
      imgSize,
      widthMultiplier: 0.25,
      config: testConfig({ widthMultiplier: 0.25 }),
      bestEpoch: 0,
    });
  } finally {
    model.dispose();
  }
}
