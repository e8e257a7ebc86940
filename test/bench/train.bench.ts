// Benchmark of training throughput: the real detector with its data pipeline on tfjs-node, against the PyTorch
// twin (test/bench/torch_twin.py, built from this model's architecture description and checked to be the same
// network: the bench fails unless both sides list the same layer calls, shapes, parameters and FLOPs), each
// side as a share of the machine's fp32 matmul ceiling measured in the same run. For each backbone (scratch,
// mobilenetv2). Then a per-op profile of one tfjs-node step and, with --memory-epochs N, peak RSS and tensor
// count per epoch of a Pretrained training on BCCD (test/bench/memory-epochs.ts).
// Figures are comparable only within one run: the 2 cores are shared, so run it at nice 19 and read ratios.
// Run: TF_CPP_MIN_LOG_LEVEL=2 nice -n 19 npx tsx test/bench/train.bench.ts [imgSize] [widthMultiplier] [batch]
//        [--backbone scratch|mobilenetv2|both] [--steps N] [--memory-epochs N] [--memory-img-size S]
//        [--pipeline-rounds N]
//
// Changes for speed and their measured effect (2 shared cores, load average 7-26 while measuring, 2026-12-02):
// - fused optimizer step (optimizer.ts): the update alone 43.9 ms -> 17.6 ms for the scratch model's 70
//   parameters (160 px run, best of 10 alternating); kernels per step 3979 -> 3243. Whole-step timings in the
//   same runs moved both ways (x0.63 to x1.35 best step): the load swamps a ~25 ms change.
// - training-mode batch norm as TensorFlow's FusedBatchNormV3 + FusedBatchNormGradV3 (backend/fused-batch-norm.ts;
//   tfjs-layers' moments + batchNorm and their autodiff were most of the step's elementwise kernels), then the
//   ReLU gradient as TensorFlow's ReluGrad (backend/relu-grad.ts; was dy * step(x), five kernels). Both chosen
//   by timing at backend selection (kernel-choice.ts); both chosen here. Scratch model, 320 px, batch 16, three
//   runs of this bench (--backbone scratch --steps 8, nice 10) at load average 13-23, each variant in two
//   alternating rounds of 8 steps on one state, best step / mean img/s:
//     tfjs' ops 10.7 / 6.0, fused BN 36.6 / 18.6 (x3.43 / x3.08), + ReluGrad 39.7 / 20.9 (x3.72 / x3.46)
//     tfjs' ops  9.5 / 5.5, fused BN 28.8 / 15.3 (x3.03 / x2.80), + ReluGrad 36.9 / 15.9 (x3.88 / x2.92)
//     tfjs' ops 10.2 / 5.3, fused BN 31.8 / 11.8 (x3.13 / x2.21), + ReluGrad 36.1 / 13.4 (x3.55 / x2.52)
//   Kernels per profiled step 3252 -> 1918 (fused BN) -> 1666 (+ ReluGrad); tensors alive at most 1827 -> 1461;
//   Multiply 515 calls -> 170. Timed alone on [8,160,160,32]: batch norm forward + gradients 125-380 ms fused
//   against 800-1950 ms as ops; the ReLU gradient 9.6-10.5 ms against 31-80 ms. The ops path suffers more
//   from the load than the fused one (many small kernels), so on a quiet machine the gain is likely smaller:
//   at 05:53 the elementwise kernels these replace were about half of 558 ms kernel time (see the issue).
//   The same runs' ratio lines (steps only 15.4, 38.8, 33.6; with pipeline 6.7, 28.3, 19.1) are no measure:
//   the torch twin ran at 1.0-2.7 img/s best step under that load (72.0 at 05:53). A quiet run is still owed.
// - intra-op threads: TensorFlow's default is already the schedulable cores (2 here); nothing to set.
// - torch side: OMP_WAIT_POLICY=PASSIVE (twin.ts), without which spinning OpenMP threads collapsed it 100x.
// - batches in a worker thread (data/batch-worker*.ts, train-batches.ts): decoding, augmentation, mosaic,
//   targets and the Float32Arrays off the trainer's thread, buffers transferred, the same bytes as in-thread.
//   'with data pipeline', scratch, 320 px, batch 16, trainer thread -> worker, alternating rounds, three runs:
//   8.0 -> 8.9 img/s best step, 5.1 -> 6.3 mean (x1.12, x1.23; 2 rounds of 6 steps, load 19.1);
//   8.8 -> 10.1 best, 4.8 -> 5.5 mean (x1.15, x1.14; 3 rounds of 8 steps, load 16.3, RAM exhausted by others);
//   17.6 -> 18.8 best, 11.0 -> 8.9 mean (x1.07, x0.80; 2 rounds of 4 steps, load 14.1), where the trainer
//   thread's median wait for a batch went 175 ms -> 0 ms. So the step never waits for data any more, but on 2
//   cores the worker's work competes with TensorFlow's 2 threads: the best step gained every time, the mean
//   moved both ways. All three runs were swamped (steps-only a fifth to a half of the quiet run's 27.9 img/s),
//   where an extra runnable thread also wins a larger share of the cores; nothing was measured on a quiet
//   machine. Kept as the default without a run-time choice: the bytes are the same either way, the waits are
//   gone, and on a machine with a core TensorFlow leaves idle the overlap is free; a run-time measurement
//   (alternating the two for the first steps of a run, as kernel-choice.ts times kernels) is not done.
//   Then, after the fused batch-norm kernels, at load 3.5 (07:31): 46.5 img/s best step, 31.3 mean in the trainer
//   thread -> 32.6 best, 26.2 mean in the worker (x0.70, x0.84), waits 98 ms -> 0 ms. With both cores busy in
//   TensorFlow the worker costs more than it hides, so the trainer thread is the default again and the worker is
//   RIDGE_BATCH_WORKER=1 (train-batches.ts, defaultPipelineThread).
// - all of the above, on the nearly quiet machine (07:48, load 1.5-2.0, matmul ceiling 193.3 GFLOP/s): steps only
//   66.6 img/s best step (54.0 mean) against 27.9 at 05:53; tfjs' batch-norm/ReLU ops 26.6 -> fused 66.1 (x2.48);
//   torch twin 66.2 img/s: ratio steps only 1.01 (means 0.85), with data pipeline 0.77 (means 0.66), against 0.39
//   and 0.30 at 05:53; worker against trainer thread x0.99 best step, x1.03 mean (load 2.1).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cpuDevice, kernelTimingShape, loadBackend } from '../../src/main/trainer/backend';
import {
  activeBatchNormTraining,
  BATCH_NORM_TRAINING_CHOICE,
  useBatchNormTraining,
  type BatchNormTrainingPath,
} from '../../src/main/trainer/backend/fused-batch-norm';
import { timeAndChooseKernels } from '../../src/main/trainer/backend/kernel-choice';
import {
  activeReluGrad,
  RELU_GRAD_CHOICE,
  useReluGrad,
  type ReluGradPath,
} from '../../src/main/trainer/backend/relu-grad';
import { chunk, epochOrder, prefetch } from '../../src/main/trainer/data/pipeline';
import {
  defaultPipelineThread,
  openTrainBatches,
  type PipelineThread,
} from '../../src/main/trainer/data/train-batches';
import { batchTensors } from '../../src/main/trainer/evaluate';
import { describeArchitecture } from '../../src/main/trainer/model/architecture';
import type { DetectorConfig } from '../../src/main/trainer/model/detector';
import type { BackboneName } from '../../src/main/trainer/model/pretrained';
import {
  createTrainState,
  disposeTrainState,
  syntheticBatch,
  trainStep,
  type TrainState,
} from '../../src/main/trainer/step';
import type { Manifest } from '../../src/main/trainer/protocol';
import { sampleManifest } from '../integration/trainer/fixtures';
import { memoryEpochs } from './memory-epochs';
import { printOpProfile } from './op-profile';
import { runTwin, TWIN_OMP_WAIT_POLICY, twinMismatches, twinUnavailableReason } from './twin';

