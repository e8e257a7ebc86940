// A plain description of a built tfjs detector: every layer call in execution order, with its kind, the
// settings that decide its cost (kernel, strides, padding, filters, depthwise, activation), its input and
// output shapes and its parameter count. The training benchmark writes it to JSON and the PyTorch twin
// (test/bench/torch_twin.py) builds its network from it, so the twin follows the model whatever the model
// becomes, and the bench can check that both sides built the same thing.
import type * as tf from '@tensorflow/tfjs';

/** What one layer call does; anything else makes describeArchitecture throw (the twin could not copy it). */
export type ArchOp =
  | 'input'
  | 'conv2d'
  | 'depthwiseConv2d'
  | 'batchNorm'
  | 'relu'
  | 'add'
  | 'concat'
  | 'upsample'
  | 'crop'
  | 'zeroPad'
  | 'maxPool'
  | 'spatialDropout';

/** One call of a layer (a layer shared by two levels appears twice, its weights counted at the first). */
export interface ArchNode {
  /** The layer's name, with `#k` for its k-th call after the first. */
  id: string;
  /** The tfjs layer the call belongs to (the twin shares one module between calls of one layer). */
  layer: string;
  op: ArchOp;
  /** Ids of the nodes feeding this one, in order. */
  inputs: string[];
  /** Input shapes without the batch axis, NHWC. */
  inShapes: number[][];
  /** Output shape without the batch axis, NHWC. */
  outShape: number[];
  /** Weights this call brings (trainable and not, e.g. batch-norm moving statistics); 0 when shared. */
  params: number;
  trainableParams: number;
  /** Whether the layer's weights are trained. */
  trainable: boolean;
  /** Multiply-adds * 2 of this call at batch 1 (convolutions only; other ops are counted as 0). */
  flops: number;
  /** Settings of the op (kernel, strides, padding, filters, ...), only those that apply. */
  cfg: Record<string, unknown>;
}

/** The whole network as the twin needs it. */
export interface Architecture {
  name: string;
  nodes: ArchNode[];
  /** Equals model.countParams(). */
  params: number;
  trainableParams: number;
  /** Sum of the nodes' flops: forward multiply-adds * 2 per image. */
  forwardFlops: number;
  /** Ids of the model's outputs, in order. */
  outputs: string[];
}

// The parts of tfjs-layers' graph bookkeeping this module reads (public at run time, not in the typings).
interface SymbolicRef {
  sourceLayer: tf.layers.Layer;
  nodeIndex: number;
  shape: (number | null)[];
}
interface NodeRef {
  inputTensors: SymbolicRef[];
  outputShapes: (number | null)[] | (number | null)[][];
}
const nodesOf = (layer: tf.layers.Layer) => (layer as unknown as { inboundNodes: NodeRef[] }).inboundNodes;

const pair = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : [v as number, v as number]);
const noBatch = (s: (number | null)[]): number[] => s.slice(1) as number[];

