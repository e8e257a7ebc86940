// One optimisation step of the detector (forward in training mode, data loss + penalty, gradients, AdamW),
// shared by the training loop, the backend timing probe and the benchmark.
import * as tf from '@tensorflow/tfjs';
import type { RegMode } from '../../shared/domain/runs';
import { AdamW, type AdamOptions } from './optimizer';
import { isKernelName, kernelVariables, regularizationTerm } from './regularizers';
import { buildDetectorWithBackbone, TRUNK_PREFIX, type DetectorConfig } from './model/detector';
import { NANODET_PREFIX } from './model/nanodet';
import { detectionLoss, gridTensors, type BatchTargets, type GridTensors } from './model/loss';
import { makeGrid, type Grid } from './model/targets';

/**
 * Learning-rate multiplier of pretrained trunk layers: their features are already useful, and the full rate
 * of the freshly initialised neck and heads would wash them out in the first epochs.
 */
export const PRETRAINED_LR_SCALE = 0.25;
/**
 * Learning-rate multiplier of the layers taken from the COCO-pretrained NanoDet (backbone, neck, head convs and
 * box bins): below 1, as these convolutions carry their folded batch norms and no new ones, so nothing
 * renormalises their outputs while Adam moves them. Measured on BCCD (Pretrained preset, seed 2, 7 December
 * 2026, `npm run bench -- quality --sets bccd --seeds 2`): 0.1 gave test mAP50 0.901 / mAP50-95 0.581 (best
 * epoch 15 of 15, 3 December), 0.3 gave 0.904 / 0.599 (best val mAP50-95 0.587, epoch 12), 0.5 gave 0.907 /
 * 0.598 (best val 0.582, epoch 9, then falling): 0.3, the best on val (all with the stride-8 stage frozen).
 * Over seeds 0, 1, 2 at 0.3: 0.893 / 0.592, 0.905 / 0.607, 0.904 / 0.599 (mean 0.901 / 0.599), against
 * 0.896 / 0.586, 0.896 / 0.587, 0.901 / 0.581 at 0.1.
 */
export const NANODET_LR_SCALE = 0.3;

/** The learning-rate multiplier of a weight, by the layer it belongs to. */
function lrScaleOf(name: string): number {
  if (name.startsWith(TRUNK_PREFIX)) return PRETRAINED_LR_SCALE;
  if (name.startsWith(NANODET_PREFIX)) return NANODET_LR_SCALE;
  return 1;
}

/** A model with its optimizer, parameter groups and grid constants: what a step needs. */
export interface TrainState {
  cfg: DetectorConfig;
  model: tf.LayersModel;
  params: tf.Variable[];
  kernels: tf.Variable[];
  opt: AdamW;
  grid: Grid;
  gridT: GridTensors;
  reg: RegMode;
  lambda: number;
}

/**
 * Builds model, optimizer (weight decay = lambda on kernels only when reg is 'wd') and grid tensors.
 * `optimizer` picks the optimizer's update layout (the benchmark times both; training uses the default).
 */
export async function createTrainState(
  cfg: DetectorConfig,
  reg: RegMode,
  lambda: number,
  optimizer: Pick<AdamOptions, 'fused'> = {},
): Promise<TrainState> {
  const model = await buildDetectorWithBackbone(cfg);
  const params = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const decay = model.trainableWeights.map((w) => isKernelName(w.originalName));
  const lrScale = model.trainableWeights.map((w) => lrScaleOf(w.originalName));
  const opt = new AdamW(params, decay, { weightDecay: reg === 'wd' ? lambda : 0, lrScale, ...optimizer });
  const grid = makeGrid(cfg.imgSize, cfg.backbone);
  return {
    cfg,
    model,
    params,
    kernels: kernelVariables(model),
    opt,
    grid,
    gridT: gridTensors(grid),
    reg,
    lambda,
  };
}

/** Frees everything createTrainState made. */
export function disposeTrainState(s: TrainState): void {
  s.opt.dispose();
  s.model.dispose();
  tf.dispose([s.gridT.px, s.gridT.py, s.gridT.stride]);
}

/** One step; returns the total minibatch loss (data + penalty) as a number. */
export async function trainStep(
  s: TrainState,
  x: tf.Tensor4D,
  targets: BatchTargets,
  lr: number,
): Promise<number> {
  const C = s.cfg.numClasses;
  const value = tf.tidy(() => {
    const { value: loss, grads } = tf.variableGrads(() => {
      const outs = s.model.apply(x, { training: true }) as tf.Tensor[];
      const data = detectionLoss(outs, targets, s.gridT, C);
      return tf.add(data, regularizationTerm(s.reg, s.lambda, s.kernels)) as tf.Scalar;
    }, s.params);
    s.opt.apply(
      s.params.map((p) => grads[p.name]),
      lr,
    );
    return loss;
  });
  const v = (await value.data())[0]!;
  value.dispose();
  return v;
}

/** Random inputs with no objects: the backend probe and benchmarks time steps without decoding images. */
export function syntheticBatch(s: TrainState, batch: number): { x: tf.Tensor4D; targets: BatchTargets } {
  const S = s.cfg.imgSize;
  const N = s.grid.size;
  return tf.tidy(() => {
    const pos = tf.cast(tf.less(tf.randomUniform([batch, N, 1], 0, 1, 'float32', 1), 0.02), 'float32');
    return {
      x: tf.randomUniform([batch, S, S, 3], 0, 1, 'float32', 2) as tf.Tensor4D,
      targets: {
        // Class 0 at the positives, zeros elsewhere: pos padded to C columns (tf.oneHot refuses depth 1).
        cls: tf.pad(pos, [
          [0, 0],
          [0, 0],
          [0, s.cfg.numClasses - 1],
        ]),
        box: tf.tile(tf.tensor3d([[[S * 0.3, S * 0.3, S * 0.6, S * 0.6]]]), [batch, N, 1]),
        pos,
      },
    };
  });
}

/** Images/s of training steps of the actual model on the active backend (1 warm-up step + `steps` timed). */
export async function measureTrainSpeed(cfg: DetectorConfig, batch: number, steps: number): Promise<number> {
  const s = await createTrainState(cfg, 'none', 0);
  const { x, targets } = syntheticBatch(s, batch);
  try {
    await trainStep(s, x, targets, 1e-4);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await trainStep(s, x, targets, 1e-4);
    return (batch * steps) / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([x, targets.cls, targets.box, targets.pos]);
    disposeTrainState(s);
  }
}

/**
 * Images/s of a backend known to be slow (pure-JS cpu, 50-100x behind tfjs-node): one image at `probeSize`
 * px timed and scaled by the pixel ratio to cfg.imgSize (step cost grows with pixels). Timing it at full
 * probe size would spend over a minute of every first run proving that it is slow.
 */
export async function estimateSlowTrainSpeed(cfg: DetectorConfig, probeSize = 64): Promise<number> {
  const ips = await measureTrainSpeed({ ...cfg, imgSize: Math.min(probeSize, cfg.imgSize) }, 1, 1);
  return (ips * Math.min(probeSize, cfg.imgSize) ** 2) / cfg.imgSize ** 2;
}
