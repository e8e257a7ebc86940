// Replacements for tfjs-node kernels that are much slower than the same arithmetic spelled as plain ops.
// TensorFlow's CPU FusedBatchNorm (inference form, which tfjs-node calls for every tf.batchNorm, so for every
// BatchNormalization layer in training and in eval) ran at under 1 GB/s on these machines: 188 ms on an
// [8,160,160,96] tensor, against 3-4 ms for one elementwise op on the same tensor, and MobileNetV2 has 52 of
// them. Three broadcast elementwise ops compute the same thing in 13.6 ms. Gradients are unaffected: tfjs
// defines FusedBatchNorm's gradient from its inputs in JavaScript, not from the kernel.
// Likewise tfjs-node's Step (the ReLU gradient's mask, once per ReLU per training step) builds two full-size
// constant tensors and selects between them: 336 ms on the same tensor, against 16.5 ms for compare, cast and
// a NaN-preserving select. (Figures: `npx tsx test/bench/train.bench.ts`, which times both versions.)
import * as tf from '@tensorflow/tfjs';

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

/** The kernels this module replaces on the native backend, and their replacements. */
export const NATIVE_KERNEL_REPLACEMENTS: readonly tf.KernelConfig[] = [
  { kernelName: tf.FusedBatchNorm, backendName: NATIVE, kernelFunc: batchNormAsOps },
  { kernelName: tf.Step, backendName: NATIVE, kernelFunc: stepAsOps },
];

/** tfjs-node's own kernels, kept once replaced so the benchmark can time them against ours. */
const originals = new Map<string, tf.KernelConfig>();

/** tfjs-node's own kernel for `name` after installNativeKernelFixes replaced it (undefined before). */
export function originalNativeKernel(name: string): tf.KernelConfig | undefined {
  return originals.get(name);
}

/** Swaps in the faster kernels on the native backend; call once after tfjs-node(-gpu) has registered it. */
export function installNativeKernelFixes(): void {
  for (const k of NATIVE_KERNEL_REPLACEMENTS) {
    const current = tf.getKernel(k.kernelName, NATIVE);
    if (current?.kernelFunc === k.kernelFunc) continue;
    if (current) {
      originals.set(k.kernelName, current);
      tf.unregisterKernel(k.kernelName, NATIVE);
    }
    tf.registerKernel(k);
  }
}
