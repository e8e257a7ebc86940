// Training-mode batch normalization as TensorFlow's own fused kernels on the native backend. tfjs-layers'
// BatchNormalization computes tf.moments and tf.batchNorm as separate ops in training, and autodiff expands
// their backward into dozens of elementwise kernels per layer (the per-op profile of one scratch-detector step:
// Multiply 515 calls, Sub 163, Add 151, RealDiv 62, Sum 126). TensorFlow has the whole thing as two kernels:
// FusedBatchNormV3 (is_training) forward and FusedBatchNormGradV3 backward. This module registers them as
// tfjs kernels with a gradient, and switches BatchNormalization layers to them in training when the switch
// is on (kernel-choice.ts times both paths on the machine and decides). Same math as tfjs-layers: batch mean
// and biased batch variance normalise, the moving statistics take the biased variance with Keras' update
// (moving -= (moving - batch) * (1 - momentum)); only the arithmetic order differs (float rounding).
// Inference, other backends, and layers the fused kernel cannot take (not rank 4, channels not last) keep
// tfjs-layers' own path.
import * as tf from '@tensorflow/tfjs';

/** The backend name tfjs-node and tfjs-node-gpu register under. */
const NATIVE = 'tensorflow';

/** Our kernel: TensorFlow's FusedBatchNormV3 in training; outputs y, batch mean, biased batch variance, reserves. */
export const FUSED_BN_TRAINING = 'RidgeFusedBatchNormTraining';
/** Our kernel: TensorFlow's FusedBatchNormGradV3 (dx, dscale, doffset from dy, x, scale and the reserves). */
export const FUSED_BN_TRAINING_GRAD = 'RidgeFusedBatchNormTrainingGrad';

/** The name this choice is recorded under in a run's kernels (TensorFlow's op; its gradient op comes with it). */
export const BATCH_NORM_TRAINING_CHOICE = 'FusedBatchNormV3';

/** Which path training-mode batch norm takes: TensorFlow's fused kernels, or tfjs-layers' plain ops. */
export type BatchNormTrainingPath = 'fused' | 'ops';

// The parts of tfjs-node's NodeJSKernelBackend used here (run any TensorFlow op by name).
interface TfAttr {
  name: string;
  type: number;
  value: number | string | boolean;
}
interface NodeBackendLike {
  binding: Record<string, number>;
  executeMultipleOutputs(name: string, attrs: TfAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

function opAttrs(backend: NodeBackendLike, epsilon: number, forward: boolean): TfAttr[] {
  const b = backend.binding;
  const float = (name: string): TfAttr => ({ name, type: b.TF_ATTR_TYPE!, value: b.TF_FLOAT! });
  return [
    float('T'),
    float('U'),
    { name: 'epsilon', type: b.TF_ATTR_FLOAT!, value: epsilon },
    ...(forward ? [{ name: 'exponential_avg_factor', type: b.TF_ATTR_FLOAT!, value: 1 }] : []),
    { name: 'data_format', type: b.TF_ATTR_STRING!, value: 'NHWC' },
    { name: 'is_training', type: b.TF_ATTR_BOOL!, value: true },
  ];
}

/**
 * Forward: [y, mean, variance (biased, as tf.moments), reserve1, reserve2, reserve3]. TensorFlow returns the
 * Bessel-corrected variance (n / max(n - 1, 1)), which is scaled back here; the reserves are what the
 * gradient kernel needs on this device (CPU: mean and biased variance; cuDNN: mean and inverse std).
 */
const fusedTrainingForward: tf.KernelFunc = (args) => {
  const { x, scale, offset } = args.inputs as Record<string, tf.Tensor>;
  const epsilon = Number(args.attrs?.epsilon ?? 1e-3);
  const backend = args.backend as unknown as NodeBackendLike;
  return tf.tidy(() => {
    const empty = tf.tensor1d([]);
    const [y, mean, corrected, r1, r2, r3] = backend.executeMultipleOutputs(
      'FusedBatchNormV3',
      opAttrs(backend, epsilon, true),
      [x!, scale!, offset!, empty, empty],
      6,
    );
    const n = x!.size / x!.shape[3]!;
    const variance = tf.mul(corrected!, Math.max(n - 1, 1) / n);
    return [y!, mean!, variance, r1!, r2!, r3!];
  });
};

/** Backward: [dx, dscale, doffset]. */
const fusedTrainingBackward: tf.KernelFunc = (args) => {
  const { dy, x, scale, r1, r2, r3 } = args.inputs as Record<string, tf.Tensor>;
  const epsilon = Number(args.attrs?.epsilon ?? 1e-3);
  const backend = args.backend as unknown as NodeBackendLike;
  return tf.tidy(() =>
    backend
      .executeMultipleOutputs(
        'FusedBatchNormGradV3',
        opAttrs(backend, epsilon, false),
        [dy!, x!, scale!, r1!, r2!, r3!],
        5,
      )
      .slice(0, 3),
  );
};

/**
 * Gradient of the forward kernel w.r.t. x, scale and offset, through y only: the batch statistics it also
 * returns feed the moving averages, which no loss depends on (their gradients are ignored).
 */
const fusedTrainingGradient: tf.GradConfig = {
  kernelName: FUSED_BN_TRAINING,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, false, false, true, true, true],
  gradFunc: (dys, saved, attrs) => {
    const dy = Array.isArray(dys) ? dys[0]! : dys;
    const [x, scale, r1, r2, r3] = saved as tf.Tensor[];
    // All three at once (one kernel), as autodiff would make each: they live until the backward pass ends.
    const [dx, dscale, doffset] = tf
      .engine()
      .runKernel(
        FUSED_BN_TRAINING_GRAD,
        { dy, x: x!, scale: scale!, r1: r1!, r2: r2!, r3: r3! },
        { epsilon: attrs.epsilon as number },
      ) as tf.Tensor[];
    return { x: () => dx!, scale: () => dscale!, offset: () => doffset! };
  },
};

let registered = false;

/** Registers the two kernels and the gradient (once; harmless before the native backend exists). */
export function registerFusedBatchNormKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FUSED_BN_TRAINING, backendName: NATIVE, kernelFunc: fusedTrainingForward });
  tf.registerKernel({
    kernelName: FUSED_BN_TRAINING_GRAD,
    backendName: NATIVE,
    kernelFunc: fusedTrainingBackward,
  });
  tf.registerGradient(fusedTrainingGradient);
}

