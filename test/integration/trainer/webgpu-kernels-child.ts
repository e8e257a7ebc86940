// Child process of webgpu-kernels.test.ts: runs our convolution-gradient kernels, tfjs-backend-webgpu's own and
// the pure-JS cpu backend's on the same random inputs (Dawn on SwiftShader), and prints `RESULT <json>` with
// the largest difference of each from the cpu result per case. A child, because Dawn's Vulkan loader reads
// LD_LIBRARY_PATH and VK_ICD_FILENAMES when the process starts.
//   node --import tsx test/integration/trainer/webgpu-kernels-child.ts
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../src/main/trainer/backend';
import { convCallsOf, type ConvCall } from '../../../src/main/trainer/backend/webgpu-kernels/candidates';
import {
  chooseWebgpuConvKernels,
  ridgeRunsFor,
  useRidgeWebgpuKernel,
} from '../../../src/main/trainer/backend/webgpu-kernels/choose';
import { buildDetector } from '../../../src/main/trainer/model/detector';
import { SeededRng } from '../../../src/main/trainer/data/prng';

/** One case's outcome: max |kernel - cpu| and max |cpu| (the scale the difference is judged against). */
export interface KernelCaseResult {
  call: ConvCall;
  kernel: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput';
  maxAbsCpu: number;
  ridgeErr: number;
  tfjsErr: number;
}

/** What the child prints. */
export interface KernelChildResult {
  cases: KernelCaseResult[];
  /** chooseWebgpuConvKernels on three of the cases. */
  choice: Awaited<ReturnType<typeof chooseWebgpuConvKernels>>;
  /** Per timed kernel and timed call: whether the registered kernel runs the one the timing found faster. */
  choiceFollowsTiming: boolean[][];
  /** Per timed kernel, for a shape not timed: whether it runs the one that was faster over all. */
  untimedFollowsTotal: boolean[];
  /** Per timed kernel and timed call: max |registered kernel - cpu| / max(1, max |cpu|) after the choice. */
  choiceErr: number[][];
  /** convCallsOf the scratch detector at 64 px, batch 2. */
  detectorCalls: ConvCall[];
}

/** Random shapes around the ones the detector uses: 1x1 and 3x3, stride 1 and 2, both paddings, batch > 1. */
function cases(): ConvCall[] {
  const rng = new SeededRng(20261202);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)]!;
  const fixed: ConvCall[] = [
    // Many m rows (the split path), several k and n tiles, odd channel counts.
    {
      xShape: [2, 20, 17, 40],
      filterShape: [3, 3, 40, 36],
      strides: [1, 1],
      pad: 'same',
      inputGradient: true,
    },
    { xShape: [2, 16, 16, 3], filterShape: [3, 3, 3, 8], strides: [2, 2], pad: 'same', inputGradient: true },
    { xShape: [2, 9, 11, 5], filterShape: [1, 1, 5, 7], strides: [2, 2], pad: 'valid', inputGradient: true },
    { xShape: [4, 8, 8, 64], filterShape: [1, 1, 64, 33], strides: [1, 1], pad: 'same', inputGradient: true },
  ];
  const random: ConvCall[] = Array.from({ length: 10 }, () => {
    const k = pick([1, 3] as const);
    const s = pick([1, 2] as const);
    const h = 4 + Math.floor(rng.next() * 14);
    const w = 4 + Math.floor(rng.next() * 14);
    return {
      xShape: [pick([2, 3]), h, w, 1 + Math.floor(rng.next() * 40)],
      filterShape: [k, k, 0, 1 + Math.floor(rng.next() * 40)],
      strides: [s, s],
      pad: pick(['same', 'valid'] as const),
      inputGradient: true,
    };
  });
  for (const c of random) c.filterShape[2] = c.xShape[3];
  return [...fixed, ...random];
}

function values(n: number, seed: number): Float32Array {
  const rng = new SeededRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

function dyShape(c: ConvCall): [number, number, number, number] {
  const i = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad);
  return [i.batchSize, i.outHeight, i.outWidth, i.outChannels];
}

async function run(kernel: KernelCaseResult['kernel'], c: ConvCall, seed: number): Promise<Float32Array> {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const dy = tf.tensor(values(size(dyShape(c)), seed + 1), dyShape(c));
  const other =
    kernel === 'Conv2DBackpropFilter'
      ? tf.tensor(values(size(c.xShape), seed), c.xShape)
      : tf.tensor(values(size(c.filterShape), seed + 2), c.filterShape);
  const out = (
    kernel === 'Conv2DBackpropFilter'
      ? tf
          .engine()
          .runKernel(
            kernel,
            { x: other, dy },
            { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape },
          )
      : tf
          .engine()
          .runKernel(
            kernel,
            { dy, filter: other },
            { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape },
          )
  ) as tf.Tensor;
  const data = (await out.data()) as Float32Array;
  tf.dispose([dy, other, out]);
  return data;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(m) ? Infinity : m;
};

async function main(): Promise<void> {
  await loadBackend('webgpu');
  const results: KernelCaseResult[] = [];
  for (const [i, c] of cases().entries()) {
    for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const) {
      await tf.setBackend('cpu');
      const cpu = await run(kernel, c, i * 10);
      await tf.setBackend('webgpu');
      useRidgeWebgpuKernel(kernel, true);
      const ridge = await run(kernel, c, i * 10);
      useRidgeWebgpuKernel(kernel, false);
      const tfjs = await run(kernel, c, i * 10);
      results.push({
        call: c,
        kernel,
        maxAbsCpu: cpu.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
        ridgeErr: maxAbsDiff(ridge, cpu),
        tfjsErr: maxAbsDiff(tfjs, cpu),
      });
    }
  }
  const model = buildDetector({ numClasses: 3, imgSize: 64, widthMultiplier: 0.25, dropoutRate: 0, seed: 1 });
  const detectorCalls = convCallsOf(model, 2);
  model.dispose();
  const timed = cases().slice(1, 4);
  const choice = await chooseWebgpuConvKernels(timed, 1);
  const choiceFollowsTiming = choice.timings.map((t) =>
    timed.map((c, i) => ridgeRunsFor(t.kernelName, c) === t.perCall[i]![1] < t.perCall[i]![0]),
  );
  const untimedFollowsTotal = choice.timings.map(
    (t) => ridgeRunsFor(t.kernelName, cases()[0]!) === t.ridgeMs < t.tfjsMs,
  );
  const choiceErr: number[][] = [];
  for (const t of choice.timings) {
    const kernel = t.kernelName as KernelCaseResult['kernel'];
    const errs: number[] = [];
    for (const [i, c] of timed.entries()) {
      await tf.setBackend('cpu');
      const cpu = await run(kernel, c, i);
      await tf.setBackend('webgpu');
      const now = await run(kernel, c, i);
      errs.push(
        maxAbsDiff(now, cpu) /
          Math.max(
            1,
            cpu.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
          ),
      );
    }
    choiceErr.push(errs);
  }
  const result: KernelChildResult = {
    cases: results,
    choice,
    choiceFollowsTiming,
    untimedFollowsTotal,
    choiceErr,
    detectorCalls,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
