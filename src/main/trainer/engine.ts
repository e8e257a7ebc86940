// The training engine of a run: backend selection, the epoch loop with per-epoch eval-mode metrics,
// checkpoints and resume, the final test evaluation of the best checkpoint, export; and inference on an
// exported model. Only the trainer process (process-main.ts) calls runTraining and predictImages: the services
// start that process and talk to it through the protocol, never call the engine in their own process.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeIssues } from '../../shared/api/errors';
import { runConfigSchema } from '../../shared/domain/run-config';
import type { BackendRequest, EpochMetrics, RunConfig } from '../../shared/domain/runs';
import { activeBackend, chooseNativeKernels, kernelTimingShape, loadBackend, selectBackend } from './backend';
import {
  checkpointDir,
  loadCheckpoint,
  saveCheckpoint,
  setModelWeights,
  type CheckpointMeta,
} from './checkpoint';
import { type BatchSource, chunk, epochOrder, prefetch } from './data/pipeline';
import { defaultPipelineThread, openTrainBatches, withDataPipeline } from './data/train-batches';
import { SeededRng, hashIntsFnv } from './data/prng';
import { letterboxPlacement, renderPlacement, untransformBox, writeFloat, decodeRgb } from './data/image';
import { cachedSide, shrinkToSide } from './data/scale-cache';
import { batchTensors, cocoStats, evaluateImages } from './evaluate';
import { WeightEma, emaWindow } from './ema';
import { exportModel, loadExportedModel } from './export';
import { prepareWebgpuKernels } from './backend/webgpu-kernels/choose';
import { boxCounts, CLASS_BALANCE_POWER, classWeights } from './model/class-balance';
import { buildDetectorWithBackbone, dropoutLayers, type DetectorConfig } from './model/detector';
import { decodeImage, DEFAULT_DECODE, type DecodeSettings } from './model/decode';
import { predictOutputs } from './model/flip-tta';
import { flattenOutputs } from './model/loss';
import { makeGrid } from './model/targets';
import {
  type Manifest,
  type ManifestImage,
  type PredictedBox,
  SALIENCY_EXAMPLE_FILE,
  TEST_DETECTIONS_FILE,
  type TrainerEvent,
} from './protocol';
import { kernelNorm, regularizationTerm } from './regularizers';
import { EpochMemoryMeter } from './memory';
import { learningRateAt } from './schedule';
import { evaluateTestSplit } from './test-evaluation';
import {
  createTrainState,
  disposeTrainState,
  estimateSlowTrainSpeed,
  measureTrainSpeed,
  trainStep,
  type TrainState,
} from './step';

/** Share of training images turned into a four-image mosaic while mosaic is on. */
export const MOSAIC_PROBABILITY = 0.5;

/**
 * Epochs that use mosaic: all but the last 15% (at least one), which train on plain images as evaluation sees
 * them (YOLOv8's close_mosaic does the same for its last 10 epochs). The last 5 of 15 on BCCD (seed 2) gave
 * test mAP50 / mAP50-95 0.866 / 0.558 against 0.867 / 0.557: no gain.
 */
export function mosaicEpochs(epochs: number): number {
  return epochs <= 1 ? epochs : Math.min(epochs - 1, Math.round(epochs * 0.85));
}

/** Train images used for the per-epoch eval-mode train loss (a fixed seeded subset bounds its cost). */
export const TRAIN_EVAL_SUBSET = 64;
/** Minimum interval between progress events, in ms (the last batch of an epoch always reports). */
export const PROGRESS_INTERVAL_MS = 250;

/** Options of runTraining. */
export interface RunTrainingOptions {
  manifest: Manifest;
  config: RunConfig;
  outDir: string;
  resume: boolean;
  signal: AbortSignal;
  emit: (e: TrainerEvent) => void;
  /** Exponent of the class-balanced loss weights (model/class-balance.ts); 0 turns balancing off. */
  classBalancePower?: number;
}

/**
 * The trainer's own guard: the same schema every front door validates with (a config that reached the trainer
 * another way, e.g. an old stored run, is refused with the same words), plus what the manifest must hold.
 */
