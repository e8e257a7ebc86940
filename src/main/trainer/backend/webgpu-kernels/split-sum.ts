// The second pass of a split reduction: out[i] = sum over s of partial[s, i]. One thread per output element.
import type * as tf from '@tensorflow/tfjs';
import type { WebgpuBackendLike, WebgpuProgram } from './program';

class SplitSumProgram implements WebgpuProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'ridgeSplitSum';
  constructor(public outputShape: number[]) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const size = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(size / 64), 1, 1];
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var s = 0.0;
          for (var i = 0; i < uniforms.splits; i = i + 1) {
            s = s + partial[i * uniforms.size + index];
          }
          setOutputAtIndex(index, s);
        }
      }
    `;
  }
}

/** Sums `partial` ([splits, ...]) over its first axis into a new tensor of `shape` (caller frees partial). */
export function splitSum(
  backend: WebgpuBackendLike,
  partial: tf.TensorInfo,
  splits: number,
  shape: number[],
): tf.TensorInfo {
  return backend.runWebGPUProgram(new SplitSumProgram(shape), [partial], 'float32', [
    { type: 'int32', data: [splits] },
  ]);
}
