import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths';
import {
  childResult,
  dawnValidationErrors,
  runTsChild,
  swiftshaderEnv,
  type ChildRun,
} from '../../helpers/swiftshader';
import { makeTmpDir } from '../../helpers/tmp';
import type { ChildResult } from './webgpu-child';
import { FULL_MODE, STEP_MODES } from './webgpu-plan';

// The app's webgpu training path, end to end, on real WebGPU without a GPU (Dawn over SwiftShader): one short
// epoch with evaluation, checkpoint, test evaluation and export in one regularization mode, a predict with the
// exported model, and a step or two of every other mode; every loss against tfjs-node's on the same seed and
// batches. Our convolution-gradient kernels are forced (RIDGE_WEBGPU_KERNELS=ridge) so training runs on them.
const CHILD = path.join(REPO_ROOT, 'test/integration/trainer/webgpu-child.ts');
/** The bound; measured agreement is far tighter (about 1e-5), as float32 sums in another order give. */
const RELATIVE = 0.05;

const tmp = makeTmpDir('ridge-webgpu-');
let gpuRun: ChildRun;
let gpu: ChildResult;
let node: ChildResult;
beforeAll(async () => {
  const [g, n] = await Promise.all([
    runTsChild(CHILD, ['webgpu', path.join(tmp.dir, 'webgpu')], {
      ...swiftshaderEnv(),
      RIDGE_WEBGPU_KERNELS: 'ridge',
    }),
    runTsChild(CHILD, ['tfjs-node', path.join(tmp.dir, 'node')], {}),
  ]);
  gpuRun = g;
  gpu = childResult<ChildResult>(g);
  node = childResult<ChildResult>(n);
  console.log(
    `webgpu child ${g.seconds.toFixed(1)} s (full run ${gpu.seconds.full.toFixed(1)} s, other modes ${gpu.seconds.modes.toFixed(1)} s, predict ${gpu.seconds.predict.toFixed(1)} s); tfjs-node child ${n.seconds.toFixed(1)} s`,
  );
}, 480_000);
afterAll(() => rm(tmp.dir, { recursive: true, force: true }));

function expectClose(a: number, b: number, label: string): void {
  expect(Number.isFinite(a) && Number.isFinite(b), `${label}: ${a} vs ${b}`).toBe(true);
  expect(Math.abs(a - b) / Math.abs(b), `${label}: webgpu ${a} vs tfjs-node ${b}`).toBeLessThanOrEqual(
    RELATIVE,
  );
}

describe('training on webgpu (Dawn on SwiftShader) against tfjs-node', () => {
  it('runs on the webgpu backend, with a reason that says the adapter is software and which kernels ran', () => {
    expect(gpu.backend).toBe('webgpu');
    expect(gpu.chosen.backend).toBe('webgpu');
    expect(gpu.chosen.device).toMatch(/swiftshader.*software/i);
    const reason = gpu.chosen.reasons[0]!.reason;
    expect(reason).toMatch(/^requested; .*swiftshader.* is a fallback adapter .*\(auto never picks it\)/i);
    expect(reason).toMatch(/convolution-gradient kernels: ours \(RIDGE_WEBGPU_KERNELS=ridge\)/);
    expect(node.backend).toBe('tensorflow');
  });

  it('auto refuses the software adapter, says why, and picks another backend', () => {
    const auto = gpu.auto!;
    const webgpu = auto.reasons.find((r) => r.backend === 'webgpu')!;
    expect(webgpu.ok).toBe(false);
    expect(webgpu.reason).toMatch(
      /^not used by auto: the only WebGPU adapter, .*swiftshader.* is a fallback adapter .*--backend webgpu uses it anyway$/i,
    );
    expect(auto.backend).not.toBe('webgpu');
  });

  it(`the full ${FULL_MODE} epoch: every step's loss, the eval losses and the weight norm match tfjs-node`, () => {
    const nodeSteps = new Map(node.full.steps.map((s) => [s.step, s.loss]));
    const common = gpu.full.steps.filter((s) => nodeSteps.has(s.step));
    expect(common.map((s) => s.step)).toContain(1);
    expect(common.length).toBeGreaterThanOrEqual(2);
    for (const s of common) expectClose(s.loss, nodeSteps.get(s.step)!, `step ${s.step}`);
    for (const k of ['trainDataLoss', 'valDataLoss', 'weightNorm', 'testDataLoss'] as const)
      expectClose(gpu.full[k], node.full[k], k);
  });

  it('every other mode: its first steps match tfjs-node', () => {
    expect(gpu.modes.map((m) => m.reg)).toEqual(Object.keys(STEP_MODES));
    for (const [i, m] of gpu.modes.entries()) {
      expect(m.losses).toHaveLength(STEP_MODES[m.reg]!);
      m.losses.forEach((l, s) => expectClose(l, node.modes[i]!.losses[s]!, `${m.reg} step ${s + 1}`));
    }
  });

  it('the exported model predicts on webgpu as it does on tfjs-node', () => {
    expect(gpu.predictions).toBeGreaterThan(0);
    expect(gpu.predictions).toBe(node.predictions);
  });

  it('Dawn reported no validation error (an invalid pipeline returns garbage without throwing)', () => {
    expect(dawnValidationErrors(gpuRun.stderr)).toEqual([]);
  });
});
