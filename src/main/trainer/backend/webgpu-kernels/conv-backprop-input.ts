// Conv2DBackpropInput (the input gradient of a convolution) for the webgpu backend, as an implicit GEMM per
// stride phase. An input pixel (iy, ix) receives from filter tap (wr, wc) only when iy + padT - wr is a multiple
// of the stride, so pixels with the same (iy mod strideH, ix mod strideW) share one set of taps: for each such
// phase,
//   dX[m, n] = sum over k of dY[m, k] * W[k, n],   m = (batch, qy, qx) with iy = py + qy*strideH (likewise x),
//   k = (tap of the phase, co), n = ci,
// a dense GEMM with no multiplications by the zeros a strided transposed convolution would insert (a 3x3
// stride-2 gradient does 9 tap products per 4 pixels instead of 36). Workgroups of 8x8 threads own 32x32 tiles
// of dX, stage 32 columns of k at a time and accumulate 4x4 outputs each; dispatch z is the phase. NHWC only.
import * as tf from '@tensorflow/tfjs';
import {
  intUniformFields,
  intUniformValues,
  tileProductWgsl,
  webgpuBackendOf,
  type WebgpuProgram,
} from './program';

const TILE = 32;

const UNIFORMS = [
  'kh',
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
  'batch',
  'maxPhaseM',
] as const;

class InputGemmProgram implements WebgpuProgram {
  variableNames = ['dy', 'W'];
  uniforms = intUniformFields(UNIFORMS);
  workgroupSize: [number, number, number] = [8, 8, 1];
  dispatchLayout = { x: [3], y: [1, 2], z: [0] };
  dispatch: [number, number, number];
  shaderKey = `ridgeConvBackpropInputGemm_${TILE}`;
  constructor(
    public outputShape: number[],
    ci: number,
    maxPhaseM: number,
    phases: number,
  ) {
    this.dispatch = [Math.ceil(ci / TILE), Math.ceil(maxPhaseM / TILE), phases];
  }
  getUserCode(): string {
    return `
      var<workgroup> tileA : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> tileB : array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> phaseK : i32;

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let lid = i32(localIndex);
        let n0 = i32(workgroupId.x) * ${TILE};
        let m0 = i32(workgroupId.y) * ${TILE};
        let phase = i32(workgroupId.z);
        let py = phase / uniforms.strideW;
        let px = phase - py * uniforms.strideW;
        // This phase's pixels: rows py, py + strideH, ... (likewise columns), in every image of the batch.
        let ph = (uniforms.inH - py + uniforms.strideH - 1) / uniforms.strideH;
        let pw = (uniforms.inW - px + uniforms.strideW - 1) / uniforms.strideW;
        let mTotal = uniforms.batch * ph * pw;
        // Its taps: wr = wr0, wr0 + strideH, ... below kh (likewise wc); none when wr0 >= kh.
        let wr0 = (py + uniforms.padT) % uniforms.strideH;
        let wc0 = (px + uniforms.padL) % uniforms.strideW;
        let nr = max(0, (uniforms.kh - wr0 + uniforms.strideH - 1) / uniforms.strideH);
        let nc = max(0, (uniforms.kw - wc0 + uniforms.strideW - 1) / uniforms.strideW);
        // A barrier may only sit in uniform control flow, and WGSL deems values derived from the builtins (which
        // reach us through private variables) non-uniform: the loop bound goes through workgroupUniformLoad.
        if (lid == 0) { phaseK = nr * nc * uniforms.co; }
        let kTotal = workgroupUniformLoad(&phaseK);
        var acc : array<array<f32, 4>, 4>;
        for (var k0 = 0; k0 < kTotal; k0 = k0 + ${TILE}) {
          for (var i = 0; i < ${(TILE * TILE) / 64}; i = i + 1) {
            let e = lid + i * 64;
            let row = e / ${TILE};
            let col = e - row * ${TILE};
            // tileA[row = m][col = k]: dY at the output pixel that tap k maps input pixel m to.
            var a = 0.0;
            let m = m0 + row;
            let ka = k0 + col;
            if (m < mTotal && ka < kTotal) {
              let per = ph * pw;
              let b = m / per;
              let rem = m - b * per;
              let qy = rem / pw;
              let qx = rem - qy * pw;
              let tap = ka / uniforms.co;
              let c = ka - tap * uniforms.co;
              let j = tap / nc;
              let l = tap - j * nc;
              let oy = (py + qy * uniforms.strideH + uniforms.padT - wr0 - j * uniforms.strideH) / uniforms.strideH;
              let ox = (px + qx * uniforms.strideW + uniforms.padL - wc0 - l * uniforms.strideW) / uniforms.strideW;
              if (oy >= 0 && oy < uniforms.outH && ox >= 0 && ox < uniforms.outW) {
                a = dy[((b * uniforms.outH + oy) * uniforms.outW + ox) * uniforms.co + c];
              }
            }
            tileA[row][col] = a;
            // tileB[row = k][col = n]: W[wr, wc, n, co], read along co (contiguous) by neighbouring threads.
            var w = 0.0;
            let kb = k0 + e % ${TILE};
            let nb = n0 + e / ${TILE};
            if (kb < kTotal && nb < uniforms.ci) {
              let tap = kb / uniforms.co;
              let c = kb - tap * uniforms.co;
              let j = tap / nc;
              let l = tap - j * nc;
              let wr = wr0 + j * uniforms.strideH;
              let wc = wc0 + l * uniforms.strideW;
              w = W[((wr * uniforms.kw + wc) * uniforms.ci + nb) * uniforms.co + c];
            }
            tileB[e % ${TILE}][e / ${TILE}] = w;
          }
          workgroupBarrier();
          ${tileProductWgsl(TILE, 'tileA[ty + 8 * i][r]', 'tileB[r][tx + 8 * i]')}
          workgroupBarrier();
        }
        let per = ph * pw;
        for (var i = 0; i < 4; i = i + 1) {
          let m = m0 + ty + 8 * i;
          if (m < mTotal) {
            let b = m / per;
            let rem = m - b * per;
            let qy = rem / pw;
            let qx = rem - qy * pw;
            let iy = py + qy * uniforms.strideH;
            let ix = px + qx * uniforms.strideW;
            let base = ((b * uniforms.inH + iy) * uniforms.inW + ix) * uniforms.ci;
            for (var j = 0; j < 4; j = j + 1) {
              let n = n0 + tx + 8 * j;
              if (n < uniforms.ci) { result[base + n] = acc[i][j]; }
            }
          }
        }
      }
    `;
  }
}

/** Our Conv2DBackpropInput; NCHW calls (the trainer makes none) go to `fallback`, tfjs's own kernel. */
export function conv2dBackpropInputGemm(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const maxPhaseM = info.batchSize * Math.ceil(info.inHeight / sh) * Math.ceil(info.inWidth / sw);
    const uniforms = intUniformValues([
      info.filterHeight,
      info.filterWidth,
      info.inChannels,
      info.outChannels,
      info.inHeight,
      info.inWidth,
      info.outHeight,
      info.outWidth,
      sh,
      sw,
      info.padInfo.top,
      info.padInfo.left,
      info.batchSize,
      maxPhaseM,
    ]);
    const program = new InputGemmProgram(info.inShape, info.inChannels, maxPhaseM, sh * sw);
    return webgpuBackendOf(args).runWebGPUProgram(program, [dy, filter], 'float32', uniforms);
  };
}