function validate(config: RunConfig, manifest: Manifest): void {
  const checked = runConfigSchema.safeParse(config);
  if (!checked.success) throw new Error(`invalid run config: ${describeIssues(checked.error.issues)}`);
  if (manifest.classes.length === 0) throw new Error('the manifest has no classes');
  for (const split of ['train', 'val'] as const)
    if (!manifest.images.some((i) => i.split === split))
      throw new Error(`the manifest has no ${split} images`);
}

/**
 * The decoding a run evaluates and exports with: its maxDet over all classes (100 for runs made before the
 * setting, as they were evaluated), within COCOeval's 100 per class.
 */
export function decodeSettingsOf(config: RunConfig): DecodeSettings {
  return { ...DEFAULT_DECODE, maxDetections: config.maxDet ?? LEGACY_MAX_DET };
}

/**
 * The decoding of the per-epoch val figures: the run's, without flip TTA (one forward pass per image, as
 * Ultralytics validates while training). The val pass with TTA was a third of an epoch's eval (16.3 of 21.8 s on
 * BCCD at 384 px, 73 val images, against 7.8 s without), about 2 minutes of a 15-epoch run; the test figures,
 * predict and the export keep TTA (decodeSettingsOf). Trainer version 4 on.
 */
function epochValDecodeOf(config: RunConfig): DecodeSettings {
  return { ...decodeSettingsOf(config), flipTta: false };
}

/** The cap per image of runs made before maxDet existed. */
const LEGACY_MAX_DET = 100;

/** What a backend or kernel timing is valid for (part of its cache key): input size, width and backbone. */
function modelKeyOf(cfg: DetectorConfig): string {
  return `${cfg.imgSize}x${cfg.widthMultiplier}x${cfg.backbone ?? 'scratch'}`;
}

/** The detector configuration a run config implies. */
export function detectorConfigOf(config: RunConfig, numClasses: number): DetectorConfig {
  return {
    numClasses,
    imgSize: config.imgSize,
    widthMultiplier: config.widthMultiplier,
    dropoutRate: config.reg === 'dropout' ? config.lambda : 0,
    seed: config.seed,
    backbone: config.backbone ?? 'scratch',
  };
}

/**
 * Trains a run end to end. Emits 'backend' first, 'progress' per batch (throttled), 'epoch' and
 * 'checkpoint' per epoch, then 'done' (or 'cancelled' when the signal aborts: checked every batch).
 * Throws on failure; the caller turns that into a 'failed' event.
 */
