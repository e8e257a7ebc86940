// AddN for the webgpu backend in groups the device can bind. tfjs-backend-webgpu 4.22 binds every input of
// AddN as one storage buffer, so more than maxStorageBuffersPerShaderStage - 1 inputs (7 under WebGPU's default
// limits) make an invalid pipeline: Dawn prints a validation error and the result is garbage, without an
// exception. The regularizers sum one term per kernel (23 for the scratch detector), so L1/L2 hit it.
import * as tf from '@tensorflow/tfjs';
import { webgpuBackendOf } from './program';

/** AddN takes its inputs as an array where the kernel interface declares a named map. */
function asMap(infos: tf.TensorInfo[]): tf.NamedTensorInfoMap {
  return infos as unknown as tf.NamedTensorInfoMap;
}

/** Wraps tfjs's own AddN: sums inputs in bound-sized groups, then the group sums, freeing the partials. */
export function chunkedAddN(original: tf.KernelFunc): tf.KernelFunc {
  const addN: tf.KernelFunc = (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const backend = webgpuBackendOf(args);
    const limit = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    if (inputs.length <= limit) return original(args);
    // A last group of one is summed as it is (it is an input: not ours to free).
    const partials: { info: tf.TensorInfo; owned: boolean }[] = [];
    for (let i = 0; i < inputs.length; i += limit) {
      const group = inputs.slice(i, i + limit);
      if (group.length === 1) partials.push({ info: group[0]!, owned: false });
      else partials.push({ info: addN({ ...args, inputs: asMap(group) }) as tf.TensorInfo, owned: true });
    }
    const out = addN({ ...args, inputs: asMap(partials.map((p) => p.info)) }) as tf.TensorInfo;
    for (const p of partials) if (p.owned) backend.disposeData(p.info.dataId);
    return out;
  };
  return addN;
}
