// Quality within a time budget, the target: `ridge train` on a default sample project (200 images,
// seed 0), then test mAP50 / mAP50-95 and the wall time, for the default and for the Pretrained preset's recipe.
// Slow (about 15 minutes on 2 cores), so `npm run bench` runs it only when named: `npm run bench -- quality`.
// Run: npx tsx test/bench/quality.slow.bench.ts [scratch|mobilenetv2 ...]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PRETRAINED_RECIPE } from '../../src/shared/domain/runs';
import { REPO_ROOT } from '../helpers/paths';
import { makeTmpDir } from '../helpers/tmp';

const RIDGE = path.join(REPO_ROOT, 'bin', 'ridge.cjs');

/** The trainings measured: the default (from scratch) and PRETRAINED_RECIPE (the panel's Pretrained preset). */
const CASES: Record<string, string[]> = {
  scratch: [],
  mobilenetv2: [
    '--backbone',
    PRETRAINED_RECIPE.backbone,
    '--img-size',
    String(PRETRAINED_RECIPE.imgSize),
    '--epochs',
    String(PRETRAINED_RECIPE.epochs),
  ],
};

function ridge(args: string[]): string {
  const r = spawnSync(process.execPath, [RIDGE, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`ridge ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

const names = process.argv.slice(2).filter((a) => a in CASES);
const tmp = makeTmpDir('ridge-bench-quality-');
try {
  const rows: string[] = [];
  for (const name of names.length ? names : Object.keys(CASES)) {
    const dir = path.join(tmp.dir, name);
    ridge(['sample', dir, '--images', '200', '--seed', '0']);
    const t0 = performance.now();
    ridge(['train', dir, '--backend', 'tfjs-node', ...CASES[name]!]);
    const seconds = (performance.now() - t0) / 1000;
    const [run] = JSON.parse(ridge(['runs', dir, '--json'])) as {
      epochs: number;
      testMAP50: number;
      testMAP50_95: number;
      bestEpoch: number;
    }[];
    rows.push(
      `${name.padEnd(12)} ${String(run!.epochs).padStart(3)} epochs  test mAP50 ${run!.testMAP50.toFixed(3)}  ` +
        `mAP50-95 ${run!.testMAP50_95.toFixed(3)}  best epoch ${run!.bestEpoch}  wall ${(seconds / 60).toFixed(1)} min`,
    );
    console.log(rows.at(-1));
  }
  console.log(
    '\nquality on the default sample (200 images, seed 0; target: test mAP50 >= 0.9 within 10 min)',
  );
  for (const r of rows) console.log(`  ${r}`);
} finally {
  tmp.cleanup();
}
