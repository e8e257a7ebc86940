// Regularization terms and the parameter groups they act on. Only conv/dense kernels are penalised or
// decayed; biases and batch-norm parameters (gamma, beta, moving statistics) are left alone, as in the
// usual practice (and as ARCHITECTURE.md asks).
import * as tf from '@tensorflow/tfjs';
import type { RegMode } from '../../shared/domain/runs';

/** The kernel variables of a model (conv, depthwise and dense), the only ones a regularizer touches. */
export function kernelVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights
    .filter((w) => isKernelName(w.originalName))
    .map((w) => w.read() as tf.Variable);
}

/** Whether a weight name (as tfjs-layers scopes it, e.g. `stem/kernel`) is a kernel, not a bias or BN param. */
export function isKernelName(name: string): boolean {
  return /(^|\/)(kernel|depthwise_kernel|pointwise_kernel)(_\d+)?$/.test(name);
}

/**
 * The penalty added to the data loss: lambda*sum(w^2) for l2, lambda*sum|w| for l1, zero otherwise
 * (decoupled weight decay acts in the optimizer step and dropout in the forward pass, not through the loss).
 */
export function regularizationTerm(mode: RegMode, lambda: number, kernels: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if ((mode !== 'l2' && mode !== 'l1') || lambda === 0 || kernels.length === 0) return tf.scalar(0);
    const parts = kernels.map((k) => (mode === 'l2' ? tf.sum(tf.square(k)) : tf.sum(tf.abs(k))));
    return tf.mul(tf.addN(parts), lambda) as tf.Scalar;
  });
}

/**
 * The L2 norm of all kernels together, sqrt(sum w^2): the weight-size figure reported every epoch. Read
 * asynchronously: a synchronous read fails on the webgpu backend in Node (it needs OffscreenCanvas).
 */
export async function kernelNorm(kernels: tf.Tensor[]): Promise<number> {
  if (kernels.length === 0) return 0;
  const sq = tf.tidy(() => tf.addN(kernels.map((k) => tf.sum(tf.square(k)))));
  try {
    return Math.sqrt((await sq.data())[0]!);
  } finally {
    sq.dispose();
  }
}
