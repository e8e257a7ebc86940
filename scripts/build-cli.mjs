// Bundle the `ridge` CLI (out/cli/ridge.cjs), the trainer process (out/trainer/trainer.cjs) and its batch worker
// thread (out/trainer/batch-worker.cjs, found next to the trainer); native and heavy packages stay external
// (loaded from node_modules at run time).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['better-sqlite3', 'sharp', '@tensorflow/*', 'webgpu', 'electron', 'uplot', 'nsfwjs'],
};

await Promise.all([
  build({ ...common, entryPoints: ['src/main/cli/index.ts'], outfile: 'out/cli/ridge.cjs' }),
  build({ ...common, entryPoints: ['src/main/trainer/process-main.ts'], outfile: 'out/trainer/trainer.cjs' }),
  build({
    ...common,
    entryPoints: ['src/main/trainer/data/batch-worker.ts'],
    outfile: 'out/trainer/batch-worker.cjs',
  }),
]);