const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const imgSize = Number(positional[0] ?? 320);
const width = Number(positional[1] ?? 0.5);
const batch = Number(positional[2] ?? 16);
const STEPS = Number(flag('steps', '6'));
const backboneFlag = flag('backbone', 'both');
const BACKBONES: BackboneName[] =
  backboneFlag === 'both' ? ['scratch', 'mobilenetv2'] : [backboneFlag as BackboneName];
const MEMORY_EPOCHS = Number(flag('memory-epochs', '0'));
const MEMORY_IMG = Number(flag('memory-img-size', '128'));
const PIPELINE_ROUNDS = Number(flag('pipeline-rounds', '2'));

/** The 1-minute load average, printed with figures that the other work on the shared cores moves. */
const loadAverage = () => os.loadavg()[0]!.toFixed(1);

/** GFLOP/s of a large fp32 matMul on the active backend (best of a few). */
async function matmulCeiling(n = 2048, reps = 4): Promise<number> {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  await tf.matMul(a, b).data();
  let best = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    best = Math.max(best, (2 * n ** 3) / ((performance.now() - t0) / 1000) / 1e9);
  }
  tf.dispose([a, b]);
  return best;
}

/**
 * tfjs-node's own FusedBatchNorm and Step against the replacements, training-mode batch norm as TensorFlow's
 * fused kernels against tfjs-layers' ops, and TensorFlow's ReluGrad against tfjs' ReLU gradient, timed as backend selection times them (which also
 * installs the faster of each, so the steps below run what a run on this machine would).
 */
