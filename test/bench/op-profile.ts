// Where a tfjs-node training step spends its time: tf.profile of one step (tfjs-node times each TensorFlow
// op as it runs eagerly), kernels grouped by name, the top ones printed with their share of kernel time, and
// what is left outside kernels (JS, the tape, tidy bookkeeping) against the step's wall time.
import * as tf from '@tensorflow/tfjs';
import { syntheticBatch, trainStep, type TrainState } from '../../src/main/trainer/step';

/** Kernel time per kernel name over one profiled step, largest first. */
export interface OpTimes {
  wallMs: number;
  kernelMs: number;
  kernels: number;
  peakTensors: number;
  top: { name: string; ms: number; calls: number }[];
  /** The same grouped by kernel and output shape: which layer sizes the time goes to. */
  topShapes: { name: string; ms: number; calls: number }[];
}

/** Adds `ms` to the entry `key` of `by`. */
function tally(by: Map<string, { ms: number; calls: number }>, key: string, ms: number): void {
  const e = by.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms;
  e.calls++;
  by.set(key, e);
}
const sorted = (by: Map<string, { ms: number; calls: number }>) =>
  [...by].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);

/** Profiles one training step on a synthetic batch (after one unprofiled warm-up step). */
export async function profileStep(s: TrainState, batch: number): Promise<OpTimes> {
  const syn = syntheticBatch(s, batch);
  await trainStep(s, syn.x, syn.targets, 1e-4);
  const t0 = performance.now();
  const info = await tf.profile(() => trainStep(s, syn.x, syn.targets, 1e-4).then(() => tf.scalar(0)));
  const wallMs = performance.now() - t0;
  tf.dispose([syn.x, syn.targets.cls, syn.targets.box, syn.targets.pos, info.result as tf.Tensor]);
  const by = new Map<string, { ms: number; calls: number }>();
  const byShape = new Map<string, { ms: number; calls: number }>();
  let kernelMs = 0;
  let peakTensors = 0;
  for (const k of info.kernels) {
    // `name__op` entries are custom-gradient scopes (fused conv); the kernels inside them are listed too.
    if (k.name.endsWith('__op')) continue;
    const ms = k.kernelTimeMs as number;
    kernelMs += ms;
    peakTensors = Math.max(peakTensors, k.totalTensorsSnapshot);
    tally(by, k.name, ms);
    tally(byShape, `${k.name} -> [${k.outputShapes[0]?.join(',') ?? ''}]`, ms);
  }
  return {
    wallMs,
    kernelMs,
    kernels: info.kernels.length,
    peakTensors,
    top: sorted(by),
    topShapes: sorted(byShape),
  };
}

/** Prints the profile: the top kernels, then kernel time against wall time. */
export async function printOpProfile(s: TrainState, batch: number, shown = 12): Promise<OpTimes> {
  const p = await profileStep(s, batch);
  console.log(`op profile of one step (batch ${batch}; profiling adds its own overhead):`);
  for (const k of p.top.slice(0, shown))
    console.log(
      `  ${k.name.padEnd(28)} ${k.ms.toFixed(1).padStart(8)} ms  ${((100 * k.ms) / p.kernelMs).toFixed(1).padStart(5)}%  ${k.calls} calls`,
    );
  console.log('  by output shape:');
  for (const k of p.topShapes.slice(0, shown))
    console.log(
      `  ${k.name.padEnd(44)} ${k.ms.toFixed(1).padStart(8)} ms  ${((100 * k.ms) / p.kernelMs).toFixed(1).padStart(5)}%  ${k.calls} calls`,
    );
  console.log(
    `  ${p.kernels} kernels, ${p.kernelMs.toFixed(0)} ms in kernels of ${p.wallMs.toFixed(0)} ms wall ` +
      `(${((100 * (p.wallMs - p.kernelMs)) / p.wallMs).toFixed(0)}% outside kernels), up to ${p.peakTensors} tensors alive`,
  );
  return p;
}
