// Child process of webgpu-swiftshader.test.ts, run once on webgpu (Dawn on SwiftShader) and once on tfjs-node
// with the same seed. A child, because Dawn's Vulkan loader reads LD_LIBRARY_PATH and VK_ICD_FILENAMES when
// the process starts. It trains one short epoch with the whole engine (evaluation, checkpoint, test
// evaluation, export) in one regularization mode, predicts with the exported model, and trains the other modes
// a step or two each on the same real batches; it prints one line `RESULT <json>`.
//   node --import tsx test/integration/trainer/webgpu-child.ts <backend> <workDir>
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../../../src/main/trainer/backend';
import { chunk, epochOrder, BatchSource } from '../../../src/main/trainer/data/pipeline';
import { detectorConfigOf, predictImages, runTraining } from '../../../src/main/trainer/engine';
import { batchTensors } from '../../../src/main/trainer/evaluate';
import type { TrainerEvent } from '../../../src/main/trainer/protocol';
import { createTrainState, disposeTrainState, trainStep } from '../../../src/main/trainer/step';
import { DEFAULT_LAMBDA, type BackendName, type RegMode } from '../../../src/shared/domain/runs';
import { sampleManifest, testConfig } from './fixtures';
import { FULL_MODE, STEP_MODES } from './webgpu-plan';

/** The child's whole answer. */
export interface ChildResult {
  backend: string;
  /** `auto` on this machine (webgpu child only), with a stand-in speed: only which backends it refused matters. */
  auto?: BackendChoice;
  /** The 'backend' event of the full run. */
  chosen: Extract<TrainerEvent, { type: 'backend' }>;
  full: {
    /** Loss of each training step that reported one (step 1 and the last always do). */
    steps: { step: number; loss: number }[];
    trainDataLoss: number;
    valDataLoss: number;
    weightNorm: number;
    testDataLoss: number;
  };
  /** Losses of the first steps of each of STEP_MODES. */
  modes: { reg: RegMode; losses: number[] }[];
  /** Boxes predicted with the exported model on the val and test images (score threshold 0). */
  predictions: number;
  seconds: { full: number; modes: number; predict: number };
}

function configFor(reg: RegMode, backend: BackendName) {
  return testConfig({
    reg,
    lambda: DEFAULT_LAMBDA[reg],
    epochs: 1,
    imgSize: 64,
    batchSize: 2,
    widthMultiplier: 0.25,
    backend,
  });
}

async function main(): Promise<void> {
  const [backend, work] = process.argv.slice(2) as [BackendName, string];
  const manifest = await sampleManifest(path.join(work, 'images'), 10, 5, 64, 64);
  const C = manifest.classes.length;
  const auto =
    backend === 'webgpu'
      ? await selectBackend('auto', { modelKey: 'swiftshader-test', measure: async () => 1, useCache: false })
      : undefined;

  let t = performance.now();
  const events: TrainerEvent[] = [];
  await runTraining({
    manifest,
    config: configFor(FULL_MODE, backend),
    outDir: path.join(work, FULL_MODE),
    resume: false,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  const chosen = events.find((e) => e.type === 'backend');
  const epoch = events.find((e) => e.type === 'epoch');
  const done = events.find((e) => e.type === 'done');
  if (chosen?.type !== 'backend' || epoch?.type !== 'epoch' || done?.type !== 'done')
    throw new Error(
      `the full run did not emit backend, epoch and done: ${events.map((e) => e.type).join(',')}`,
    );
  const full = {
    steps: events.flatMap((e) => (e.type === 'progress' ? [{ step: e.step, loss: e.loss }] : [])),
    trainDataLoss: epoch.metrics.trainDataLoss,
    valDataLoss: epoch.metrics.valDataLoss,
    weightNorm: epoch.metrics.weightNorm,
    testDataLoss: done.testMetrics.dataLoss ?? NaN,
  };
  const fullSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  const train = manifest.images.filter((i) => i.split === 'train');
  const modes: ChildResult['modes'] = [];
  for (const [reg, steps] of Object.entries(STEP_MODES) as [RegMode, number][]) {
    const config = configFor(reg, backend);
    const s = await createTrainState(detectorConfigOf(config, C), reg, config.lambda);
    const source = new BatchSource(C, config.imgSize, s.grid);
    const losses: number[] = [];
    try {
      for (const group of chunk(epochOrder(train, config.seed, 0), config.batchSize).slice(0, steps)) {
        const b = await source.makeBatch(group, { seed: config.seed, epoch: 0 });
        const { x, targets } = batchTensors(b, config.imgSize, C, s.grid.size);
        try {
          losses.push(await trainStep(s, x, targets, config.learningRate));
        } finally {
          tf.dispose([x, targets.cls, targets.box, targets.pos]);
        }
      }
    } finally {
      disposeTrainState(s);
    }
    modes.push({ reg, losses });
  }
  const modeSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  const shown = manifest.images.filter((i) => i.split !== 'train');
  const preds = await predictImages(done.modelDir, shown, { scoreThreshold: 0, backend });
  const result: ChildResult = {
    backend: tf.getBackend(),
    ...(auto ? { auto } : {}),
    chosen,
    full,
    modes,
    predictions: preds.length,
    seconds: { full: fullSeconds, modes: modeSeconds, predict: (performance.now() - t) / 1000 },
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
