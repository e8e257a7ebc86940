// Benchmark of the built-in sample generator (and probing its output): prints figures, asserts nothing.
// Run: npx tsx test/bench/sample.bench.ts [count]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { probeMany } from '../../src/main/services/images/probe';
import { generateSample } from '../../src/main/services/sample/generator';
import { renderSampleImage } from '../../src/main/services/sample/scene';
import { makeTmpDir } from '../helpers/tmp';

/** Figures of one benchmark run, for run-all style aggregation. */
export interface SampleBenchResult {
  count: number;
  generateSeconds: number;
  imagesPerSecond: number;
  renderMsPerImage: number;
  probeImagesPerSecond: number;
  objects: number;
  bytes: number;
}

/** Generate `count` 320x240 JPEGs, time rendering alone, then probe the written files (import speed). */
export async function benchSample(count = 200): Promise<SampleBenchResult> {
  const tmp = makeTmpDir('ridge-bench-sample-');
  try {
    const dir = path.join(tmp.dir, 'images');
    mkdirSync(dir);
    const files: string[] = [];
    let objects = 0;
    let bytes = 0;
    const t0 = performance.now();
    for await (const img of generateSample({ count, seed: 1 })) {
      objects += img.boxes.length;
      bytes += img.buffer.length;
      const file = path.join(dir, img.fileName);
      writeFileSync(file, img.buffer);
      files.push(file);
    }
    const generateSeconds = (performance.now() - t0) / 1000;

    const renderN = Math.min(count, 50);
    const t1 = performance.now();
    for (let i = 0; i < renderN; i++) renderSampleImage(1, i, 320, 240);
    const renderMsPerImage = (performance.now() - t1) / renderN;

    const t2 = performance.now();
    const probed = await probeMany(files, { concurrency: 4 });
    const probeSeconds = (performance.now() - t2) / 1000;
    if (probed.some((r) => !r.ok)) throw new Error('a generated image failed to probe');

    return {
      count,
      generateSeconds,
      imagesPerSecond: count / generateSeconds,
      renderMsPerImage,
      probeImagesPerSecond: count / probeSeconds,
      objects,
      bytes,
    };
  } finally {
    tmp.cleanup();
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  const r = await benchSample(count);
  console.log(`sample generator (${os.cpus().length} CPUs, node ${process.version})`);
  console.log(
    `  generate ${r.count} images 320x240 JPEG: ${r.generateSeconds.toFixed(2)} s = ${r.imagesPerSecond.toFixed(1)} images/s`,
  );
  console.log(`  render only (no encode): ${r.renderMsPerImage.toFixed(1)} ms/image`);
  console.log(`  probe (decode + sha-256, concurrency 4): ${r.probeImagesPerSecond.toFixed(0)} images/s`);
  console.log(
    `  objects: ${r.objects} (${(r.objects / r.count).toFixed(2)}/image), ${(r.bytes / r.count / 1024).toFixed(1)} KiB/image`,
  );
}

if (process.argv[1] && /sample\.bench\.[cm]?[jt]s$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
