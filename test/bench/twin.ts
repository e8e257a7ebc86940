// The PyTorch twin from the bench's side: writes the tfjs model's architecture description for
// test/bench/torch_twin.py, runs it, and checks that the network it built is the same one (same layer calls
// with the same output shapes and parameter counts, same totals, forward FLOPs within 1%).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Architecture } from '../../src/main/trainer/model/architecture';

/** The reference interpreter (scripts/setup-reference.sh --torch installs torch into it). */
export const REF_PYTHON = path.join(__dirname, '..', '..', '.venv-ref', 'bin', 'python');

/**
 * OpenMP threads that sleep instead of spinning while they wait. On a shared machine spinning collapses torch:
 * the twin at 64 px, batch 4, 2 threads, measured beside other load: 0.4 img/s spinning (the default), 74
 * img/s passive, 35 img/s on one thread. tfjs-node's TensorFlow threads (Eigen's pool) do not spin like this.
 */
export const TWIN_OMP_WAIT_POLICY = 'PASSIVE';

/** What torch_twin.py prints: its speed and what it built, measured on its own modules and tensors. */
export interface TwinResult {
  torch: string;
  threads: number;
  imagesPerSecond: number;
  /** Seconds of each timed step. */
  stepSeconds: number[];
  forwardFlops: number;
  params: number;
  trainableParams: number;
  nodes: { id: string; op: string; outShape: number[]; params: number; trainableParams: number }[];
  firstLoss: number;
  matmulGflops: number;
}

/** Why the twin cannot run here, or null when it can. */
export function twinUnavailableReason(): string | null {
  if (!existsSync(REF_PYTHON))
    return `${REF_PYTHON} not found: run \`bash scripts/setup-reference.sh --torch\``;
  const r = spawnSync(REF_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0
    ? null
    : 'torch is not installed in .venv-ref: run `bash scripts/setup-reference.sh --torch`';
}

/** Writes the architecture JSON and trains the twin on synthetic batches; throws with its stderr on failure. */
export async function runTwin(
  arch: Architecture,
  file: string,
  batch: number,
  steps: number,
): Promise<TwinResult> {
  await writeFile(file, JSON.stringify(arch));
  const r = spawnSync(
    REF_PYTHON,
    [path.join(__dirname, 'torch_twin.py'), file, String(batch), String(steps)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line)
    throw new Error(`torch twin failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(line) as TwinResult;
}

/** Every difference between the tfjs model's description and what the twin reports it built. */
export function twinMismatches(arch: Architecture, twin: TwinResult): string[] {
  const out: string[] = [];
  if (twin.nodes.length !== arch.nodes.length)
    out.push(`layer calls: tfjs ${arch.nodes.length}, torch ${twin.nodes.length}`);
  arch.nodes.forEach((a, i) => {
    const t = twin.nodes[i];
    if (!t) return;
    const same =
      t.id === a.id &&
      t.op === a.op &&
      t.outShape.join(',') === a.outShape.join(',') &&
      t.params === a.params &&
      t.trainableParams === a.trainableParams;
    if (!same)
      out.push(
        `#${i} tfjs ${a.id} ${a.op} [${a.outShape.join(',')}] ${a.params} params (${a.trainableParams} trained) ` +
          `vs torch ${t.id} ${t.op} [${t.outShape.join(',')}] ${t.params} (${t.trainableParams})`,
      );
  });
  if (twin.params !== arch.params) out.push(`params: tfjs ${arch.params}, torch ${twin.params}`);
  if (twin.trainableParams !== arch.trainableParams)
    out.push(`trained params: tfjs ${arch.trainableParams}, torch ${twin.trainableParams}`);
  if (Math.abs(twin.forwardFlops - arch.forwardFlops) > 0.01 * arch.forwardFlops)
    out.push(`forward FLOPs: tfjs ${arch.forwardFlops}, torch ${twin.forwardFlops} (more than 1% apart)`);
  return out;
}