function kernelFigures(): void {
  for (const shape of [[8, 160, 160, 96], kernelTimingShape(imgSize)]) {
    for (const k of timeAndChooseKernels(shape)) {
      if (k.kernel === BATCH_NORM_TRAINING_CHOICE) {
        console.log(
          `training batch norm (forward + gradients) on [${shape.join(',')}]: TensorFlow's fused kernels ` +
            `${k.nativeMs.toFixed(1)} ms, tfjs-layers' ops ${k.replacementMs.toFixed(1)} ms -> ` +
            `${k.used === 'native' ? 'fused' : 'ops'} runs`,
        );
        continue;
      }
      if (k.kernel === RELU_GRAD_CHOICE) {
        console.log(
          `ReLU forward + gradient on [${shape.join(',')}]: TensorFlow's ReluGrad ${k.nativeMs.toFixed(1)} ms, ` +
            `tfjs' dy * step(x) ${k.replacementMs.toFixed(1)} ms -> ${k.used === 'native' ? 'ReluGrad' : "tfjs'"} runs`,
        );
        continue;
      }
      console.log(
        `kernel ${k.kernel} on [${shape.join(',')}]: tfjs-node's ${k.nativeMs.toFixed(1)} ms, ours ` +
          `${k.replacementMs.toFixed(1)} ms -> ${k.used === 'native' ? "tfjs-node's" : 'ours'} runs`,
      );
    }
  }
}

/** Images/s over a list of step seconds: the mean, and the fastest step (least disturbed by other load). */
export interface Speed {
  mean: number;
  best: number;
}
const speedOf = (seconds: number[]): Speed => ({
  mean: (seconds.length * batch) / seconds.reduce((a, b) => a + b, 0),
  best: batch / Math.min(...seconds),
});

/** Seconds of each of `STEPS` steps on one synthetic batch (after one warm-up step). */
async function stepSeconds(s: TrainState): Promise<number[]> {
  const syn = syntheticBatch(s, batch);
  await trainStep(s, syn.x, syn.targets, 1e-4);
  const seconds: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    await trainStep(s, syn.x, syn.targets, 1e-4);
    seconds.push((performance.now() - t0) / 1000);
  }
  tf.dispose([syn.x, syn.targets.cls, syn.targets.box, syn.targets.pos]);
  return seconds;
}

/**
 * Milliseconds of the optimizer update alone (gradients fixed, no forward/backward), best of `reps`
 * alternating rounds of the two layouts: the change's own effect, which whole-step timings on the shared
 * cores are too noisy to show.
 */
