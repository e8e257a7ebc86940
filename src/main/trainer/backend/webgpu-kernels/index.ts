// Our kernels for tfjs-backend-webgpu, registered the way ../native-kernels.ts registers tfjs-node's. Two kinds:
// fixes, which replace a kernel that is wrong on this backend (always installed), and candidates, which may be
// faster than tfjs's own; whether a candidate runs is decided by timing both on this machine (choose.ts).
import * as tf from '@tensorflow/tfjs';
import { chunkedAddN } from './add-n';

/** The backend name tfjs-backend-webgpu registers under. */
export const WEBGPU = 'webgpu';

/** tfjs-backend-webgpu's own kernels, kept when ours replace them (so they can be timed and restored). */
const originals = new Map<string, tf.KernelConfig>();

/** tfjs's own webgpu kernel for `name` (the registered one while ours is not installed). */
export function originalWebgpuKernel(name: string): tf.KernelConfig | undefined {
  return originals.get(name) ?? tf.getKernel(name, WEBGPU);
}

/** Registers `kernelFunc` for `name` on webgpu, keeping tfjs's own kernel (idempotent). */
export function replaceWebgpuKernel(name: string, kernelFunc: tf.KernelFunc): void {
  const current = tf.getKernel(name, WEBGPU);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) {
    if (!originals.has(name)) originals.set(name, current);
    tf.unregisterKernel(name, WEBGPU);
  }
  tf.registerKernel({ kernelName: name, backendName: WEBGPU, kernelFunc });
}

/** Puts tfjs's own kernel for `name` back (no-op when ours is not installed). */
export function restoreWebgpuKernel(name: string): void {
  const original = originals.get(name);
  if (!original || tf.getKernel(name, WEBGPU)?.kernelFunc === original.kernelFunc) return;
  tf.unregisterKernel(name, WEBGPU);
  tf.registerKernel(original);
}

let fixedAddN: tf.KernelFunc | null = null;

/** Installs the correctness fixes; call once after tfjs-backend-webgpu has registered its kernels. */
export function installWebgpuKernelFixes(): void {
  const original = originalWebgpuKernel(tf.AddN);
  if (!original) throw new Error('tfjs-backend-webgpu registered no AddN kernel');
  fixedAddN ??= chunkedAddN(original.kernelFunc);
  replaceWebgpuKernel(tf.AddN, fixedAddN);
}
