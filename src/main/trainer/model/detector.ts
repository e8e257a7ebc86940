// The detector: a small single-stage, anchor-free network built as a functional tf.layers model, so the
// trained weights export as a LayersModel that tf.loadLayersModel opens in a browser.
//
// Why FCOS/YOLOX-style dense prediction and not CenterNet: CenterNet supervises size and offset only at one
// peak pixel per object, which on a few hundred user-labelled images gives very few regression samples and
// needs long schedules (CenterNet trains for 140+ epochs). FCOS-style heads make every location near an
// object's centre a positive (centre sampling), regress l/t/r/b distances trained with GIoU loss (which
// optimises the IoU that mAP50-95 scores), and use a sigmoid focal loss on the class map. With two strides
// (8 and 16) and per-class NMS the decoding stays simple.. The class map is still a "heatmap", so decoding
// is the same top-k + NMS either way.
import * as tf from '@tensorflow/tfjs';
import { SeededRng, hashIntsFnv } from '../data/prng';
import { describeArchitecture } from './architecture';
import { buildNanoDet, NANODET_STRIDES, readNanoDetWeights, type NanoDetWeights } from './nanodet';
import { nanoDetModelDir, nanoDetUnavailableReason } from './nanodet-package';
import { mobileNetV2Trunk, type BackboneName } from './pretrained';

/** The strides of the two prediction levels (stride 8 for small objects, 16 for large ones). */
export const STRIDES = [8, 16] as const;

/** How a head's four distance channels become pixels: exp(x) * stride (ours), or x * stride (NanoDet's bins). */
export type DistanceEncoding = 'exp' | 'linear';

/** The prediction levels and distance encoding of a backbone's detector: what targets and decoding follow. */
export interface HeadLayout {
  strides: readonly number[];
  distance: DistanceEncoding;
}

/** The head layout of the detector built for `backbone`. */
export function headLayout(backbone?: BackboneName): HeadLayout {
  if (backbone === 'nanodet') return { strides: NANODET_STRIDES, distance: 'linear' };
  return { strides: STRIDES, distance: 'exp' };
}

/**
 * NanoDet's graph convolutions frozen: the stem and the stride-4 stage (conv 0-4). Until trainer version 5 the
 * stride-8 stage (conv 5-10) was frozen too, as the MobileNetV2 trunk's FROZEN_THROUGH is, to save its backward
 * pass; on BCCD (seed 2, 384 px, rate 0.3, 7 December 2026) training it lifted test mAP50 / mAP50-95 from 0.904 /
 * 0.599 to 0.909 / 0.611 (best val mAP50-95 0.587 to 0.609) at the same speed (6.1 against 6.2 min). Freezing
 * nothing (-1) was measured too and gave the same within noise (seeds 0, 1, 2: best val mAP50-95 0.607, 0.609,
 * 0.610 against 0.608, 0.612, 0.609 here; test 0.900 / 0.601, 0.908 / 0.615, 0.911 / 0.610 against 0.896 /
 * 0.599, 0.909 / 0.619, 0.909 / 0.611), so the choice made on val stays.
 */
export const NANODET_FROZEN_THROUGH = 4;

/** What the network looks like: everything needed to rebuild it from a checkpoint. */
export interface DetectorConfig {
  numClasses: number;
  /** Square input side in pixels; a multiple of 16. */
  imgSize: number;
  widthMultiplier: number;
  /** Spatial dropout rate before the heads (0 = no dropout layer at all). */
  dropoutRate: number;
  /** Seed of the dropout masks (each call derives a fresh mask from it and a counter). */
  seed: number;
  /** Own backbone from scratch (default), the MobileNetV2 trunk (pretrained.ts) or NanoDet (nanodet.ts). */
  backbone?: BackboneName;
}

/** Layer-name prefix of the pretrained trunk's layers (left alone by initWeights). */
export const TRUNK_PREFIX = 'mnv2_';

/** Logit of the class prior (0.01) used to initialise class biases, as RetinaNet/FCOS do. */
const PRIOR_BIAS = -Math.log((1 - 0.01) / 0.01);

/**
 * Spatial dropout for NHWC maps: whole channels are zeroed (mask shape [B,1,1,C]) and the rest scaled by
 * 1/(1-rate). Only active when called with training=true. Seeded per call so runs are reproducible.
 */
