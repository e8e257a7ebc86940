// The ReLU gradient as TensorFlow's ReluGrad kernel on the native backend. tfjs defines it as
// dy * cast(step(x)), which on tfjs-node is five kernels per ReLU per step (Step alone is three in Ridge's
// replacement: compare, cast, NaN select) and two full-size temporaries; TensorFlow's ReluGrad is one kernel:
// dy * (x > 0). The same values except where x is NaN (tfjs: NaN, TensorFlow: 0), where the loss is NaN
// already. Installed only when the switch is on (kernel-choice.ts times both and decides), only on the
// native backend; every other backend keeps tfjs' gradient.
import * as tf from '@tensorflow/tfjs';

/** The backend name tfjs-node and tfjs-node-gpu register under. */
const NATIVE = 'tensorflow';

/** Our kernel: TensorFlow's ReluGrad(gradients = dy, features = x). */
export const RELU_GRAD_KERNEL = 'RidgeReluGrad';

/** The name this choice is recorded under in a run's kernels (TensorFlow's op). */
export const RELU_GRAD_CHOICE = 'ReluGrad';

/** Which ReLU gradient runs: TensorFlow's ReluGrad kernel, or tfjs' dy * step(x). */
export type ReluGradPath = 'fused' | 'ops';

interface NodeBackendLike {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
}

const reluGradKernel: tf.KernelFunc = (args) => {
  const { dy, x } = args.inputs as Record<string, tf.Tensor>;
  const backend = args.backend as unknown as NodeBackendLike;
  const b = backend.binding;
  return backend.executeSingleOutput(
    'ReluGrad',
    [{ name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }],
    [dy!, x!],
  );
};

let path: ReluGradPath = 'ops';
let original: tf.GradConfig | undefined;

/** Routes the Relu gradient through the switch (once): tfjs' own unless the switch and the backend say ours. */
function installGradientSwitch(): void {
  if (original) return;
  const own = tf.getGradient(tf.Relu);
  if (!own) throw new Error('tfjs has no Relu gradient to wrap');
  original = own;
  tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: NATIVE, kernelFunc: reluGradKernel });
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const d = Array.isArray(dy) ? dy[0]! : dy;
      if (path !== 'fused' || tf.getBackend() !== NATIVE || d.dtype !== 'float32')
        return own.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: d, x: x! }) as tf.Tensor };
    },
  });
}

/** Chooses the ReLU gradient from now on (TensorFlow's applies on the native backend only). */
export function useReluGrad(p: ReluGradPath): void {
  if (p === 'fused') installGradientSwitch();
  path = p;
}

/** The ReLU gradient that runs now on the native backend. */
export function activeReluGrad(): ReluGradPath {
  return path;
}
