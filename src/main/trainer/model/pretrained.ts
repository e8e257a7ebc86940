// A pretrained backbone from an npm tarball: the MobileNetV2 (width 1.0, ImageNet-initialised, then
// fine-tuned by the NSFWJS authors) that the `nsfwjs` package ships inside itself as a tfjs layers model,
// with uint8-quantized weights embedded in JS files. No download at run time: the weights are in
// node_modules. Only the convolutional trunk up to stride 32 is kept (the classifier head is dropped), the
// layers past the stride-8 stage made trainable, and the input side set to the detector's.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type { BackboneName } from '../../../shared/domain/runs';

/**
 * The last layer kept frozen: the stem and the stride-4 and stride-8 stages. Detectron2 freezes through
 * stride 4 by default (FREEZE_AT=2); we go one stage further for CPU training: these high-resolution layers
 * are where backpropagation costs the most (whole detector, 2 cores, 224 px, batch 8: frozen through stride 4
 * 6.1 img/s, through stride 8 8.4, through stride 16 13.5), and edge, blob and corner detectors transfer as
 * they are. Measured again once tfjs-node's slow batch-norm kernel was replaced (320 px, 13 epochs, sample
 * seed 2): also training the stride-8 stage made each epoch about 25% slower (38-47 s against 30-36 s) for
 * the same final val mAP50 (0.878 against 0.876) and mAP50-95 (0.587 against 0.592).
 */
export const FROZEN_THROUGH = 'block_5_add';

/** Layers whose outputs feed the neck: strides 8, 16, 32 (32, 96, 320 channels). */
export const MOBILENETV2_TAPS = ['block_5_add', 'block_12_add', 'block_16_project_BN'] as const;

interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[];
}
interface ModelJson {
  modelTopology: {
    model_config: { config: { layers: LayerJson[]; input_layers: unknown; output_layers: unknown } };
  };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** The package's public entry for the model (its `exports` map allows nothing deeper). */
const PACKAGE_ENTRY = 'nsfwjs/models/mobilenet_v2';

/** The model's folder: next to the entry's cjs/models folder, as the package's own loader finds it. */
function modelDir(): string {
  const entry = createRequire(__filename).resolve(PACKAGE_ENTRY);
  return path.resolve(path.dirname(entry), '../../models/mobilenet_v2');
}

/** Why the pretrained backbone cannot be used here, or null when it can (the package resolves). */
export function pretrainedUnavailableReason(): string | null {
  try {
    createRequire(__filename).resolve(PACKAGE_ENTRY);
    return null;
  } catch (err) {
    return `the nsfwjs package (which carries the MobileNetV2 weights) is not installed: ${(err as Error).message.split('\n')[0]}`;
  }
}

let cached: { json: ModelJson; weights: tf.NamedTensorMap } | null = null;

/** The topology and the dequantized weights, read once per process from the package's JS files. */
function loadPackage(): { json: ModelJson; weights: tf.NamedTensorMap } {
  if (cached) return cached;
  const dir = modelDir();
  const req = createRequire(__filename);
  const json = req(path.join(dir, 'model.min.js')) as ModelJson;
  const group = json.weightsManifest[0]!;
  const shards = group.paths.map((p) => Buffer.from(req(path.join(dir, `${p}.min.js`)) as string, 'base64'));
  const all = Buffer.concat(shards);
  const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  cached = { json, weights: tf.io.decodeWeights(data, group.weights) };
  return cached;
}

/**
 * The MobileNetV2 trunk as a functional model [B,S,S,3] (pixels 0..1, as NSFWJS feeds it) -> the three
 * tap outputs, with the pretrained weights loaded and the layers after FROZEN_THROUGH trainable. `size` must
 * be a multiple of 32.
 */
export async function mobileNetV2Trunk(
  size: number,
  namePrefix = 'mnv2_',
  frozenThrough: string = FROZEN_THROUGH,
): Promise<tf.LayersModel> {
  if (size % 32 !== 0)
    throw new Error(`the MobileNetV2 backbone needs an input side that is a multiple of 32, got ${size}`);
  const { json, weights } = loadPackage();
  const cfg = json.modelTopology.model_config.config;
  const last = cfg.layers.findIndex((l) => l.name === MOBILENETV2_TAPS[2]);
  const rename = (n: string) => `${namePrefix}${n}`;
  const renameNodes = (nodes: unknown): unknown =>
    (nodes as unknown[][][]).map((node) => node.map(([n, ...rest]) => [rename(n as string), ...rest]));
  const frozen = cfg.layers.findIndex((l) => l.name === frozenThrough);
  const layers = cfg.layers.slice(0, last + 1).map((l, i) => {
    const config: Record<string, unknown> = { ...l.config, name: rename(l.name), trainable: i > frozen };
    if (l.class_name === 'InputLayer') config.batch_input_shape = [null, size, size, 3];
    // Keras' 0.999 suits ImageNet-length training; over a few hundred steps the moving statistics would
    // barely follow the weights as they adapt, and eval-mode outputs would drift from training-mode ones.
    if (l.class_name === 'BatchNormalization') config.momentum = 0.9;
    return { ...l, name: rename(l.name), config, inbound_nodes: renameNodes(l.inbound_nodes) as unknown[] };
  });
  const config = {
    name: `${namePrefix}trunk`,
    layers,
    input_layers: [[rename('input_1'), 0, 0]],
    output_layers: MOBILENETV2_TAPS.map((t) => [rename(t), 0, 0]),
  };
  const trunk = await tf.models.modelFromJSON({
    modelTopology: { class_name: 'Model', config } as unknown as tf.io.ModelJSON['modelTopology'],
  });
  const values = trunk.weights.map((w) => {
    const key = w.originalName.slice(namePrefix.length);
    const t = weights[key];
    if (!t) throw new Error(`MobileNetV2 weights have no ${key}`);
    return t;
  });
  trunk.setWeights(values);
  return trunk;
}
