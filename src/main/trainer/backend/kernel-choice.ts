// Chooses, per replaceable kernel, between tfjs-node's own implementation and Ridge's replacement by timing both
// on this machine, on a tensor the size of the model's first feature map; and likewise whether training-mode
// batch norm runs as TensorFlow's fused kernels ('native', fused-batch-norm.ts) or as tfjs-layers' plain ops
// ('replacement'), timed forward and backward, and whether the ReLU gradient is TensorFlow's ReluGrad kernel
// (relu-grad.ts). Done at backend selection and cached with it (same key: machine, packages, candidates, model
// shape), so a new machine, package or model shape is measured again and everything else reuses the
// measurement.
import * as tf from '@tensorflow/tfjs';
import type { BackendName, KernelChoice } from '../../../shared/domain/runs';
import { backendCacheKey, readCacheFile, writeCacheEntry } from './cache';
import {
  activeBatchNormTraining,
  BATCH_NORM_TRAINING_CHOICE,
  batchNormTraining,
  useBatchNormTraining,
} from './fused-batch-norm';
import {
  KERNEL_CHOICE_NAMES,
  NATIVE_KERNEL_REPLACEMENTS,
  originalNativeKernel,
  useNativeKernel,
  type KernelImpl,
} from './native-kernels';
import { RELU_GRAD_CHOICE, useReluGrad } from './relu-grad';

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

/** One choice between two implementations: how to install each, and how long one run of the active one takes. */
interface Candidate {
  kernel: string;
  /** Whether the 'native' implementation exists here (a kernel tfjs-node lacks keeps the replacement). */
  hasNative: boolean;
  use(impl: KernelImpl): void;
  /** Makes the inputs, returns a timed run (ms) of what is installed, and the disposal of the inputs. */
  prepare(shape: number[]): { run(): number; dispose(): void };
}

/** A kernel of NATIVE_KERNEL_REPLACEMENTS, run once through the engine as training calls it. */
function kernelCandidate(kernelName: string): Candidate {
  return {
    kernel: kernelName,
    hasNative: originalNativeKernel(kernelName) !== undefined,
    use: (impl) => useNativeKernel(kernelName, impl),
    prepare(shape) {
      const c = timingCase(kernelName, shape);
      return {
        run() {
          const t0 = performance.now();
          const out = tf.engine().runKernel(kernelName, c.inputs, c.attrs) as tf.Tensor | tf.Tensor[];
          const ms = performance.now() - t0;
          tf.dispose(out);
          return ms;
        },
        dispose: () => tf.dispose(Object.values(c.inputs)),
      };
    },
  };
}

/**
 * Training-mode batch norm: TensorFlow's FusedBatchNormV3 + FusedBatchNormGradV3 ('native') against tfjs-layers'
 * moments + batchNorm and their autodiff ('replacement', with the FusedBatchNorm kernel chosen before it).
 * One run is a forward and the gradients w.r.t. input, gamma and beta, as a training step needs them.
 */
const batchNormTrainingCandidate: Candidate = {
  kernel: BATCH_NORM_TRAINING_CHOICE,
  hasNative: true,
  use: (impl) => useBatchNormTraining(impl === 'native' ? 'fused' : 'ops'),
  prepare(shape) {
    const c = shape[shape.length - 1]!;
    const x = tf.randomUniform<tf.Rank>(shape, -1, 1, 'float32', 7) as tf.Tensor4D;
    const gamma = tf.randomUniform([c], 0.5, 1.5, 'float32', 3) as tf.Tensor1D;
    const beta = tf.randomUniform([c], -0.1, 0.1, 'float32', 4) as tf.Tensor1D;
    const w = tf.randomUniform(shape, -1, 1, 'float32', 8);
    return {
      run() {
        const path = activeBatchNormTraining();
        const t0 = performance.now();
        tf.tidy(() =>
          tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
            tf.sum(
              tf.mul(
                batchNormTraining(path, a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3).y,
                w,
              ),
            ),
          )([x, gamma, beta]),
        );
        return performance.now() - t0;
      },
      dispose: () => tf.dispose([x, gamma, beta, w]),
    };
  },
};

/**
 * The ReLU gradient: TensorFlow's ReluGrad ('native') against tfjs' dy * step(x) ('replacement', with the Step
 * kernel chosen before it). One run is the gradient alone (through tfjs' gradient registry, as autodiff calls
 * it), given dy and x: the forward ReLU is the same kernel either way.
 */
const reluGradCandidate: Candidate = {
  kernel: RELU_GRAD_CHOICE,
  hasNative: true,
  use: (impl) => useReluGrad(impl === 'native' ? 'fused' : 'ops'),
  prepare(shape) {
    const x = tf.randomUniform(shape, -1, 1, 'float32', 7);
    const dy = tf.randomUniform(shape, -1, 1, 'float32', 8);
    return {
      run() {
        const grad = tf.getGradient(tf.Relu)!;
        const t0 = performance.now();
        tf.tidy(() => grad.gradFunc(dy, [x], {}).x!());
        return performance.now() - t0;
      },
      dispose: () => tf.dispose([x, dy]),
    };
  },
};

/** Every choice, in the order they are made (the kernels first: the other choices' 'replacement' uses them). */
function candidates(): Candidate[] {
  return [
    ...NATIVE_KERNEL_REPLACEMENTS.map((k) => kernelCandidate(k.kernelName)),
    batchNormTrainingCandidate,
    reluGradCandidate,
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Times both implementations of each choice (tfjs-node's own kernel and the replacement; TensorFlow's fused
 * batch norm and the plain ops) and installs the faster of each; the native backend must be active.
 */
export function timeAndChooseKernels(shape: number[], reps = KERNEL_TIMING_REPS): KernelChoice[] {
  const out: KernelChoice[] = [];
  for (const k of candidates()) {
    const c = k.prepare(shape);
    const times: Record<KernelImpl, number[]> = { native: [], replacement: [] };
    const impls: KernelImpl[] = k.hasNative ? ['native', 'replacement'] : ['replacement'];
    try {
      for (let r = -1; r < reps; r++)
        for (const impl of impls) {
          k.use(impl);
          const ms = c.run();
          if (r >= 0) times[impl].push(ms); // r = -1 is the warm-up
        }
    } finally {
      c.dispose();
    }
    const nativeMs = k.hasNative ? median(times.native) : Infinity;
    const replacementMs = median(times.replacement);
    const used: KernelImpl = replacementMs < nativeMs ? 'replacement' : 'native';
    k.use(used);
    out.push({ kernel: k.kernel, used, nativeMs, replacementMs, shape });
  }
  return out;
}

/** Installs a recorded choice (from the cache) without timing anything. */
export function applyKernelChoices(choices: readonly KernelChoice[]): void {
  const all = candidates();
  for (const c of choices) all.find((k) => k.kernel === c.kernel)?.use(c.used);
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
    c.length === KERNEL_CHOICE_NAMES.length &&
    KERNEL_CHOICE_NAMES.every((name) => c.some((x) => x.kernel === name));
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