async function optimizerUpdateMs(a: TrainState, b: TrainState, reps = 10): Promise<[number, number]> {
  const grads = [a, b].map((s) => s.params.map((p) => tf.randomUniform(p.shape, -1e-3, 1e-3)));
  const best = [Infinity, Infinity];
  for (let r = 0; r < reps; r++) {
    for (const [k, s] of [a, b].entries()) {
      const t0 = performance.now();
      s.opt.apply(grads[k]!, 1e-4);
      await s.params[0]!.data(); // wait for the queued ops
      best[k] = Math.min(best[k]!, performance.now() - t0);
    }
  }
  tf.dispose(grads.flat());
  return [best[0]!, best[1]!];
}

/** The training-kernel paths compared side by side: today's (plain ops), then each fused change added. */
const TRAINING_KERNEL_VARIANTS: { label: string; bn: BatchNormTrainingPath; relu: ReluGradPath }[] = [
  { label: "with tfjs' ops (batch norm and ReLU gradient)", bn: 'ops', relu: 'ops' },
  { label: 'fused training batch norm (FusedBatchNormV3/GradV3)', bn: 'fused', relu: 'ops' },
  { label: "fused batch norm + TensorFlow's ReluGrad", bn: 'fused', relu: 'fused' },
];

/**
 * Steps of one state with each variant of TRAINING_KERNEL_VARIANTS, two alternating rounds each (so all see
 * the same load); the paths chosen at selection are put back after.
 */
async function trainingKernelRounds(
  s: TrainState,
): Promise<{ label: string; speed: Speed }[] & { chosen: string }> {
  const chosen = { bn: activeBatchNormTraining(), relu: activeReluGrad() };
  const seconds = TRAINING_KERNEL_VARIANTS.map(() => [] as number[]);
  for (let round = 0; round < 2; round++)
    for (const [i, v] of TRAINING_KERNEL_VARIANTS.entries()) {
      useBatchNormTraining(v.bn);
      useReluGrad(v.relu);
      seconds[i]!.push(...(await stepSeconds(s)));
    }
  useBatchNormTraining(chosen.bn);
  useReluGrad(chosen.relu);
  const out = TRAINING_KERNEL_VARIANTS.map((v, i) => ({ label: v.label, speed: speedOf(seconds[i]!) }));
  return Object.assign(out, { chosen: `batch norm ${chosen.bn}, ReLU gradient ${chosen.relu}` });
}

/** Pipeline figures: speed, and how long the trainer thread waited for each batch (median ms, after warm-up). */
interface PipelineSpeed extends Speed {
  waitMs: number;
}

/**
 * Steps fed by the real pipeline (decode, augment, targets, prefetch), its batches prepared in `thread`; the
 * first batch is warm-up. Every image is new to the cache, so decoding is part of each step's data work.
 */
async function withPipeline(s: TrainState, m: Manifest, thread: PipelineThread): Promise<PipelineSpeed> {
  const batches = await openTrainBatches({
    numClasses: 6,
    imgSize,
    grid: s.grid,
    classWeights: null,
    train: m.images,
    evalImages: [],
    thread,
  });
  if (batches.thread !== thread) throw new Error(`asked for batches in the ${thread}: ${batches.note}`);
  const groups = chunk(epochOrder(m.images, 1, 0), batch);
  const seconds: number[] = [];
  const waits: number[] = [];
  try {
    let t0 = performance.now();
    for await (const b of prefetch(groups, (g) => batches.makeBatch(g, { seed: 1, epoch: 0 }))) {
      waits.push(performance.now() - t0);
      const { x, targets } = batchTensors(b, imgSize, 6, s.grid.size);
      await trainStep(s, x, targets, 1e-4);
      tf.dispose([x, targets.cls, targets.box, targets.pos]);
      const t1 = performance.now();
      if (b.size === batch) seconds.push((t1 - t0) / 1000);
      t0 = t1;
    }
  } finally {
    await batches.close();
  }
  const w = waits.slice(1).sort((a, b) => a - b);
  return { ...speedOf(seconds.slice(1)), waitMs: w[Math.floor(w.length / 2)] ?? 0 };
}