export class SpatialDropout2D extends tf.layers.Layer {
  /** Name used in serialization. */
  static readonly className = 'RidgeSpatialDropout2D';
  readonly rate: number;
  private readonly seed: number;
  /** Calls made in training mode; the trainer sets it on resume so masks continue the same sequence. */
  calls = 0;
  constructor(args: { rate: number; seed: number; name?: string }) {
    super(args.name ? { name: args.name } : {});
    this.rate = args.rate;
    this.seed = args.seed;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs.training || this.rate <= 0) return x;
    const seed = (this.seed * 7919 + this.calls++ * 104729) % 2147483647;
    return tf.tidy(() => {
      const [b, , , c] = x.shape;
      const keep = tf.cast(
        tf.greaterEqual(tf.randomUniform([b!, 1, 1, c!], 0, 1, 'float32', seed), this.rate),
        'float32',
      );
      return tf.mul(x, tf.div(keep, 1 - this.rate));
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SpatialDropout2D);

/** Channel count scaled by the width multiplier, kept a multiple of 8 (fast kernels, stable shapes). */
export function scaledChannels(base: number, mult: number): number {
  return Math.max(8, Math.round((base * mult) / 8) * 8);
}

function convBnRelu(x: tf.SymbolicTensor, filters: number, kernel: number, stride: number, name: string) {
  const conv = tf.layers
    .conv2d({
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: 'same',
      useBias: false,
      name: `${name}_conv`,
      kernelInitializer: 'heNormal',
    })
    .apply(x) as tf.SymbolicTensor;
  const bn = tf.layers
    .batchNormalization({ name: `${name}_bn`, momentum: 0.9, epsilon: 1e-3 })
    .apply(conv) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(bn) as tf.SymbolicTensor;
}

function bnRelu(x: tf.SymbolicTensor, name: string) {
  const bn = tf.layers
    .batchNormalization({ name: `${name}_bn`, momentum: 0.9, epsilon: 1e-3 })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(bn) as tf.SymbolicTensor;
}

/** Nearest 2x upsampling of a coarse map to a finer map's side (cropping one row/column when it is odd). */
function upsampleTo(x: tf.SymbolicTensor, side: number, name: string): tf.SymbolicTensor {
  const up = tf.layers.upSampling2d({ size: [2, 2], name }).apply(x) as tf.SymbolicTensor;
  const extra = (up.shape[1] as number) - side;
  if (extra <= 0) return up;
  return tf.layers
    .cropping2D({
      cropping: [
        [0, extra],
        [0, extra],
      ],
      name: `${name}_crop`,
    })
    .apply(up) as tf.SymbolicTensor;
}

/**
 * SPPF (YOLOv5's fast spatial pyramid pooling): a 1x1 reduction, three chained 5x5 stride-1 max pools
 * (windows 5, 9, 13) concatenated with their input, and a 1x1 fusion. Cheap at stride 32, and it gives
 * every location a view of nearly the whole image, which telling large shapes apart needs.
 */
function sppf(x: tf.SymbolicTensor, hidden: number, filters: number, name: string): tf.SymbolicTensor {
  const a = convBnRelu(x, hidden, 1, 1, `${name}_in`);
  const pools = [a];
  for (let k = 1; k <= 3; k++)
    pools.push(
      tf.layers
        .maxPooling2d({ poolSize: 5, strides: 1, padding: 'same', name: `${name}_pool${k}` })
        .apply(pools[k - 1]!) as tf.SymbolicTensor,
    );
  const cat = tf.layers.concatenate({ axis: -1, name: `${name}_cat` }).apply(pools) as tf.SymbolicTensor;
  return convBnRelu(cat, filters, 1, 1, `${name}_out`);
}

/** Convolutions of the head towers, shared by both levels (each level keeps its own batch norm). */
const CLS_TOWER = 2;
const REG_TOWER = 1;

/**
 * Builds the detector. Output i (one per STRIDES entry) is [B, S/stride, S/stride, numClasses + 4]:
 * class logits, then l/t/r/b distance logits (decoded as exp(x) * stride).
 * Backbone: strided 3x3 conv-BN-ReLU stages to stride 32 plus an SPPF block (the stride-32 map only feeds
 * context into the stride-16 level: large objects need a receptive field beyond what stride 16 gives);
 * neck: a top-down FPN (1x1 laterals, nearest upsampling, 3x3 smoothing) with outputs at strides 8, 16; heads:
 * [spatial dropout] + decoupled towers: CLS_TOWER 3x3 convs then a 1x1 class conv, REG_TOWER 3x3 convs then
 * a 1x1 distance conv. Tower and prediction convs are shared across levels (twice the training signal per
 * weight on small datasets); batch norms stay per level, as feature statistics differ between levels.
 */
export function buildDetector(cfg: DetectorConfig, trunk?: tf.LayersModel): tf.LayersModel {
  if (cfg.imgSize % 16 !== 0) throw new Error(`imgSize must be a multiple of 16, got ${cfg.imgSize}`);
  if ((cfg.backbone ?? 'scratch') !== 'scratch' && !trunk)
    throw new Error(`the ${cfg.backbone} backbone needs its trunk: build with buildDetectorWithBackbone`);
  const c = (n: number) => scaledChannels(n, cfg.widthMultiplier);
  const { input, c3, c4, c5 } = trunk ? trunkTaps(trunk, c) : scratchBackbone(cfg, c);

  const side16 = cfg.imgSize / 16;
  const lat5 = convBnRelu(c5, c(64), 1, 1, 'lat5');
  const lat4 = convBnRelu(c4, c(64), 1, 1, 'lat4');
  const lat3 = convBnRelu(c3, c(64), 1, 1, 'lat3');
  const p4in = tf.layers
    .add({ name: 'fuse4' })
    .apply([lat4, upsampleTo(lat5, side16, 'up5')]) as tf.SymbolicTensor;
  const p3in = tf.layers
    .add({ name: 'fuse3' })
    .apply([lat3, upsampleTo(p4in, side16 * 2, 'up4')]) as tf.SymbolicTensor;
  const p3 = convBnRelu(p3in, c(64), 3, 1, 'p3');
  const p4 = convBnRelu(p4in, c(64), 3, 1, 'p4');

  const towerConv = (name: string) =>
    tf.layers.conv2d({
      filters: c(64),
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      name: `${name}_conv`,
      kernelInitializer: 'heNormal',
    });
  const clsConvs = Array.from({ length: CLS_TOWER }, (_, k) => towerConv(`cls${k}`));
  const regConvs = Array.from({ length: REG_TOWER }, (_, k) => towerConv(`reg${k}`));
  const pred = (filters: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: 1, padding: 'same', name, kernelInitializer: 'zeros' });
  const clsPred = pred(cfg.numClasses, 'cls_pred');
  const regPred = pred(4, 'reg_pred');

  const outputs = [p3, p4].map((p, i) => {
    const level = `l${STRIDES[i]}`;
    let h = p;
    if (cfg.dropoutRate > 0)
      h = new SpatialDropout2D({ rate: cfg.dropoutRate, seed: cfg.seed + i, name: `${level}_drop` }).apply(
        h,
      ) as tf.SymbolicTensor;
    let hc = h;
    clsConvs.forEach((conv, k) => {
      hc = bnRelu(conv.apply(hc) as tf.SymbolicTensor, `${level}_cls${k}`);
    });
    let hr = h;
    regConvs.forEach((conv, k) => {
      hr = bnRelu(conv.apply(hr) as tf.SymbolicTensor, `${level}_reg${k}`);
    });
    return tf.layers
      .concatenate({ axis: -1, name: `${level}_out` })
      .apply([
        clsPred.apply(hc) as tf.SymbolicTensor,
        regPred.apply(hr) as tf.SymbolicTensor,
      ]) as tf.SymbolicTensor;
  });
  const model = tf.model({ inputs: input, outputs, name: 'ridge_detector' });
  initWeights(model, cfg);
  return model;
}

/** Builds the detector, first loading the pretrained trunk when the config asks for one. */
export async function buildDetectorWithBackbone(cfg: DetectorConfig): Promise<tf.LayersModel> {
  if (cfg.backbone === 'nanodet') {
    const rate = cfg.dropoutRate;
    return buildNanoDet(await nanoDetWeights(), {
      numClasses: cfg.numClasses,
      imgSize: cfg.imgSize,
      frozenThrough: NANODET_FROZEN_THROUGH,
      seed: cfg.seed,
      ...(rate > 0
        ? {
            dropout: (x: tf.SymbolicTensor, level: number, name: string) =>
              new SpatialDropout2D({ rate, seed: cfg.seed + level, name }).apply(x) as tf.SymbolicTensor,
          }
        : {}),
    });
  }
  const pretrained = (cfg.backbone ?? 'scratch') === 'mobilenetv2';
  return buildDetector(cfg, pretrained ? await mobileNetV2Trunk(cfg.imgSize, TRUNK_PREFIX) : undefined);
}

let nanoDetCache: Promise<NanoDetWeights> | null = null;
/** The graph's weights, read once per process. */
function nanoDetWeights(): Promise<NanoDetWeights> {
  const missing = nanoDetUnavailableReason();
  if (missing) return Promise.reject(new Error(missing));
  nanoDetCache ??= readNanoDetWeights(nanoDetModelDir());
  return nanoDetCache;
}

interface Taps {
  input: tf.SymbolicTensor;
  c3: tf.SymbolicTensor;
  c4: tf.SymbolicTensor;
  c5: tf.SymbolicTensor;
}

/** Our own backbone: strided 3x3 conv-BN-ReLU stages to stride 32, then SPPF. */
function scratchBackbone(cfg: DetectorConfig, c: (n: number) => number): Taps {
  const input = tf.input({ shape: [cfg.imgSize, cfg.imgSize, 3], name: 'image' });
  let x = convBnRelu(input, c(16), 3, 2, 'stem'); // /2
  x = convBnRelu(x, c(32), 3, 2, 's2a'); // /4
  x = convBnRelu(x, c(32), 3, 1, 's2b');
  x = convBnRelu(x, c(64), 3, 2, 's3a'); // /8
  const c3 = convBnRelu(x, c(64), 3, 1, 's3b');
  x = convBnRelu(c3, c(128), 3, 2, 's4a'); // /16
  x = convBnRelu(x, c(128), 3, 1, 's4b');
  const c4 = convBnRelu(x, c(128), 3, 1, 's4c');
  x = convBnRelu(c4, c(256), 3, 2, 's5a'); // /32
  x = convBnRelu(x, c(256), 3, 1, 's5b');
  const c5 = sppf(x, c(128), c(256), 'spp5');
  return { input, c3, c4, c5 };
}

/** The pretrained trunk's input and its stride 8/16/32 outputs, with SPPF on the stride-32 one. */
function trunkTaps(trunk: tf.LayersModel, c: (n: number) => number): Taps {
  const [c3, c4, t5] = trunk.outputs as [tf.SymbolicTensor, tf.SymbolicTensor, tf.SymbolicTensor];
  return { input: trunk.inputs[0]!, c3, c4, c5: sppf(t5, c(128), c(256), 'spp5') };
}

/**
 * Seeded initialisation in plain JS (tfjs-node's seeded random ops are not reproducible for larger
 * tensors): He-normal (truncated at 2 sigma) for conv kernels, N(0, 0.01) for the prediction kernels,
 * the class-prior bias for class logits (RetinaNet/FCOS), zeros for the other biases.
 */
export function initWeights(model: tf.LayersModel, cfg: DetectorConfig): void {
  model.layers.forEach((layer, li) => {
    if (layer.getClassName() !== 'Conv2D' || layer.name.startsWith(TRUNK_PREFIX)) return;
    const [k] = layer.getWeights();
    const [kh, kw, cin] = k!.shape as number[];
    const pred = layer.name.endsWith('_pred');
    const classes = layer.name === 'cls_pred';
    const std = pred ? 0.01 : Math.sqrt(2 / (kh! * kw! * cin!));
    const rng = new SeededRng(hashIntsFnv(cfg.seed, li, 0x1a17));
    const values = new Float32Array(k!.size);
    for (let i = 0; i < values.length; i++) {
      let z: number;
      do z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      while (Math.abs(z) > 2);
      values[i] = z * std;
    }
    const ts = [tf.tensor(values, k!.shape)];
    if (pred) {
      const bias = new Float32Array(k!.shape[3]!);
      if (classes) bias.fill(PRIOR_BIAS);
      ts.push(tf.tensor1d(bias));
    }
    layer.setWeights(ts);
    tf.dispose(ts);
  });
}

/** The dropout layers of a model, so the trainer can set their call counters on resume. */
export function dropoutLayers(model: tf.LayersModel): SpatialDropout2D[] {
  return model.layers.filter((l): l is SpatialDropout2D => l instanceof SpatialDropout2D);
}

/** Multiply-adds*2 of one forward pass at batch 1 (conv and depthwise conv calls), for the benchmarks. */
export function forwardFlops(model: tf.LayersModel): number {
  return describeArchitecture(model).forwardFlops;
}
