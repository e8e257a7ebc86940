import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planFilterGemm } from '../../../src/main/trainer/backend/webgpu-kernels/conv-backprop-filter';
import { REPO_ROOT } from '../../helpers/paths';
import {
  childResult,
  dawnValidationErrors,
  runTsChild,
  swiftshaderEnv,
  type ChildRun,
} from '../../helpers/swiftshader';
import type { KernelChildResult } from './webgpu-kernels-child';

// Our webgpu convolution-gradient kernels against the pure-JS cpu backend on random shapes, on real WebGPU
// (Dawn over SwiftShader's software Vulkan: no GPU needed). tfjs-backend-webgpu's own kernels are checked
// the same way, which shows the comparison itself is sound.
const CHILD = path.join(REPO_ROOT, 'test/integration/trainer/webgpu-kernels-child.ts');

let run: ChildRun;
let r: KernelChildResult;
beforeAll(async () => {
  run = await runTsChild(CHILD, [], swiftshaderEnv());
  r = childResult<KernelChildResult>(run);
  console.log(`webgpu kernels child: ${run.seconds.toFixed(1)} s; ${r.choice.note}`);
}, 300_000);

/** float32 sums in another order: the difference stays within a few ulps of the largest value. */
const TOLERANCE = 1e-5;

describe('webgpu convolution-gradient kernels (Dawn on SwiftShader)', () => {
  it('equal the cpu backend on every case, for both Conv2DBackpropFilter and Conv2DBackpropInput', () => {
    expect(r.cases.length).toBeGreaterThanOrEqual(28);
    for (const c of r.cases) {
      const label = `${c.kernel} ${JSON.stringify(c.call)}`;
      expect(c.maxAbsCpu, label).toBeGreaterThan(0);
      expect(c.ridgeErr, label).toBeLessThanOrEqual(TOLERANCE * Math.max(1, c.maxAbsCpu));
      expect(c.tfjsErr, label).toBeLessThanOrEqual(TOLERANCE * Math.max(1, c.maxAbsCpu));
    }
  });

  it('the cases cover 1x1 and 3x3, stride 1 and 2, same and valid, batch > 1 and a split m range', () => {
    const calls = r.cases.map((c) => c.call);
    expect(new Set(calls.map((c) => c.filterShape[0]))).toEqual(new Set([1, 3]));
    expect(new Set(calls.map((c) => c.strides[0]))).toEqual(new Set([1, 2]));
    expect(new Set(calls.map((c) => c.pad))).toEqual(new Set(['same', 'valid']));
    expect(calls.every((c) => c.xShape[0] > 1)).toBe(true);
    const splits = calls.map((c) => {
      const out = Math.ceil(c.xShape[1] / c.strides[0]) * Math.ceil(c.xShape[2] / c.strides[1]);
      return planFilterGemm(
        c.filterShape[0] * c.filterShape[1] * c.xShape[3],
        c.filterShape[3],
        c.xShape[0] * out,
      ).splits;
    });
    expect(Math.max(...splits)).toBeGreaterThan(1);
  });

  it('the choice times both kernels on every shape and runs the faster for each, correctly', () => {
    expect(r.choice.timings.map((t) => t.kernelName)).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
    ]);
    for (const t of r.choice.timings) {
      expect(t.perCall).toHaveLength(3);
      for (const [tfjs, ridge] of t.perCall) {
        expect(tfjs).toBeGreaterThan(0);
        expect(ridge).toBeGreaterThan(0);
      }
      expect(t.chosenMs).toBeLessThanOrEqual(Math.min(t.tfjsMs, t.ridgeMs) + 1e-9);
      expect(t.ridgeCalls).toBe(t.perCall.filter(([tfjs, ridge]) => ridge < tfjs).length);
    }
    expect(r.choiceFollowsTiming).toEqual([
      [true, true, true],
      [true, true, true],
    ]);
    expect(r.untimedFollowsTotal).toEqual([true, true]);
    for (const errs of r.choiceErr) for (const e of errs) expect(e).toBeLessThanOrEqual(TOLERANCE);
    expect(r.choice.note).toMatch(
      /^kernels timed here: Conv2DBackpropFilter ours on [0-3] of 3 shapes \(per step: tfjs's .* ms, ours .* ms, chosen .* ms\), Conv2DBackpropInput ours on [0-3] of 3 shapes/,
    );
  });

  it("reads the detector's own convolutions: the first takes the image (no input gradient), the rest do not", () => {
    const calls = r.detectorCalls;
    expect(calls.length).toBeGreaterThan(10);
    expect(calls[0]).toMatchObject({ xShape: [2, 64, 64, 3], inputGradient: false });
    expect(calls.slice(1).every((c) => c.inputGradient)).toBe(true);
    expect(new Set(calls.map((c) => c.strides[0]))).toEqual(new Set([1, 2]));
    expect(new Set(calls.map((c) => c.filterShape[0]))).toEqual(new Set([1, 3]));
  });

  it('Dawn reported no validation error (an invalid pipeline returns garbage without throwing)', () => {
    expect(dawnValidationErrors(run.stderr)).toEqual([]);
  });
});