/** The pipeline with batches in the trainer thread and in the worker, alternating rounds (same load for both). */
async function pipelineSpeeds(s: TrainState, dir: string): Promise<Record<PipelineThread, PipelineSpeed>> {
  const m = await sampleManifest(dir, batch * (STEPS + 1), 5, 320, 240);
  const rounds: Record<PipelineThread, PipelineSpeed[]> = { 'in-thread': [], worker: [] };
  for (let round = 0; round < PIPELINE_ROUNDS; round++)
    for (const thread of ['in-thread', 'worker'] as const)
      rounds[thread].push(await withPipeline(s, m, thread));
  // Each round's figures already summarise its steps: the best of the best steps, the means of the rest.
  const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const pool = (xs: PipelineSpeed[]): PipelineSpeed => ({
    best: Math.max(...xs.map((x) => x.best)),
    mean: avg(xs.map((x) => x.mean)),
    waitMs: avg(xs.map((x) => x.waitMs)),
  });
  return { 'in-thread': pool(rounds['in-thread']), worker: pool(rounds.worker) };
}

/** One backbone: tfjs-node figures, the twin built from the same description and checked, the ratios. */
async function benchBackbone(backbone: BackboneName, ceiling: number, tmp: string): Promise<void> {
  const cfg: DetectorConfig = {
    numClasses: 6,
    imgSize,
    widthMultiplier: width,
    dropoutRate: 0,
    seed: 1,
    backbone,
  };
  const s = await createTrainState(cfg, 'none', 0);
  const arch = describeArchitecture(s.model);
  const trainFlops = 3 * arch.forwardFlops; // forward + backward (~2x forward)
  console.log(`\n-- ${backbone} backbone --`);
  console.log(
    `model: ${arch.nodes.length} layer calls, ${arch.params} params (${arch.trainableParams} trained), ` +
      `${(arch.forwardFlops / 1e9).toFixed(3)} GFLOP forward/image, ~${(trainFlops / 1e9).toFixed(3)} GFLOP/train image`,
  );
  // The same steps with the optimizer updating one parameter at a time (before the fused step), side by side:
  // two alternating rounds each, so both see the same load.
  const each = await createTrainState(cfg, 'none', 0, { fused: false });
  const fusedS: number[] = [];
  const eachS: number[] = [];
  for (let round = 0; round < 2; round++) {
    fusedS.push(...(await stepSeconds(s)));
    eachS.push(...(await stepSeconds(each)));
  }
  const trainingKernels = await trainingKernelRounds(s);
  const [fusedMs, eachMs] = await optimizerUpdateMs(s, each);
  disposeTrainState(each);
  const stepIps = speedOf(fusedS);
  const eachIps = speedOf(eachS);
  const pipe = await pipelineSpeeds(s, path.join(tmp, backbone));
  const pipeIps = pipe[defaultPipelineThread()]; // what a run uses
  const share = (ips: number, flops: number, c = ceiling) => `${((100 * ips * flops) / 1e9 / c).toFixed(0)}%`;
  const fmt = (v: Speed) => `${v.best.toFixed(1)} img/s best step, ${v.mean.toFixed(1)} mean`;
  console.log(`tfjs-node training (steps only): ${fmt(stepIps)}`);
  console.log(
    `  change, fused optimizer step: ${fmt(eachIps)} with one update per parameter -> ${fmt(stepIps)} fused ` +
      `(x${(stepIps.best / eachIps.best).toFixed(2)} best step)`,
  );
  console.log(
    `  the optimizer update alone (best of 10, alternating): ${eachMs.toFixed(1)} ms one parameter at a time, ` +
      `${fusedMs.toFixed(1)} ms fused, ${s.params.length} parameters`,
  );
  const [before] = trainingKernels;
  for (const v of trainingKernels.slice(1))
    console.log(
      `  change, ${v.label}: ${fmt(before!.speed)} ${before!.label} -> ${fmt(v.speed)} ` +
        `(x${(v.speed.best / before!.speed.best).toFixed(2)} best step, x${(v.speed.mean / before!.speed.mean).toFixed(2)} mean)`,
    );
  console.log(`  training kernels chosen at selection: ${trainingKernels.chosen}`);
  console.log(`tfjs-node training (with data pipeline): ${fmt(pipeIps)}`);
  console.log(
    `  change, batches in a worker thread (${PIPELINE_ROUNDS} alternating rounds, load ${loadAverage()}): ` +
      `${fmt(pipe['in-thread'])} in the trainer thread -> ${fmt(pipe.worker)} in the worker ` +
      `(x${(pipe.worker.best / pipe['in-thread'].best).toFixed(2)} best step, ` +
      `x${(pipe.worker.mean / pipe['in-thread'].mean).toFixed(2)} mean)`,
  );
  console.log(
    `  the trainer thread waited for each batch (median): ${pipe['in-thread'].waitMs.toFixed(0)} ms with ` +
      `batches in it, ${pipe.worker.waitMs.toFixed(0)} ms with the worker`,
  );
  if (backbone === BACKBONES[0]) await printOpProfile(s, batch);
  disposeTrainState(s);

  const why = twinUnavailableReason();
  if (why) {
    console.log(`torch twin: skipped (${why})`);
    return;
  }
  const t = await runTwin(arch, path.join(tmp, `${backbone}-architecture.json`), batch, STEPS);
  const torchIps = speedOf(t.stepSeconds);
  const bad = twinMismatches(arch, t);
  if (bad.length > 0) {
    throw new Error(
      `the torch twin is not the same network as the ${backbone} detector (${bad.length} differences):\n  ` +
        bad.slice(0, 12).join('\n  '),
    );
  }
  console.log(
    `torch ${t.torch} (${t.threads} threads, OMP_WAIT_POLICY=${TWIN_OMP_WAIT_POLICY}) twin: same ${t.nodes.length} layer calls, shapes and ${t.params} params; ` +
      `forward ${(t.forwardFlops / 1e9).toFixed(3)} GFLOP/image (tfjs ${(arch.forwardFlops / 1e9).toFixed(3)})`,
  );
  // The machine's ceiling: the faster of the two libraries' 2048^2 matmuls, both measured in this run.
  const machine = Math.max(ceiling, t.matmulGflops);
  console.log(
    `torch training (synthetic batches): ${fmt(torchIps)}; torch's matmul ${t.matmulGflops.toFixed(1)} GFLOP/s`,
  );
  console.log(
    `share of the machine's matmul ceiling (${machine.toFixed(1)} GFLOP/s, the faster matmul): ` +
      `tfjs-node ${share(stepIps.best, trainFlops, machine)}, torch ${share(torchIps.best, 3 * t.forwardFlops, machine)} (best steps)`,
  );
  // Best steps against best steps: the machine is shared, and the fastest step is the least disturbed one.
  const ratio = (a: Speed) =>
    `${(a.best / torchIps.best).toFixed(2)} (means: ${(a.mean / torchIps.mean).toFixed(2)})`;
  console.log(`ratio tfjs-node / torch (steps only): ${ratio(stepIps)}`);
  console.log(`ratio tfjs-node / torch (with data pipeline): ${ratio(pipeIps)}`);
}

async function main(): Promise<void> {
  await loadBackend('tfjs-node');
  console.log(
    `device: ${cpuDevice()}, backend ${tf.getBackend()}, img ${imgSize}, width x${width}, batch ${batch}, ` +
      `${STEPS} timed steps; figures compare only within this run`,
  );
  const ceiling = await matmulCeiling();
  console.log(`matmul ceiling: ${ceiling.toFixed(1)} GFLOP/s fp32 (2048x2048, tfjs-node)`);
  kernelFigures();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'ridge-bench-'));
  try {
    for (const b of BACKBONES) await benchBackbone(b, ceiling, tmp);
    if (MEMORY_EPOCHS > 0) await memoryEpochs(MEMORY_EPOCHS, MEMORY_IMG, path.join(tmp, 'memory'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
