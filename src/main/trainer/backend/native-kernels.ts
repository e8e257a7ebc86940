// Replacements for tfjs-node kernels that can be much slower than the same arithmetic spelled as plain ops, and
// the switch between the two. TensorFlow's CPU FusedBatchNorm (inference form, which tfjs-node calls for every
// tf.batchNorm, so for every BatchNormalization layer in training and in eval) was measured at 188 ms on an
// [8,160,160,96] tensor on one machine against 13.6 ms for three broadcast elementwise ops; on another it took
// 4.8 ms against the ops' 17.9 ms. tfjs-node's Step (the ReLU gradient's mask, once per ReLU per training step)
// builds two full-size constant tensors and selects between them: 98-336 ms on that tensor, against 15.6 ms for
// compare, cast and a NaN-preserving select. Since which is faster depends on the machine (and the tensor),
// neither is installed by a constant: kernel-choice.ts times both at backend selection and installs the faster
// one per kernel. Gradients are unaffected: tfjs defines FusedBatchNorm's gradient from its inputs in
// JavaScript, not from the kernel. (Figures: `npm run bench -- train`, which times both versions.)
import * as tf from '@tensorflow/tfjs';
import { activeBatchNormTraining, BATCH_NORM_TRAINING_CHOICE } from './fused-batch-norm';
import { activeReluGrad, RELU_GRAD_CHOICE } from './relu-grad';

/** The backend name tfjs-node and tfjs-node-gpu register under. */
const NATIVE = 'tensorflow';

/** (x - mean) * inv + offset, with the per-channel inv = rsqrt(variance + eps) * scale computed first. */
const batchNormAsOps: tf.KernelFunc = (args) => {
  const { x, mean, variance, scale, offset } = args.inputs as Record<string, tf.Tensor | undefined>;
  const eps = Number(args.attrs?.varianceEpsilon ?? 1e-3);
  return tf.tidy(() => {
    let inv = tf.rsqrt(tf.add(variance!, eps));
    if (scale) inv = tf.mul(inv, scale);
    const y = tf.mul(tf.sub(x!, mean!), inv);
    return offset ? tf.add(y, offset) : y;
  });
};

/** step(x) = 1 where x > 0, alpha elsewhere, NaN where x is NaN (tfjs' definition). */
const stepAsOps: tf.KernelFunc = (args) => {
  const x = (args.inputs as Record<string, tf.Tensor>).x!;
  const alpha = Number(args.attrs?.alpha ?? 0);
  return tf.tidy(() => {
    let y = tf.cast(tf.greater(x, 0), x.dtype);
    if (alpha !== 0) y = tf.add(tf.mul(y, 1 - alpha), alpha);
    return tf.where(tf.isNaN(x), x, y);
  });
};

/** The kernels this module can replace on the native backend, and their replacements. */
export const NATIVE_KERNEL_REPLACEMENTS: readonly tf.KernelConfig[] = [
  { kernelName: tf.FusedBatchNorm, backendName: NATIVE, kernelFunc: batchNormAsOps },
  { kernelName: tf.Step, backendName: NATIVE, kernelFunc: stepAsOps },
];

/**
 * Every choice backend selection makes on the native backend: these kernels, then training-mode batch norm
 * (fused-batch-norm.ts) and the ReLU gradient (relu-grad.ts). Part of the cache key: a timing made with other candidates is not a timing of now.
 */
export const KERNEL_CHOICE_NAMES: readonly string[] = [
  ...NATIVE_KERNEL_REPLACEMENTS.map((k) => k.kernelName),
  BATCH_NORM_TRAINING_CHOICE,
  RELU_GRAD_CHOICE,
];

/** Which implementation of a replaceable kernel the native backend runs. */
export type KernelImpl = 'native' | 'replacement';

/** tfjs-node's own kernels, captured when the native backend first loads. */
const originals = new Map<string, tf.KernelConfig>();

/** tfjs-node's own kernel for `name` (undefined before the native backend has loaded). */
export function originalNativeKernel(name: string): tf.KernelConfig | undefined {
  return originals.get(name);
}

/** Remembers tfjs-node's own kernels; call once after tfjs-node(-gpu) has registered the native backend. */
export function captureNativeKernels(): void {
  for (const k of NATIVE_KERNEL_REPLACEMENTS) {
    if (originals.has(k.kernelName)) continue;
    const current = tf.getKernel(k.kernelName, NATIVE);
    if (current && current.kernelFunc !== k.kernelFunc) originals.set(k.kernelName, current);
  }
}

/** Registers `impl` for `kernelName` on the native backend (a kernel without a tfjs-node original stays ours). */
export function useNativeKernel(kernelName: string, impl: KernelImpl): void {
  const replacement = NATIVE_KERNEL_REPLACEMENTS.find((k) => k.kernelName === kernelName);
  if (!replacement) throw new Error(`no replacement for kernel ${kernelName}`);
  const original = originals.get(kernelName);
  const wanted = impl === 'replacement' || !original ? replacement : original;
  const current = tf.getKernel(kernelName, NATIVE);
  if (current?.kernelFunc === wanted.kernelFunc) return;
  if (current) tf.unregisterKernel(kernelName, NATIVE);
  tf.registerKernel(wanted);
}

/** The implementation the native backend runs now for each choice (KERNEL_CHOICE_NAMES). */
export function activeNativeKernels(): Record<string, KernelImpl> {
  const out: Record<string, KernelImpl> = {};
  for (const k of NATIVE_KERNEL_REPLACEMENTS)
    out[k.kernelName] =
      tf.getKernel(k.kernelName, NATIVE)?.kernelFunc === k.kernelFunc ? 'replacement' : 'native';
  out[BATCH_NORM_TRAINING_CHOICE] = activeBatchNormTraining() === 'fused' ? 'native' : 'replacement';
  out[RELU_GRAD_CHOICE] = activeReluGrad() === 'fused' ? 'native' : 'replacement';
  return out;
}
