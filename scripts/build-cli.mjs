// Bundle the `ridge` CLI into out/cli/ridge.cjs; native and heavy packages stay external (loaded from node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main/cli/index.ts'],
  outfile: 'out/cli/ridge.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['better-sqlite3', 'sharp', '@tensorflow/*', 'webgpu', 'electron', 'uplot'],
});
