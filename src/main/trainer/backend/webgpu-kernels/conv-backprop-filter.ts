// Conv2DBackpropFilter (the weight gradient of a convolution) for the webgpu backend, as an implicit GEMM:
//   dW[k, n] = sum over m of A[m, k] * dY[m, n],   m = (batch, oy, ox), k = (wr, wc, ci), n = co,
// where A is the im2col matrix of x, read in place (never materialised). tfjs-backend-webgpu 4.22 runs one
// thread per weight that loops alone over batch x output pixels: on an H200 it took 95% of a training step's
// kernel time. Here a workgroup of 8x8 threads owns a 32x32 tile of dW, stages 32 rows of A and dY at a time in
// workgroup memory and accumulates 4x4 outputs per thread; the m range is split across workgroups (z) so that
// small filters still fill the GPU, and a second pass sums the splits. NHWC only (the trainer's layout).
import * as tf from '@tensorflow/tfjs';
import {
  intUniformFields,
  intUniformValues,
  tileProductWgsl,
  webgpuBackendOf,
  type WebgpuProgram,
} from './program';
import { splitSum } from './split-sum';

/** Side of the output tile a workgroup computes, and of the m chunk staged per iteration. */
export const TILE = 32;
/** m rows per split at least (keeps the reduction pass small); splits aim at about this many workgroups. */
const MIN_M_PER_SPLIT = 8 * TILE;
const TARGET_WORKGROUPS = 1024;

/** The shape arithmetic of one call, in the kernel's own terms. */
export interface FilterGemm {
  K: number;
  N: number;
  M: number;
  splits: number;
  mPerSplit: number;
}

/** How the m range is split: enough workgroups to fill a GPU, never less than MIN_M_PER_SPLIT rows each. */
export function planFilterGemm(K: number, N: number, M: number): FilterGemm {
  const tiles = Math.ceil(K / TILE) * Math.ceil(N / TILE);
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / tiles), Math.ceil(M / MIN_M_PER_SPLIT)));
  const mPerSplit = Math.ceil(M / wanted / TILE) * TILE;
  return { K, N, M, splits: Math.ceil(M / mPerSplit), mPerSplit };
}

const UNIFORMS = [
  'kw',
  'ci',
  'co',
  'inH',
  'inW',
  'outH',
  'outW',
  'strideH',
  'strideW',
  'padT',
  'padL',
  'kTotal',
  'mTotal',
  'mPerSplit',
] as const;

class FilterGemmProgram implements WebgpuProgram {
  variableNames = ['x', 'dy'];
  uniforms = intUniformFields(UNIFORMS);
  workgroupSize: [number, number, number] = [8, 8, 1];
  dispatchLayout = { x: [0], y: [1], z: [2] };
  dispatch: [number, number, number];
  shaderKey = `ridgeConvBackpropFilterGemm_${TILE}`;
  constructor(
    public outputShape: number[],
    g: FilterGemm,
  ) {
    this.dispatch = [Math.ceil(g.N / TILE), Math.ceil(g.K / TILE), g.splits];
  }
  getUserCode(): string {
    return `
      var<workgroup> tileA : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> tileB : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> splitBegin : i32;

      // A[m, k]: the input pixel under filter tap k for output pixel m (0 in the padding or past the range).
      fn loadA(m : i32, k : i32, mEnd : i32) -> f32 {
        if (m >= mEnd || k >= uniforms.kTotal) { return 0.0; }
        let opx = uniforms.outH * uniforms.outW;
        let b = m / opx;
        let rem = m - b * opx;
        let oy = rem / uniforms.outW;
        let ox = rem - oy * uniforms.outW;
        let tap = k / uniforms.ci;
        let c = k - tap * uniforms.ci;
        let wr = tap / uniforms.kw;
        let wc = tap - wr * uniforms.kw;
        let iy = oy * uniforms.strideH - uniforms.padT + wr;
        let ix = ox * uniforms.strideW - uniforms.padL + wc;
        if (iy < 0 || iy >= uniforms.inH || ix < 0 || ix >= uniforms.inW) { return 0.0; }
        return x[((b * uniforms.inH + iy) * uniforms.inW + ix) * uniforms.ci + c];
      }

      fn loadB(m : i32, n : i32, mEnd : i32) -> f32 {
        if (m >= mEnd || n >= uniforms.co) { return 0.0; }
        return dy[m * uniforms.co + n];
      }

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let lid = i32(localIndex);
        let n0 = i32(workgroupId.x) * ${TILE};
        let k0 = i32(workgroupId.y) * ${TILE};
        // The builtins reach us through private variables, which WGSL deems non-uniform; a barrier may only sit
        // in uniform control flow, so the loop bound goes through workgroupUniformLoad.
        if (lid == 0) { splitBegin = i32(workgroupId.z) * uniforms.mPerSplit; }
        let mBegin = workgroupUniformLoad(&splitBegin);
        let mEnd = min(mBegin + uniforms.mPerSplit, uniforms.mTotal);
        var acc : array<array<f32, 4>, 4>;
        for (var m0 = mBegin; m0 < mEnd; m0 = m0 + ${TILE}) {
          for (var i = 0; i < ${(TILE * TILE) / 64}; i = i + 1) {
            let e = lid + i * 64;
            let row = e / ${TILE};
            let col = e - row * ${TILE};
            tileA[row][col] = loadA(m0 + row, k0 + col, mEnd);
            tileB[row][col] = loadB(m0 + row, n0 + col, mEnd);
          }
          workgroupBarrier();
          ${tileProductWgsl(TILE, 'tileA[r][ty + 8 * i]', 'tileB[r][tx + 8 * i]')}
          workgroupBarrier();
        }
        let base = i32(workgroupId.z) * uniforms.kTotal * uniforms.co;
        for (var i = 0; i < 4; i = i + 1) {
          let k = k0 + ty + 8 * i;
          for (var j = 0; j < 4; j = j + 1) {
            let n = n0 + tx + 8 * j;
            if (k < uniforms.kTotal && n < uniforms.co) {
              result[base + k * uniforms.co + n] = acc[i][j];
            }
          }
        }
      }
    `;
  }
}

/** Our Conv2DBackpropFilter; NCHW calls (the trainer makes none) go to `fallback`, tfjs's own kernel. */
export function conv2dBackpropFilterGemm(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const backend = webgpuBackendOf(args);
    const K = info.filterHeight * info.filterWidth * info.inChannels;
    const g = planFilterGemm(K, info.outChannels, info.batchSize * info.outHeight * info.outWidth);
    const uniforms = intUniformValues([
      info.filterWidth,
      info.inChannels,
      info.outChannels,
      info.inHeight,
      info.inWidth,
      info.outHeight,
      info.outWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
      K,
      g.M,
      g.mPerSplit,
    ]);
    const shape = g.splits === 1 ? info.filterShape : [g.splits, K, info.outChannels];
    const partial = backend.runWebGPUProgram(new FilterGemmProgram(shape, g), [x, dy], 'float32', uniforms);
    if (g.splits === 1) return partial;
    const out = splitSum(backend, partial, g.splits, info.filterShape);
    backend.disposeData(partial.dataId);
    return out;
  };
}
