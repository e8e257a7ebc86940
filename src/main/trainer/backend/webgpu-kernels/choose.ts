// Which convolution-gradient kernel runs on webgpu is decided on this machine, at backend selection, shape by
// shape: tfjs-backend-webgpu's kernel and ours are both timed on each convolution of the model about to train
// (its real shapes and batch), and a dispatcher registered in tfjs's place runs the faster one for each shape
// (for a shape not timed, the one that was faster over all). Never a constant: which wins depends on the GPU
// and on the shape. RIDGE_WEBGPU_KERNELS=ridge or tfjs forces one everywhere.
import * as tf from '@tensorflow/tfjs';
import {
  callKey,
  candidateFor,
  CANDIDATES,
  convCallsOf,
  outShape,
  ridgeWebgpuKernel,
  WEBGPU_KERNEL_CANDIDATES,
  type Candidate,
  type ConvCall,
} from './candidates';
import { originalWebgpuKernel, replaceWebgpuKernel, restoreWebgpuKernel } from './index';

/** Per kernel name: whether ours runs for a shape key, and for shapes not timed; absent: not mixed. */
const decisions = new Map<string, { byShape: Map<string, boolean>; otherwise: boolean }>();

/** Installs ours (true) or tfjs's own (false) for `name`, for every shape. */
export function useRidgeWebgpuKernel(name: string, ours: boolean): void {
  decisions.delete(name);
  if (ours) replaceWebgpuKernel(name, ridgeWebgpuKernel(name));
  else restoreWebgpuKernel(name);
}

/** Installs, for `name`, a kernel that runs ours for the shapes in `byShape` marked true, tfjs's for the rest. */
function useMixedWebgpuKernel(name: string, byShape: Map<string, boolean>, otherwise: boolean): void {
  const candidate = candidateFor(name);
  const ours = ridgeWebgpuKernel(name);
  const theirs = originalWebgpuKernel(name)!.kernelFunc;
  decisions.set(name, { byShape, otherwise });
  replaceWebgpuKernel(name, (args) =>
    (byShape.get(candidate.keyOfArgs(args)) ?? otherwise) ? ours(args) : theirs(args),
  );
}

/** Whether ours runs now for `call` of kernel `name` (what the registered kernel would do). */
export function ridgeRunsFor(name: string, call: ConvCall): boolean {
  const d = decisions.get(name);
  if (d) return d.byShape.get(callKey(call)) ?? d.otherwise;
  return tf.getKernel(name, 'webgpu')?.kernelFunc === ridgeWebgpuKernel(name);
}

/** Mean ms of one call of the kernel now registered, over `reps` runs after one untimed run. */
async function timeCall(
  candidate: Candidate,
  c: ConvCall,
  t: Record<string, tf.Tensor>,
  reps: number,
): Promise<number> {
  const once = async (n: number) => {
    const outs = Array.from({ length: n }, () => candidate.run(c, t));
    const done = tf.addN(outs.map((o) => tf.sum(o)));
    await done.data(); // waits for every kernel submitted before it
    tf.dispose([...outs, done]);
  };
  await once(1);
  const t0 = performance.now();
  await once(reps);
  return (performance.now() - t0) / reps;
}

/** What chooseWebgpuConvKernels measured for one kernel, summed over the calls of one step. */
export interface KernelTiming {
  kernelName: string;
  tfjsMs: number;
  ridgeMs: number;
  /** The sum with each call's faster kernel: what a step now spends in this kernel. */
  chosenMs: number;
  /** Calls that run ours, out of `calls`. */
  ridgeCalls: number;
  calls: number;
  /** Per call, in the order of the calls given: [tfjs ms, ridge ms]. */
  perCall: [number, number][];
}

/**
 * Times tfjs's and our kernel for each candidate on each of `calls` (the model's convolutions; webgpu must be
 * the active backend) and registers a kernel that runs the faster for each shape. Returns the timings, and a
 * line for the backend reason.
 */
export async function chooseWebgpuConvKernels(
  calls: ConvCall[],
  reps = 3,
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
      const used = calls.flatMap((c, i) => (candidate.applies(c) ? [{ c, t: inputs[i]! }] : []));
      if (used.length === 0) continue;
      const perCall: [number, number][] = [];
      for (const { c, t } of used) {
        useRidgeWebgpuKernel(candidate.kernelName, false);
        const tfjs = await timeCall(candidate, c, t, reps);
        useRidgeWebgpuKernel(candidate.kernelName, true);
        perCall.push([tfjs, await timeCall(candidate, c, t, reps)]);
      }
      const sum = (f: (p: [number, number]) => number) => perCall.reduce((a, p) => a + f(p), 0);
      const tfjsMs = sum((p) => p[0]);
      const ridgeMs = sum((p) => p[1]);
      const byShape = new Map<string, boolean>();
      used.forEach(({ c }, i) => byShape.set(callKey(c), perCall[i]![1] < perCall[i]![0]));
      useMixedWebgpuKernel(candidate.kernelName, byShape, ridgeMs < tfjsMs);
      timings.push({
        kernelName: candidate.kernelName,
        tfjsMs,
        ridgeMs,
        chosenMs: sum((p) => Math.min(p[0], p[1])),
        ridgeCalls: used.filter(({ c }) => byShape.get(callKey(c))).length,
        calls: used.length,
        perCall,
      });
    }
  } finally {
    tf.dispose(inputs.flatMap((t) => Object.values(t)));
  }
  const ms = (v: number) => (v >= 10 ? v.toFixed(0) : v.toPrecision(2));
  const note = timings
    .map(
      (t) =>
        `${t.kernelName} ours on ${t.ridgeCalls} of ${t.calls} shapes (per step: tfjs's ${ms(t.tfjsMs)} ms, ours ${ms(t.ridgeMs)} ms, chosen ${ms(t.chosenMs)} ms)`,
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
