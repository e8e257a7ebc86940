// The small part of tfjs-backend-webgpu's program interface our kernels use, typed here so that this code does
// not depend on the WebGPU DOM types (the package is an optional dependency, loaded only when webgpu is chosen).
import type * as tf from '@tensorflow/tfjs';

/** A compute program as WebGPUBackend.runWebGPUProgram takes it (tfjs-backend-webgpu's WebGPUProgram). */
export interface WebgpuProgram {
  outputShape: number[];
  /** Part of the pipeline cache key: must name every constant baked into the WGSL. */
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  /** Extra uniform fields, WGSL struct syntax ('a : i32, b : vec2<i32>,'). */
  uniforms?: string;
  workgroupSize: [number, number, number];
  /** Adds `uniforms.size` (the output's element count) when true. */
  size?: boolean;
  getUserCode: () => string;
}

/** Uniform values in the order of WebgpuProgram.uniforms. */
export type ProgramUniforms = { type: 'int32' | 'uint32' | 'float32'; data: number[] }[];

/** The WebGPUBackend members our kernels call. */
export interface WebgpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number; maxComputeWorkgroupStorageSize: number } };
  runWebGPUProgram(
    program: WebgpuProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: ProgramUniforms,
  ): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** The backend a kernel function was called with, as the WebGPUBackend it is when registered for 'webgpu'. */
export function webgpuBackendOf(args: { backend: unknown }): WebgpuBackendLike {
  return args.backend as WebgpuBackendLike;
}
