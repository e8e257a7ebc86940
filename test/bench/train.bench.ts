// Benchmark of training throughput: the real detector with its data pipeline on tfjs-node, the same
// architecture in PyTorch (test/bench/torch_twin.py, benchmark only), the machine's fp32 matmul ceiling and
// the model's FLOPs per image. Prints figures, asserts nothing.
// Run: TF_CPP_MIN_LOG_LEVEL=2 npx tsx test/bench/train.bench.ts [imgSize] [widthMultiplier] [batch]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cpuDevice, kernelTimingShape, loadBackend } from '../../src/main/trainer/backend';
import { timeAndChooseKernels } from '../../src/main/trainer/backend/kernel-choice';
import { BatchSource, chunk, epochOrder, prefetch } from '../../src/main/trainer/data/pipeline';
import { batchTensors } from '../../src/main/trainer/evaluate';
import { forwardFlops } from '../../src/main/trainer/model/detector';
import { createTrainState, disposeTrainState, syntheticBatch, trainStep } from '../../src/main/trainer/step';
import { sampleManifest } from '../integration/trainer/fixtures';

const imgSize = Number(process.argv[2] ?? 320);
const width = Number(process.argv[3] ?? 0.5);
const batch = Number(process.argv[4] ?? 16);
const STEPS = 6;

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
 * tfjs-node's own FusedBatchNorm and Step against the replacements, timed as backend selection times them
 * (which also installs the faster of each, so the steps below run what a run on this machine would), on a
 * MobileNetV2-sized map and on the map the selection times for this bench's input size.
 */
function kernelFigures(): void {
  for (const shape of [[8, 160, 160, 96], kernelTimingShape(imgSize)]) {
    for (const k of timeAndChooseKernels(shape)) {
      console.log(
        `kernel ${k.kernel} on [${shape.join(',')}]: tfjs-node's ${k.nativeMs.toFixed(1)} ms, ours ` +
          `${k.replacementMs.toFixed(1)} ms -> ${k.used === 'native' ? "tfjs-node's" : 'ours'} runs`,
      );
    }
  }
}

async function main(): Promise<void> {
  await loadBackend('tfjs-node');
  console.log(
    `device: ${cpuDevice()}, backend ${tf.getBackend()}, img ${imgSize}, width x${width}, batch ${batch}`,
  );
  const ceiling = await matmulCeiling();
  kernelFigures();
  const cfg = { numClasses: 6, imgSize, widthMultiplier: width, dropoutRate: 0, seed: 1 };
  const s = await createTrainState(cfg, 'none', 0);
  const fwd = forwardFlops(s.model);
  const trainFlops = 3 * fwd; // forward + backward (~2x forward)
  console.log(`matmul ceiling: ${ceiling.toFixed(1)} GFLOP/s fp32 (2048x2048)`);
  console.log(
    `model: ${(fwd / 1e9).toFixed(3)} GFLOP forward/image, ~${(trainFlops / 1e9).toFixed(3)} GFLOP/train image, ${s.params.reduce((n, p) => n + p.size, 0)} params`,
  );

  // Steps alone (synthetic batch), then steps fed by the real pipeline (decode, augment, targets, prefetch).
  const syn = syntheticBatch(s, batch);
  await trainStep(s, syn.x, syn.targets, 1e-4);
  let t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await trainStep(s, syn.x, syn.targets, 1e-4);
  const stepIps = (STEPS * batch) / ((performance.now() - t0) / 1000);
  tf.dispose([syn.x, syn.targets.cls, syn.targets.box, syn.targets.pos]);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-bench-'));
  const m = await sampleManifest(dir, batch * (STEPS + 1), 5, 320, 240);
  const source = new BatchSource(6, imgSize, s.grid);
  const groups = chunk(epochOrder(m.images, 1, 0), batch);
  let n = 0;
  let seen = 0;
  t0 = performance.now();
  let tStart = t0;
  for await (const b of prefetch(groups, (g) => source.makeBatch(g, { seed: 1, epoch: 0 }))) {
    const { x, targets } = batchTensors(b, imgSize, 6, s.grid.size);
    await trainStep(s, x, targets, 1e-4);
    tf.dispose([x, targets.cls, targets.box, targets.pos]);
    if (n++ === 0)
      tStart = performance.now(); // first batch = warm-up (cold decode)
    else seen += b.size;
  }
  const pipeIps = seen / ((performance.now() - tStart) / 1000);
  disposeTrainState(s);
  await rm(dir, { recursive: true, force: true });
  const achieved = (stepIps * trainFlops) / 1e9;
  console.log(
    `tfjs-node training: ${stepIps.toFixed(1)} img/s (steps only), ${pipeIps.toFixed(1)} img/s (with data pipeline)`,
  );
  console.log(
    `tfjs-node achieved: ${achieved.toFixed(1)} GFLOP/s = ${((100 * achieved) / ceiling).toFixed(0)}% of the matmul ceiling`,
  );

  const py = path.join(__dirname, '..', '..', '.venv-ref', 'bin', 'python');
  if (!existsSync(py)) {
    console.log(
      'torch twin: skipped (.venv-ref/bin/python not found; create it and `.venv-ref/bin/pip install torch`)',
    );
    return;
  }
  const r = spawnSync(
    py,
    [path.join(__dirname, 'torch_twin.py'), String(imgSize), String(width), String(batch), String(STEPS)],
    { encoding: 'utf8' },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) {
    console.log(
      `torch twin: could not run: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`,
    );
    return;
  }
  const t = JSON.parse(line) as {
    torch: string;
    threads: number;
    imagesPerSecond: number;
    forwardFlops: number;
  };
  console.log(
    `torch ${t.torch} (${t.threads} threads) twin: ${t.imagesPerSecond.toFixed(1)} img/s, forward ${(t.forwardFlops / 1e9).toFixed(3)} GFLOP/image`,
  );
  console.log(
    `ratio tfjs-node / torch: ${(stepIps / t.imagesPerSecond).toFixed(2)}; torch achieves ${((100 * t.imagesPerSecond * 3 * t.forwardFlops) / 1e9 / ceiling).toFixed(0)}% of the ceiling`,
  );
  console.log(
    'limits: small 3x3 convs with few channels (8-64) and large spatial maps are memory-bound (im2col/oneDNN ' +
      'cannot reach GEMM efficiency), batch-norm and elementwise ops run unfused one kernel at a time in tfjs ' +
      "(each a full pass over memory; tfjs-node's own FusedBatchNorm and Step can be slower still and are " +
      'replaced where the kernel lines above measure ours faster), and the gradient tape keeps every intermediate alive; torch fuses less ' +
      'than XLA would but has faster conv backward kernels.',
  );
}

void main();
