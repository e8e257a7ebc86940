// Export of a trained detector as a tfjs LayersModel (model.json + one weights shard), which a browser opens
// with tf.loadLayersModel('.../model.json'), plus ridge-model.json describing classes, input and decoding.
// The exported graph has no dropout layer (dropout is the identity at inference), so it needs no custom
// layer class to load.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/domain/runs';
import { buildDetectorWithBackbone, headLayout, type DetectorConfig } from './model/detector';
import { DEFAULT_DECODE, type DecodeSettings } from './model/decode';

/** File name of the weights shard. */
export const WEIGHTS_FILE = 'group1-shard1of1.bin';

/** Contents of ridge-model.json: what a consumer needs beyond the graph. */
export interface RidgeModelMeta {
  format: 'ridge-detector';
  version: 1;
  classes: string[];
  imgSize: number;
  widthMultiplier: number;
  /** Input: RGB in 0..1, letterboxed (longest side to imgSize, centred, padded with grey 114). */
  input: { channels: 'rgb'; range: [0, 1]; letterbox: true; padValue: number };
  /**
   * Outputs: one per stride, [B, S/stride, S/stride, classes+4]; class logits then l,t,r,b distances: logits
   * decoded as exp(x)*stride, or with the nanodet backbone (config.backbone) strides decoded as x*stride.
   */
  strides: number[];
  decode: DecodeSettings;
  config: RunConfig;
  bestEpoch: number;
}

/** Writes the inference model (weights copied from `trained`) and ridge-model.json into `dir`. */
export async function exportModel(
  trained: tf.LayersModel,
  cfg: DetectorConfig,
  dir: string,
  meta: Omit<RidgeModelMeta, 'format' | 'version' | 'input' | 'strides' | 'decode'> & {
    decode?: DecodeSettings;
  },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const inference = await buildDetectorWithBackbone({ ...cfg, dropoutRate: 0 });
  try {
    inference.setWeights(trained.getWeights());
    await saveLayersModel(inference, dir);
  } finally {
    inference.dispose();
  }
  const full: RidgeModelMeta = {
    format: 'ridge-detector',
    version: 1,
    classes: meta.classes,
    imgSize: meta.imgSize,
    widthMultiplier: meta.widthMultiplier,
    input: { channels: 'rgb', range: [0, 1], letterbox: true, padValue: 114 },
    strides: [...headLayout(cfg.backbone).strides],
    decode: meta.decode ?? DEFAULT_DECODE,
    config: meta.config,
    bestEpoch: meta.bestEpoch,
  };
  await writeFile(path.join(dir, 'ridge-model.json'), JSON.stringify(full, null, 2));
}

/** Writes `model` as a tfjs LayersModel into `dir`: model.json and one weights shard (WEIGHTS_FILE). */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      const data = art.weightData;
      const bin = Array.isArray(data) ? Buffer.concat(data.map((d) => Buffer.from(d))) : Buffer.from(data!);
      await writeFile(path.join(dir, WEIGHTS_FILE), bin);
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: art.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: art.weightSpecs }],
      };
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** A file of an exported model, parsed; a missing or damaged file is an error that names it and what is wrong. */
async function readModelFile<T>(dir: string, name: string, parse: (b: Buffer) => T): Promise<T> {
  const file = path.join(dir, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `the model file ${file} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code})`}`,
    );
  }
  try {
    return parse(bytes);
  } catch (e) {
    throw new Error(`the model file ${file} is damaged: ${(e as Error).message}`);
  }
}

/** Loads an exported model from disk on the active backend (the same files a browser would fetch). */
export async function loadExportedModel(
  dir: string,
): Promise<{ model: tf.LayersModel; meta: RidgeModelMeta }> {
  const parseJson = (b: Buffer) => JSON.parse(b.toString('utf8')) as unknown;
  const meta = (await readModelFile(dir, 'ridge-model.json', parseJson)) as RidgeModelMeta;
  const json = (await readModelFile(dir, 'model.json', parseJson)) as {
    modelTopology?: object;
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const group = json.weightsManifest?.[0];
  if (!json.modelTopology || !group?.paths?.[0])
    throw new Error(
      `the model file ${path.join(dir, 'model.json')} is damaged: it has no model topology or weights manifest`,
    );
  const bin = await readModelFile(dir, group.paths[0], (b) => b);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  try {
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }),
    );
    return { model, meta };
  } catch (e) {
    throw new Error(`the model in ${dir} is damaged: ${(e as Error).message}`);
  }
}
