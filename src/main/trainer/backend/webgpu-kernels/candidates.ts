// Our webgpu kernels that may replace tfjs-backend-webgpu's (the convolution gradients), what a model's
// convolutions look like to them, and how each is called: what choose.ts times and registers.
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterGemm } from './conv-backprop-filter';
import { conv2dBackpropInputGemm } from './conv-backprop-input';
import { originalWebgpuKernel } from './index';

/** One convolution of a model as its gradient kernels see it (NHWC). */
export interface ConvCall {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** False for a convolution of the model's input: its input gradient is never computed. */
  inputGradient: boolean;
}

/** A kernel of ours that may replace tfjs's, with how to build it, call it and recognise a call's shape. */
export interface Candidate {
  kernelName: string;
  build: (original: tf.KernelFunc) => tf.KernelFunc;
  /** Whether a training step runs this kernel for `c`. */
  applies: (c: ConvCall) => boolean;
  /** Runs the kernel once for `c` on random tensors (`t` holds them); returns the output. */
  run: (c: ConvCall, t: Record<string, tf.Tensor>) => tf.Tensor;
  /** The shape key of a kernel call, equal to shapeKey() of the ConvCall it comes from. */
  keyOfArgs: (args: Parameters<tf.KernelFunc>[0]) => string;
}

/** A call's identity for per-shape choices: input and filter shapes, strides, padding. */
export function shapeKey(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: unknown,
  pad: unknown,
) {
  const s = [strides].flat() as number[];
  return `${xShape.join('x')}|${filterShape.join('x')}|${s[0]},${s[1] ?? s[0]}|${JSON.stringify(pad)}`;
}

/** shapeKey of a ConvCall. */
export function callKey(c: ConvCall): string {
  return shapeKey(c.xShape, c.filterShape, c.strides, c.pad);
}

/** The shape of dy for a call. */
export function outShape(c: ConvCall): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad);
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

type Attrs = { strides: unknown; pad: unknown; filterShape?: number[]; inputShape?: number[] };

/** The candidates, in the order they are timed. */
export const CANDIDATES: readonly Candidate[] = [
  {
    kernelName: tf.Conv2DBackpropFilter,
    build: conv2dBackpropFilterGemm,
    applies: () => true,
    run: (c, t) =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x: t.x!, dy: t.dy! },
          { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape },
        ) as tf.Tensor,
    keyOfArgs: (args) => {
      const a = args.attrs as unknown as Attrs;
      return shapeKey((args.inputs as { x: tf.TensorInfo }).x.shape, a.filterShape!, a.strides, a.pad);
    },
  },
  {
    kernelName: tf.Conv2DBackpropInput,
    build: conv2dBackpropInputGemm,
    applies: (c) => c.inputGradient,
    run: (c, t) =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropInput,
          { dy: t.dy!, filter: t.filter! },
          { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape },
        ) as tf.Tensor,
    keyOfArgs: (args) => {
      const a = args.attrs as unknown as Attrs;
      return shapeKey(
        a.inputShape!,
        (args.inputs as { filter: tf.TensorInfo }).filter.shape,
        a.strides,
        a.pad,
      );
    },
  },
];

/** The names of the kernels that may be replaced. */
export const WEBGPU_KERNEL_CANDIDATES: readonly string[] = CANDIDATES.map((c) => c.kernelName);

/** The candidate for a kernel name (throws for any other name). */
export function candidateFor(name: string): Candidate {
  const c = CANDIDATES.find((k) => k.kernelName === name);
  if (!c) throw new Error(`no ridge webgpu kernel for ${name}`);
  return c;
}

const built = new Map<string, tf.KernelFunc>();

/** Our kernel for `name`, built once around tfjs's own (which it calls for layouts it does not handle). */
export function ridgeWebgpuKernel(name: string): tf.KernelFunc {
  const original = originalWebgpuKernel(name);
  if (!original) throw new Error(`tfjs-backend-webgpu has no ${name} kernel`);
  let k = built.get(name);
  if (!k) built.set(name, (k = candidateFor(name).build(original.kernelFunc)));
  return k;
}

/** The plain Conv2D calls of a model at `batch` (every call of a layer shared across levels). */
export function convCallsOf(model: tf.LayersModel, batch: number): ConvCall[] {
  const calls: ConvCall[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Conv2D') continue;
    const cfg = layer.getConfig() as { strides: number[]; padding: string; dilationRate: number[] | number };
    const dil = [cfg.dilationRate].flat();
    if (dil.some((d) => d !== 1) || (cfg.padding !== 'same' && cfg.padding !== 'valid')) continue;
    const k = layer.getWeights()[0]!.shape as [number, number, number, number];
    const nodes = (
      layer as unknown as {
        inboundNodes: {
          inputShapes: (number | null)[] | (number | null)[][];
          inboundLayers: tf.layers.Layer[];
        }[];
      }
    ).inboundNodes;
    for (const n of nodes) {
      const s = (Array.isArray(n.inputShapes[0]) ? n.inputShapes[0] : n.inputShapes) as (number | null)[];
      calls.push({
        xShape: [batch, s[1]!, s[2]!, s[3]!],
        filterShape: k,
        strides: [cfg.strides[0]!, cfg.strides[1] ?? cfg.strides[0]!],
        pad: cfg.padding,
        inputGradient: n.inboundLayers[0]?.getClassName() !== 'InputLayer',
      });
    }
  }
  return calls;
}
