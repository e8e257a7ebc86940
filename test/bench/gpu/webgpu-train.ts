// GPU benchmark, WebGPU side: training steps of the real detector on the webgpu backend (Dawn), with tfjs's
// convolution-gradient kernels, with ours, with the per-shape choice the app makes at backend selection (its
// timings printed), that with fewer queue submissions, and a per-kernel profile of one step. Bundled into .gpu/ by prepare.sh and run there by
// run-on-gpu.sh (the GPU machine has no Node.js, no node_modules and no network). Prints figures and one
// `RESULT <json>` line; asserts nothing. Refuses a software adapter (SwiftShader...) unless --allow-software:
// a figure measured on one would say nothing about a GPU.
//   node webgpu-train.mjs [--img 320] [--width 0.5] [--batch 16] [--steps 8] [--budget-s 200] [--allow-software]
import * as tf from '@tensorflow/tfjs';
import { deviceOf, loadBackend } from '../../../src/main/trainer/backend';
import {
  softwareAdapterReason,
  type AdapterInfoLike,
} from '../../../src/main/trainer/backend/webgpu-adapter';
import {
  convCallsOf,
  WEBGPU_KERNEL_CANDIDATES,
} from '../../../src/main/trainer/backend/webgpu-kernels/candidates';
import {
  chooseWebgpuConvKernels,
  useRidgeWebgpuKernel,
} from '../../../src/main/trainer/backend/webgpu-kernels/choose';
import { forwardFlops } from '../../../src/main/trainer/model/detector';
import {
  createTrainState,
  disposeTrainState,
  syntheticBatch,
  trainStep,
} from '../../../src/main/trainer/step';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const imgSize = arg('img', 320);
const width = arg('width', 0.5);
const batch = arg('batch', 16);
const steps = arg('steps', 8);
const budgetMs = arg('budget-s', 200) * 1000;
const allowSoftware = process.argv.includes('--allow-software');
const t0 = performance.now();
const left = () => budgetMs - (performance.now() - t0);

/** The adapter Dawn offers, checked before tfjs touches it: exits 2 when there is none or it is software. */
async function checkAdapter(): Promise<string> {
  const webgpu = (await import('webgpu')) as unknown as {
    create: (f: string[]) => {
      requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null>;
    };
  };
  const adapter = await webgpu.create([]).requestAdapter();
  if (!adapter) {
    console.error(
      'gpu bench: Dawn found no WebGPU adapter (no GPU, or no Vulkan driver for it): nothing to measure',
    );
    process.exit(2);
  }
  const software = softwareAdapterReason(adapter.info, adapter.isFallbackAdapter);
  if (software && !allowSoftware) {
    console.error(
      `gpu bench: ${software}; this benchmark measures a GPU (--allow-software to try the script anyway)`,
    );
    process.exit(2);
  }
  return software ?? 'hardware adapter';
}

/** Images/s over up to `n` steps after `warm` untimed ones (fewer when the time budget runs out). */
async function imagesPerSecond(s: Awaited<ReturnType<typeof createTrainState>>, n: number, warm = 2) {
  const { x, targets } = syntheticBatch(s, batch);
  try {
    for (let i = 0; i < warm; i++) await trainStep(s, x, targets, 1e-4);
    const start = performance.now();
    let done = 0;
    while (done < n && (done === 0 || left() > 0)) {
      await trainStep(s, x, targets, 1e-4);
      done++;
    }
    const sec = (performance.now() - start) / 1000;
    return { imagesPerSecond: (batch * done) / sec, steps: done, msPerStep: (sec * 1000) / done };
  } finally {
    tf.dispose([x, targets.cls, targets.box, targets.pos]);
  }
}

/** Kernel milliseconds of one step by kernel name, largest first (tf.profile; needs timestamp queries for GPU time). */
async function profileStep(s: Awaited<ReturnType<typeof createTrainState>>) {
  const { x, targets } = syntheticBatch(s, batch);
  const start = performance.now();
  const info = await tf.profile(async () => {
    await trainStep(s, x, targets, 1e-4);
  });
  const wallMs = performance.now() - start;
  tf.dispose([x, targets.cls, targets.box, targets.pos]);
  const byName = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = Number(await k.kernelTimeMs);
    if (Number.isFinite(ms)) byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return { wallMs, kernelMs: total, kernels: info.kernels.length, top };
}

async function main(): Promise<void> {
  const adapterKind = await checkAdapter();
  await loadBackend('webgpu');
  const device = deviceOf('webgpu');
  console.log(`webgpu: ${device} (${adapterKind}); detector ${imgSize} px, width ${width}, batch ${batch}`);
  const cfg = { numClasses: 6, imgSize, widthMultiplier: width, dropoutRate: 0, seed: 0 };
  const s = await createTrainState(cfg, 'none', 0);
  const gflop = forwardFlops(s.model) / 1e9;
  console.log(`forward ${gflop.toFixed(3)} GFLOP/image`);
  const result: Record<string, unknown> = { device, adapterKind, imgSize, width, batch, forwardGflop: gflop };
  try {
    const all = (ours: boolean) => async () => {
      for (const k of WEBGPU_KERNEL_CANDIDATES) useRidgeWebgpuKernel(k, ours);
    };
    // The default: the per-shape choice made at backend selection (its timings are printed as the app's reason).
    const timed = async () => {
      const choice = await chooseWebgpuConvKernels(convCallsOf(s.model, batch));
      console.log(choice.note);
      result.kernelChoice = choice.timings;
    };
    const variants: { name: string; setup: () => Promise<void>; submitBatch: number }[] = [
      { name: "tfjs's kernels", setup: all(false), submitBatch: 15 },
      { name: 'our kernels', setup: all(true), submitBatch: 15 },
      { name: 'per-shape choice (what the app runs)', setup: timed, submitBatch: 15 },
      { name: 'per-shape choice, submit every 64 dispatches', setup: async () => {}, submitBatch: 64 },
    ];
    const runs: Record<string, unknown>[] = [];
    for (const v of variants) {
      if (left() <= 0) {
        console.log(`${v.name}: skipped (time budget spent)`);
        continue;
      }
      await v.setup();
      tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', v.submitBatch);
      const r = await imagesPerSecond(s, steps);
      console.log(
        `${v.name}: ${r.imagesPerSecond.toFixed(1)} img/s (${r.msPerStep.toFixed(0)} ms/step, ${r.steps} steps)`,
      );
      runs.push({ name: v.name, submitBatch: v.submitBatch, ...r });
    }
    result.runs = runs;
    // The profile is of the last variant's set-up (the per-shape choice when the budget allowed it).
    if (runs.length > 0 && left() > 0) {
      const p = await profileStep(s);
      console.log(
        `profile (${String(runs.at(-1)!.name)}): step ${p.wallMs.toFixed(0)} ms wall, ${p.kernelMs.toFixed(0)} ms in ${p.kernels} kernels`,
      );
      for (const [name, ms] of p.top) console.log(`  ${name}: ${ms.toFixed(1)} ms`);
      result.profile = p;
    }
  } finally {
    disposeTrainState(s);
  }
  result.seconds = (performance.now() - t0) / 1000;
  console.log(`RESULT ${JSON.stringify(result)}`);
}

main().catch((e: unknown) => {
  console.error(`gpu bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