export async function runTraining(opts: RunTrainingOptions): Promise<void> {
  const { manifest, config, outDir, signal, emit } = opts;
  validate(config, manifest);
  await mkdir(outDir, { recursive: true });
  const C = manifest.classes.length;
  const cfg = detectorConfigOf(config, C);
  const probe = { ...cfg, imgSize: Math.min(cfg.imgSize, 160), dropoutRate: 0 };
  const choice = await selectBackend(config.backend, {
    modelKey: modelKeyOf(cfg),
    kernelShape: kernelTimingShape(cfg.imgSize),
    prepare: (name) =>
      name === 'webgpu' ? webgpuKernelsFor(cfg, config.batchSize) : Promise.resolve(undefined),
    measure: async (name) =>
      name === 'cpu'
        ? { imagesPerSecond: await estimateSlowTrainSpeed(probe), how: 'one 64 px image, scaled by pixels' }
        : measureTrainSpeed(probe, 2, 2),
  });

  const split = (s: ManifestImage['split']) => manifest.images.filter((i) => i.split === s);
  const train = split('train');
  const val = split('val');
  const test = split('test');
  const trainEval = new SeededRng(hashIntsFnv(config.seed, 0x7e57))
    .shuffle(train)
    .slice(0, TRAIN_EVAL_SUBSET);
  const power = opts.classBalancePower ?? CLASS_BALANCE_POWER;
  const weights = power > 0 ? classWeights(boxCounts(train, C), power) : null;
  // Training batches (in this thread unless RIDGE_BATCH_WORKER=1 asks for the worker, see defaultPipelineThread);
  // evaluation batches from `source`, in this thread.
  const batches = await openTrainBatches({
    thread: defaultPipelineThread(),
    numClasses: C,
    imgSize: cfg.imgSize,
    grid: makeGrid(cfg.imgSize, cfg.backbone),
    ...(cfg.backbone ? { backbone: cfg.backbone } : {}),
    classWeights: weights,
    train,
    evalImages: [...trainEval, ...val],
  });
  const reasons = withDataPipeline(choice.reasons, choice.backend, batches.note);
  emit({ type: 'backend', backend: choice.backend, reasons, device: choice.device });

  const s = await createTrainState(cfg, config.reg, config.lambda).catch(async (e: unknown) => {
    await batches.close();
    throw e;
  });
  const source = batches.source;
  const groupsPerEpoch = chunk(train, config.batchSize).length;
  const totalSteps = groupsPerEpoch * config.epochs;
  const ema = new WeightEma(s.model, emaWindow(totalSteps));
  let meta: Omit<CheckpointMeta, 'weights' | 'optimizer' | 'ema'> = {
    version: 1,
    epoch: 0,
    step: 0,
    best: { epoch: -1, mAP50_95: -Infinity, valDataLoss: Infinity },
    history: [],
    rng: { seed: config.seed, dropoutCalls: [] },
  };
  try {
    if (opts.resume) {
      const ck = await loadCheckpoint(checkpointDir(outDir, 'last'));
      if (ck) {
        setModelWeights(s.model, ck.weights);
        s.opt.setState(ck.optimizer);
        dropoutLayers(s.model).forEach((l, i) => (l.calls = ck.meta.rng.dropoutCalls[i] ?? 0));
        if (ck.ema) ema.restore(ck.ema.values, ck.ema.updates);
        else ema.restore(ck.weights, 0);
        const { weights: _w, optimizer: _o, ema: _e, ...rest } = ck.meta;
        meta = rest;
      }
    }
    const memory = new EpochMemoryMeter();
    for (let epoch = meta.epoch; epoch < config.epochs; epoch++) {
      const t0 = performance.now();
      const groups = chunk(epochOrder(train, config.seed, epoch), config.batchSize);
      let step = 0;
      let lastEmit = 0;
      let seen = 0;
      const mosaic =
        epoch < mosaicEpochs(config.epochs) ? { probability: MOSAIC_PROBABILITY, pool: train } : undefined;
      const augment = { seed: config.seed, epoch, ...(mosaic ? { mosaic } : {}) };
      for await (const b of prefetch(groups, (g) => batches.makeBatch(g, augment))) {
        if (signal.aborted) break;
        const lr = learningRateAt(config.learningRate, meta.step, totalSteps);
        const { x, targets } = batchTensors(b, cfg.imgSize, C, s.grid.size);
        let loss: number;
        try {
          loss = await trainStep(s, x, targets, lr);
          ema.update();
        } finally {
          tf.dispose([x, ...Object.values(targets)]);
        }
        if (!Number.isFinite(loss))
          throw new Error(
            `training diverged at epoch ${epoch + 1}, step ${step + 1} (loss ${loss}); lower the learning rate`,
          );
        meta.step++;
        step++;
        seen += b.size;
        memory.sample();
        const now = performance.now();
        if (now - lastEmit >= PROGRESS_INTERVAL_MS || step === groups.length) {
          lastEmit = now;
          emit({
            type: 'progress',
            epoch: epoch + 1,
            step,
            steps: groups.length,
            loss,
            imagesPerSecond: seen / ((now - t0) / 1000),
          });
        }
      }
      if (signal.aborted) {
        emit({ type: 'cancelled', epoch: epoch + 1 });
        return;
      }
      // Everything measured per epoch is of the averaged weights: the ones checkpointed as best and exported.
      const metrics = await ema.withAveraged(() =>
        epochMetrics(s, source, trainEval, val, manifest.classes, config, meta.step, totalSteps),
      );
      const m: Omit<EpochMetrics, 'runId'> = {
        epoch: epoch + 1,
        ...metrics,
        seconds: (performance.now() - t0) / 1000,
      };
      meta.history.push(m);
      const better =
        m.mAP50_95 > meta.best.mAP50_95 ||
        (m.mAP50_95 === meta.best.mAP50_95 && m.valDataLoss < meta.best.valDataLoss);
      if (better) meta.best = { epoch: epoch + 1, mAP50_95: m.mAP50_95, valDataLoss: m.valDataLoss };
      meta.epoch = epoch + 1;
      meta.rng.dropoutCalls = dropoutLayers(s.model).map((l) => l.calls);
      emit({ type: 'epoch', metrics: m, memory: memory.take() });
      const state = await s.opt.getState();
      const last = checkpointDir(outDir, 'last');
      await saveCheckpoint(last, meta, s.model, state, { values: await ema.values(), updates: ema.updates });
      if (better) {
        const best = checkpointDir(outDir, 'best');
        await rm(best, { recursive: true, force: true });
        await cp(last, best, { recursive: true });
      }
      emit({ type: 'checkpoint', epoch: epoch + 1, path: last, best: better });
      if (signal.aborted) {
        emit({ type: 'cancelled', epoch: epoch + 1 });
        return;
      }
    }
    // Final: the best checkpoint, evaluated once on the test split, then exported.
    const best = await loadCheckpoint(checkpointDir(outDir, 'best'));
    if (best) setModelWeights(s.model, best.ema?.values ?? best.weights);
    const { testMetrics, detections, robustness, saliency, saliencyExample } = await evaluateTestSplit(
      s.model,
      source,
      test,
      s.gridT,
      {
        classes: manifest.classes,
        config,
        signal,
        decode: decodeSettingsOf(config),
      },
    );
    if (signal.aborted) {
      emit({ type: 'cancelled', epoch: config.epochs });
      return;
    }
    if (test.length > 0) {
      // Every test detection as scored (all of them, not a viewer cut): a study's bootstrap re-scores from these.
      await writeFile(path.join(outDir, TEST_DETECTIONS_FILE), JSON.stringify(detections));
    }
    if (saliencyExample)
      await writeFile(path.join(outDir, SALIENCY_EXAMPLE_FILE), JSON.stringify(saliencyExample));
    const modelDir = path.join(outDir, 'model');
    await exportModel(s.model, cfg, modelDir, {
      classes: manifest.classes,
      imgSize: cfg.imgSize,
      widthMultiplier: cfg.widthMultiplier,
      config,
      bestEpoch: meta.best.epoch,
      decode: decodeSettingsOf(config),
    });
    emit({
      type: 'done',
      bestEpoch: meta.best.epoch,
      testMetrics,
      modelDir,
      ...(robustness ? { robustness } : {}),
      ...(saliency ? { saliency } : {}),
    });
  } finally {
    await batches.close();
    ema.dispose();
    disposeTrainState(s);
  }
}