/** The op and its settings for a layer class, or throws naming the layer the twin cannot copy. */
function opOf(layer: tf.layers.Layer): { op: ArchOp; cfg: Record<string, unknown> } {
  const c = layer.getConfig() as Record<string, unknown>;
  switch (layer.getClassName()) {
    case 'InputLayer':
      return { op: 'input', cfg: {} };
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      const depthwise = layer.getClassName() === 'DepthwiseConv2D';
      const cfg: Record<string, unknown> = {
        kernel: pair(c.kernelSize),
        strides: pair(c.strides),
        padding: c.padding,
        dilation: pair(c.dilationRate ?? 1),
        useBias: c.useBias,
        activation: c.activation ?? 'linear',
      };
      if (depthwise) cfg.depthMultiplier = c.depthMultiplier ?? 1;
      else cfg.filters = c.filters;
      return { op: depthwise ? 'depthwiseConv2d' : 'conv2d', cfg };
    }
    case 'BatchNormalization':
      return {
        op: 'batchNorm',
        cfg: { epsilon: c.epsilon, momentum: c.momentum, center: c.center, scale: c.scale },
      };
    case 'ReLU':
      return { op: 'relu', cfg: { maxValue: c.maxValue ?? null } };
    case 'Add':
      return { op: 'add', cfg: {} };
    case 'Concatenate':
      return { op: 'concat', cfg: { axis: c.axis } };
    case 'UpSampling2D':
      return { op: 'upsample', cfg: { size: pair(c.size), interpolation: c.interpolation ?? 'nearest' } };
    case 'Cropping2D':
      return { op: 'crop', cfg: { cropping: c.cropping } };
    case 'ZeroPadding2D':
      return { op: 'zeroPad', cfg: { padding: c.padding } };
    case 'MaxPooling2D':
      return {
        op: 'maxPool',
        cfg: { poolSize: pair(c.poolSize), strides: pair(c.strides), padding: c.padding },
      };
    case 'RidgeSpatialDropout2D':
      return { op: 'spatialDropout', cfg: { rate: c.rate } };
    default:
      throw new Error(
        `architecture: layer ${layer.name} is a ${layer.getClassName()}, which describeArchitecture does not know ` +
          '(add it here and to test/bench/torch_twin.py, or the twin would not be the same network)',
      );
  }
}

/** Forward multiply-adds * 2 of one conv call at batch 1 (kernel area * input channels per output value). */
function convFlops(op: ArchOp, cfg: Record<string, unknown>, inShape: number[], outShape: number[]): number {
  if (op !== 'conv2d' && op !== 'depthwiseConv2d') return 0;
  const [kh, kw] = cfg.kernel as number[];
  const [ho, wo, cout] = outShape as [number, number, number];
  const perOutput = op === 'conv2d' ? kh! * kw! * inShape[2]! : kh! * kw!;
  return 2 * ho * wo * cout * perOutput;
}

const sizeOf = (ws: tf.LayerVariable[]) =>
  ws.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

/**
 * Walks the model's graph back from its outputs and lists every layer call in an order that runs (inputs
 * before the calls that read them), with shapes, parameters and FLOPs.
 */
export function describeArchitecture(model: tf.LayersModel): Architecture {
  const nodes: ArchNode[] = [];
  const seen = new Map<string, string>(); // "layer:nodeIndex" -> node id
  const counted = new Set<string>(); // layers whose weights are already counted
  const idOf = (layer: tf.layers.Layer, k: number) => (k === 0 ? layer.name : `${layer.name}#${k}`);

  const visit = (layer: tf.layers.Layer, k: number): string => {
    const key = `${layer.name}:${k}`;
    const known = seen.get(key);
    if (known) return known;
    const node = nodesOf(layer)[k]!;
    const { op, cfg } = opOf(layer);
    // An input layer's node lists its own output as its input.
    const inputs = op === 'input' ? [] : node.inputTensors.map((t) => visit(t.sourceLayer, t.nodeIndex));
    const outs = node.outputShapes;
    const outShape = noBatch((Array.isArray(outs[0]) ? outs[0] : outs) as (number | null)[]);
    const inShapes = op === 'input' ? [outShape] : node.inputTensors.map((t) => noBatch(t.shape));
    const first = !counted.has(layer.name);
    counted.add(layer.name);
    const id = idOf(layer, k);
    nodes.push({
      id,
      layer: layer.name,
      op,
      inputs,
      inShapes,
      outShape,
      params: first ? layer.countParams() : 0,
      trainableParams: first && layer.trainable ? sizeOf(layer.trainableWeights) : 0,
      trainable: layer.trainable,
      flops: convFlops(op, cfg, inShapes[0]!, outShape),
      cfg,
    });
    seen.set(key, id);
    return id;
  };

  const outputs = (model.outputs as unknown as SymbolicRef[]).map((t) => visit(t.sourceLayer, t.nodeIndex));
  return {
    name: model.name,
    nodes,
    params: nodes.reduce((n, x) => n + x.params, 0),
    trainableParams: nodes.reduce((n, x) => n + x.trainableParams, 0),
    forwardFlops: nodes.reduce((n, x) => n + x.flops, 0),
    outputs,
  };
}
