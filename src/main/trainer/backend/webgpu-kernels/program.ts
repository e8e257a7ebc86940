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

/** WGSL uniform fields, all i32, for the names given (what WebgpuProgram.uniforms takes). */
export function intUniformFields(names: readonly string[]): string {
  return names.map((u) => `${u} : i32,`).join(' ');
}

/** Uniform values for intUniformFields, in the same order. */
export function intUniformValues(values: number[]): ProgramUniforms {
  return values.map((v) => ({ type: 'int32', data: [v] }));
}

/**
 * WGSL of the inner product of the two staged tiles, shared by the implicit-GEMM kernels: for each of the
 * `tile` columns r, every thread (tx, ty of an 8x8 workgroup) adds a(ty + 8i, r) * b(r, tx + 8j) to acc[i][j]
 * for its 4x4 outputs. `a` and `b` are WGSL expressions in i (the 4 rows or columns of a thread) and r.
 */
export function tileProductWgsl(tile: number, a: string, b: string): string {
  return `
          for (var r = 0; r < ${tile}; r = r + 1) {
            var av : array<f32, 4>;
            var bv : array<f32, 4>;
            for (var i = 0; i < 4; i = i + 1) {
              av[i] = ${a};
              bv[i] = ${b};
            }
            for (var i = 0; i < 4; i = i + 1) {
              for (var j = 0; j < 4; j = j + 1) {
                acc[i][j] = fma(av[i], bv[j], acc[i][j]);
              }
            }
          }`;
}
