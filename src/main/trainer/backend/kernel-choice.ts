// Chooses, per replaceable kernel, between tfjs-node's own implementation and Ridge's replacement by timing both
// on this machine, on a tensor the size of the model's first feature map. Done at backend selection and cached
// with it (same key: machine, packages, candidates, model shape), so a new machine, package or model shape is
// measured again and everything else reuses the measurement.
import * as tf from '@tensorflow/tfjs';
import type { BackendName, KernelChoice } from '../../../shared/domain/runs';
import { backendCacheKey, readCacheFile, writeCacheEntry } from './cache';
import {
  NATIVE_KERNEL_REPLACEMENTS,
  originalNativeKernel,
  useNativeKernel,
  type KernelImpl,
} from './native-kernels';

const CACHE_FILE = 'kernel-choice.json';

/** Timed repetitions of each implementation (interleaved, median kept: other work on the machine is noise). */
export const KERNEL_TIMING_REPS = 5;

/**
 * The tensor both implementations are timed on: a batch of 8 at the model's stride-2 resolution with 32
 * channels, the size of the model's first feature maps, where these kernels cost the most.
 */
export function kernelTimingShape(imgSize: number): number[] {
  const side = Math.max(1, Math.round(imgSize / 2));
  return [8, side, side, 32];
}

/** Whether a backend runs on native TensorFlow, whose kernels can be swapped. */
export function isNativeBackend(name: BackendName): boolean {
  return name === 'tfjs-node' || name === 'tfjs-node-gpu';
}

/** The inputs and attributes a kernel is timed with. */
function timingCase(
  kernelName: string,
  shape: number[],
): { inputs: tf.NamedTensorMap; attrs: tf.NamedAttrMap } {
  const channels = shape[shape.length - 1]!;
  const x = tf.randomUniform(shape, -1, 1, 'float32', 7);
  if (kernelName === tf.FusedBatchNorm) {
    const c = (lo: number, hi: number, seed: number) => tf.randomUniform([channels], lo, hi, 'float32', seed);
    return {
      inputs: {
        x,
        mean: c(-0.1, 0.1, 1),
        variance: c(0.5, 1.5, 2),
        scale: c(0.5, 1.5, 3),
        offset: c(-0.1, 0.1, 4),
      },
      attrs: { varianceEpsilon: 1e-3 },
    };
  }
  return { inputs: { x }, attrs: { alpha: 0 } };
}

function timeOnce(kernelName: string, c: { inputs: tf.NamedTensorMap; attrs: tf.NamedAttrMap }): number {
  const t0 = performance.now();
  const out = tf.engine().runKernel(kernelName, c.inputs, c.attrs) as tf.Tensor | tf.Tensor[];
  const ms = performance.now() - t0;
  tf.dispose(out);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Times tfjs-node's own kernel and the replacement (through the engine, as training calls them) and installs
 * the faster of each; the native backend must be active. A kernel tfjs-node lacks keeps the replacement.
 */
export function timeAndChooseKernels(shape: number[], reps = KERNEL_TIMING_REPS): KernelChoice[] {
  const out: KernelChoice[] = [];
  for (const k of NATIVE_KERNEL_REPLACEMENTS) {
    const c = timingCase(k.kernelName, shape);
    const times: Record<KernelImpl, number[]> = { native: [], replacement: [] };
    const hasNative = originalNativeKernel(k.kernelName) !== undefined;
    const impls: KernelImpl[] = hasNative ? ['native', 'replacement'] : ['replacement'];
    try {
      for (let r = -1; r < reps; r++)
        for (const impl of impls) {
          useNativeKernel(k.kernelName, impl);
          const ms = timeOnce(k.kernelName, c);
          if (r >= 0) times[impl].push(ms); // r = -1 is the warm-up
        }
    } finally {
      tf.dispose(Object.values(c.inputs));
    }
    const nativeMs = hasNative ? median(times.native) : Infinity;
    const replacementMs = median(times.replacement);
    const used: KernelImpl = replacementMs < nativeMs ? 'replacement' : 'native';
    useNativeKernel(k.kernelName, used);
    out.push({ kernel: k.kernelName, used, nativeMs, replacementMs, shape });
  }
  return out;
}

/** Installs a recorded choice (from the cache) without timing anything. */
export function applyKernelChoices(choices: readonly KernelChoice[]): void {
  for (const c of choices) useNativeKernel(c.kernel, c.used);
}

/** Options of chooseNativeKernels. */
export interface KernelChoiceOptions {
  /** The model shape the choice is for (part of the cache key, as for the backend choice). */
  modelKey: string;
  /** The tensor shape to time on (kernelTimingShape of the model's input size). */
  shape: number[];
  /** Use and update the per-machine cache (default true). */
  useCache?: boolean;
}

/**
 * Makes the active native backend run the faster implementation of each replaceable kernel: the cached choice
 * for this machine and model shape when there is one, else both timed now (and cached). Returns what runs;
 * [] for a backend that is not native TensorFlow.
 */
export async function chooseNativeKernels(
  backend: BackendName,
  opts: KernelChoiceOptions,
): Promise<KernelChoice[]> {
  if (!isNativeBackend(backend)) return [];
  const useCache = opts.useCache ?? true;
  const key = `${backendCacheKey(opts.modelKey)}:${backend}`;
  const valid = (c: KernelChoice[] | undefined): c is KernelChoice[] =>
    Array.isArray(c) &&
    c.length === NATIVE_KERNEL_REPLACEMENTS.length &&
    NATIVE_KERNEL_REPLACEMENTS.every((k) => c.some((x) => x.kernel === k.kernelName));
  if (useCache) {
    const hit = (await readCacheFile<{ kernels: KernelChoice[] }>(CACHE_FILE))[key]?.kernels;
    if (valid(hit)) {
      applyKernelChoices(hit);
      return hit;
    }
  }
  const kernels = timeAndChooseKernels(opts.shape);
  if (useCache) await writeCacheEntry(CACHE_FILE, key, { kernels, measuredAt: new Date().toISOString() });
  return kernels;
}