/** Chooses the webgpu convolution-gradient kernels on this run's own model and batch (see choose.ts). */
async function webgpuKernelsFor(cfg: DetectorConfig, batch: number): Promise<string> {
  const model = await buildDetectorWithBackbone({ ...cfg, dropoutRate: 0 });
  try {
    return await prepareWebgpuKernels(model, batch);
  } finally {
    model.dispose();
  }
}

/** The eval-mode figures of an epoch (all but epoch and seconds). */
async function epochMetrics(
  s: TrainState,
  source: BatchSource,
  trainEval: ManifestImage[],
  val: ManifestImage[],
  classes: string[],
  config: RunConfig,
  step: number,
  totalSteps: number,
): Promise<Omit<EpochMetrics, 'runId' | 'epoch' | 'seconds'>> {
  const bs = Math.max(config.batchSize, 8);
  const tr = await evaluateImages(s.model, source, trainEval, s.gridT, { batchSize: bs, detect: false });
  const va = await evaluateImages(s.model, source, val, s.gridT, {
    batchSize: bs,
    detect: true,
    decode: epochValDecodeOf(config),
  });
  const stats = cocoStats(classes, val, va.detections);
  const regT = regularizationTerm(config.reg, config.lambda, s.kernels);
  const reg = (await regT.data())[0]!;
  regT.dispose();
  return {
    trainDataLoss: tr.dataLoss,
    regLoss: reg,
    valDataLoss: va.dataLoss,
    mAP50: stats.AP50,
    mAP50_95: stats.AP,
    weightNorm: await kernelNorm(s.kernels),
    learningRate: learningRateAt(config.learningRate, Math.max(0, step - 1), totalSteps),
  };
}

