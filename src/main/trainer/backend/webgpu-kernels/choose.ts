// Which convolution-gradient kernels run on webgpu is decided on this machine, at backend selection: both
// tfjs-backend-webgpu's kernel and ours are timed on the convolutions of the model about to train (its real
// shapes and batch), and the faster stays registered. Never a constant: which one wins depends on the GPU.
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterGemm } from './conv-backprop-filter';
import { conv2dBackpropInputGemm } from './conv-backprop-input';
import { originalWebgpuKernel, replaceWebgpuKernel, restoreWebgpuKernel } from './index';

/** One convolution of a model as its gradient kernels see it (NHWC). */
export interface ConvCall {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** False for a convolution of the model's input: its input gradient is never computed. */
  inputGradient: boolean;
}

/** A kernel of ours that may replace tfjs's, with how to build it and how to call it for timing. */
interface Candidate {
  kernelName: string;
  build: (original: tf.KernelFunc) => tf.KernelFunc;
  /** Whether a training step runs this kernel for `c`. */
  applies: (c: ConvCall) => boolean;
  /** Runs the kernel once for `c` on random tensors (`t` holds them); returns the output. */
  run: (c: ConvCall, t: Record<string, tf.Tensor>) => tf.Tensor;
}

function outShape(c: ConvCall): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad);
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

const CANDIDATES: Candidate[] = [
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
  },
];

/** The names of the kernels chooseWebgpuConvKernels may replace. */
export const WEBGPU_KERNEL_CANDIDATES: readonly string[] = CANDIDATES.map((c) => c.kernelName);

const built = new Map<string, tf.KernelFunc>();

/** Our kernel for `name`, built once around tfjs's own (which it calls for layouts it does not handle). */
export function ridgeWebgpuKernel(name: string): tf.KernelFunc {
  const candidate = CANDIDATES.find((c) => c.kernelName === name);
  const original = originalWebgpuKernel(name);
  if (!candidate || !original) throw new Error(`no ridge webgpu kernel for ${name}`);
  let k = built.get(name);
  if (!k) built.set(name, (k = candidate.build(original.kernelFunc)));
  return k;
}

/** Installs ours (true) or tfjs's own (false) for `name`. */
export function useRidgeWebgpuKernel(name: string, ours: boolean): void {
  if (ours) replaceWebgpuKernel(name, ridgeWebgpuKernel(name));
  else restoreWebgpuKernel(name);
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

/** Milliseconds for `reps` passes over all calls with the kernel now registered (after one untimed pass). */
async function timeCalls(
  candidate: Candidate,
  calls: ConvCall[],
  inputs: Record<string, tf.Tensor>[],
  reps: number,
): Promise<number> {
  const pass = async () => {
    const outs = calls.flatMap((c, i) => (candidate.applies(c) ? [candidate.run(c, inputs[i]!)] : []));
    const done = tf.addN(outs.map((o) => tf.sum(o)));
    await done.data(); // waits for every kernel submitted before it
    tf.dispose([...outs, done]);
  };
  await pass();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) await pass();
  return (performance.now() - t0) / reps;
}

/** What chooseWebgpuConvKernels measured for one kernel. */
export interface KernelTiming {
  kernelName: string;
  tfjsMs: number;
  ridgeMs: number;
  ridge: boolean;
}

/**
 * Times tfjs's and our kernel for each candidate on `calls` (the model's convolutions; webgpu must be the
 * active backend) and leaves the faster registered. Returns the timings, and a line for the backend reason.
 */
export async function chooseWebgpuConvKernels(
  calls: ConvCall[],
  reps = 2,
): Promise<{ timings: KernelTiming[]; note: string }> {
  if (tf.getBackend() !== 'webgpu')
    throw new Error('chooseWebgpuConvKernels needs the webgpu backend active');
  const timings: KernelTiming[] = [];
  const inputs = calls.map((c) => ({
    x: tf.randomUniform(c.xShape, -1, 1),
    dy: tf.randomUniform(outShape(c), -1, 1),
    filter: tf.randomUniform(c.filterShape, -1, 1),
  }));
  try {
    for (const candidate of CANDIDATES) {
      if (!calls.some(candidate.applies)) continue;
      useRidgeWebgpuKernel(candidate.kernelName, false);
      const tfjsMs = await timeCalls(candidate, calls, inputs, reps);
      useRidgeWebgpuKernel(candidate.kernelName, true);
      const ridgeMs = await timeCalls(candidate, calls, inputs, reps);
      const ridge = ridgeMs < tfjsMs;
      useRidgeWebgpuKernel(candidate.kernelName, ridge);
      timings.push({ kernelName: candidate.kernelName, tfjsMs, ridgeMs, ridge });
    }
  } finally {
    tf.dispose(inputs.flatMap((t) => Object.values(t)));
  }
  const ms = (v: number) => (v >= 10 ? v.toFixed(0) : v.toPrecision(2));
  const note = timings
    .map(
      (t) =>
        `${t.kernelName} ${t.ridge ? 'ours' : "tfjs's"} (${ms(t.ridgeMs)} ms ours vs ${ms(t.tfjsMs)} ms tfjs's per step)`,
    )
    .join(', ');
  return { timings, note: note ? `kernels timed here: ${note}` : 'no convolution to time' };
}

/** How the convolution-gradient kernels are chosen: RIDGE_WEBGPU_KERNELS=timed (default), ridge or tfjs. */
export type WebgpuKernelPolicy = 'timed' | 'ridge' | 'tfjs';

/** The policy RIDGE_WEBGPU_KERNELS asks for; throws on any other value. */
export function webgpuKernelPolicy(): WebgpuKernelPolicy {
  const v = process.env.RIDGE_WEBGPU_KERNELS ?? 'timed';
  if (v !== 'timed' && v !== 'ridge' && v !== 'tfjs')
    throw new Error(`RIDGE_WEBGPU_KERNELS must be timed, ridge or tfjs, got '${v}'`);
  return v;
}

/**
 * Makes the webgpu backend's convolution-gradient kernels ready for `model` trained at `batch`: timed on its
 * convolutions (the default) or as RIDGE_WEBGPU_KERNELS forces. Returns a line for the backend reason.
 */
export async function prepareWebgpuKernels(model: tf.LayersModel, batch: number): Promise<string> {
  const policy = webgpuKernelPolicy();
  if (policy === 'timed') return (await chooseWebgpuConvKernels(convCallsOf(model, batch))).note;
  for (const name of WEBGPU_KERNEL_CANDIDATES) useRidgeWebgpuKernel(name, policy === 'ridge');
  return `convolution-gradient kernels: ${policy === 'ridge' ? 'ours' : "tfjs's"} (RIDGE_WEBGPU_KERNELS=${policy})`;
}