/**
 * Training-mode batch norm over all axes but the last of a rank-4 tensor: the normalised output and the batch
 * mean and biased variance. 'fused' needs the native backend; 'ops' is tfjs-layers' spelling (moments, then
 * batchNorm), used to time one against the other.
 */
export function batchNormTraining(
  path: BatchNormTrainingPath,
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (path === 'ops') {
    const m = tf.moments(x, [0, 1, 2]);
    const [mean, variance] = [m.mean as tf.Tensor1D, m.variance as tf.Tensor1D];
    return { y: tf.batchNorm4d(x, mean, variance, beta, gamma, epsilon), mean, variance };
  }
  registerFusedBatchNormKernels();
  const [y, mean, variance, ...reserves] = tf
    .engine()
    .runKernel(FUSED_BN_TRAINING, { x, scale: gamma, offset: beta }, { epsilon }) as tf.Tensor[];
  tf.dispose(reserves); // the tape keeps its own references to what the gradient needs
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

// The parts of tfjs-layers' BatchNormalization the fused call reads (public at run time, not in the typings).
interface LayerVariableLike {
  read(): tf.Tensor;
  write(v: tf.Tensor): void;
}
interface BatchNormLayerLike {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: LayerVariableLike | null;
  beta?: LayerVariableLike | null;
  movingMean: LayerVariableLike;
  movingVariance: LayerVariableLike;
}
type LayerCall = (
  this: BatchNormLayerLike,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: { training?: boolean },
) => tf.Tensor;

let path: BatchNormTrainingPath = 'ops';
let originalCall: LayerCall | undefined;

/** tfjs-layers' moving-average update, as it writes it (so both paths round alike). */
function movingAverage(v: LayerVariableLike, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const orig = v.read();
    v.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - momentum)));
  });
}

/** Whether this call of a BatchNormalization layer can and should take the fused kernels. */
function takesFused(layer: BatchNormLayerLike, x: tf.Tensor, training: boolean): boolean {
  return (
    training &&
    path === 'fused' &&
    tf.getBackend() === NATIVE &&
    x.rank === 4 &&
    x.dtype === 'float32' &&
    (layer.axis === -1 || layer.axis === 3) &&
    layer.gamma != null &&
    layer.beta != null
  );
}

const fusedCall: LayerCall = function (inputs, kwargs) {
  const x = Array.isArray(inputs) ? inputs[0]! : inputs;
  if (!takesFused(this, x, kwargs.training === true)) return originalCall!.call(this, inputs, kwargs);
  return tf.tidy(() => {
    const { y, mean, variance } = batchNormTraining(
      'fused',
      x as tf.Tensor4D,
      this.gamma!.read() as tf.Tensor1D,
      this.beta!.read() as tf.Tensor1D,
      this.epsilon,
    );
    movingAverage(this.movingMean, mean, this.momentum);
    movingAverage(this.movingVariance, variance, this.momentum);
    return y;
  });
};

/** Routes every BatchNormalization layer's call through the switch (once; 'ops' calls tfjs-layers' own). */
function installLayerSwitch(): void {
  if (originalCall) return;
  // The class as tfjs-layers registered it for deserialization (making an instance would use up a layer name).
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  if (!entry) throw new Error('tfjs-layers has no BatchNormalization class registered');
  const proto = (entry[0] as unknown as { prototype: { call: LayerCall } }).prototype;
  originalCall = proto.call;
  proto.call = fusedCall;
}

/** Chooses the path of training-mode batch norm from now on (the fused one applies on the native backend only). */
export function useBatchNormTraining(p: BatchNormTrainingPath): void {
  if (p === 'fused') {
    registerFusedBatchNormKernels();
    installLayerSwitch();
  }
  path = p;
}

/** The path training-mode batch norm takes now on the native backend. */
export function activeBatchNormTraining(): BatchNormTrainingPath {
  return path;
}