/**
 * Loads an exported model (outDir/model) on `backend` (tfjs-node unless given) with the kernels training chose on
 * this machine for its shape (cached), so what is computed with it matches the run's figures.
 */
export async function openExportedModel(
  modelDir: string,
  backend: BackendRequest = 'tfjs-node',
): Promise<Awaited<ReturnType<typeof loadExportedModel>>> {
  if (backend === 'auto')
    await selectBackend('auto', { modelKey: 'predict', measure: async () => 1, useCache: true }).catch(() =>
      loadBackend('cpu'),
    );
  else await loadBackend(backend);
  const loaded = await loadExportedModel(modelDir);
  const mcfg = detectorConfigOf(loaded.meta.config, loaded.meta.classes.length);
  await chooseNativeKernels(activeBackend(), {
    modelKey: modelKeyOf(mcfg),
    shape: kernelTimingShape(mcfg.imgSize),
  });
  return loaded;
}

/**
 * Runs an exported model (outDir/model) on image files: letterbox, forward, decode with per-class NMS,
 * boxes back in each image's (EXIF-rotated) pixels. The backend defaults to tfjs-node.
 */
export async function predictImages(
  modelDir: string,
  images: { id: number; file: string }[],
  opts: { scoreThreshold?: number; backend?: BackendRequest; flipTta?: boolean } = {},
): Promise<PredictedBox[]> {
  const { model, meta } = await openExportedModel(modelDir, opts.backend);
  const S = meta.imgSize;
  const C = meta.classes.length;
  const grid = makeGrid(S, meta.config.backbone);
  // A model exported before flip TTA existed was evaluated without it: it keeps predicting without it.
  const saved: Partial<DecodeSettings> = meta.decode;
  const decode = {
    ...DEFAULT_DECODE,
    flipTta: false,
    ...saved,
    scoreThreshold: opts.scoreThreshold ?? 0.25,
    ...(opts.flipTta !== undefined ? { flipTta: opts.flipTta } : {}),
  };
  const out: PredictedBox[] = [];
  try {
    for (const group of chunk(images, 8, false)) {
      const originals = await Promise.all(group.map((g) => decodeRgb(g.file)));
      // Shrunk as training's evaluation shrinks them (scale-cache.ts), so the figures match its own.
      const raws = await Promise.all(originals.map((r) => shrinkToSide(r, cachedSide(S))));
      const placements = raws.map((r) => letterboxPlacement(r.width, r.height, S));
      const x = new Float32Array(group.length * S * S * 3);
      const canvases = await Promise.all(raws.map((r, i) => renderPlacement(r, placements[i]!, S)));
      canvases.forEach((c, i) => writeFloat(c, S, false, null, x, i * S * S * 3));
      const flat = tf.tidy(() =>
        flattenOutputs(predictOutputs(model, tf.tensor4d(x, [group.length, S, S, 3]), C, decode.flipTta), C),
      );
      const all = (await flat.data()) as Float32Array;
      flat.dispose();
      const per = grid.size * (C + 4);
      group.forEach((img, i) => {
        const fx = originals[i]!.width / raws[i]!.width;
        const fy = originals[i]!.height / raws[i]!.height;
        for (const d of decodeImage(all.subarray(i * per, (i + 1) * per), grid, C, decode)) {
          const [x1, y1, x2, y2] = untransformBox(d.x1, d.y1, d.x2, d.y2, placements[i]!, S);
          if (x2 > x1 && y2 > y1)
            out.push({
              imageId: img.id,
              classIndex: d.classIndex,
              x: x1 * fx,
              y: y1 * fy,
              w: (x2 - x1) * fx,
              h: (y2 - y1) * fy,
              score: d.score,
            });
        }
      });
    }
  } finally {
    model.dispose();
  }
  return out;
}
