// Writes the detector's architecture description (src/main/trainer/model/architecture.ts) as JSON, for a
// PyTorch twin run where tfjs-node is not at hand (the GPU bench: test/bench/gpu/prepare.sh calls this).
// Run: npx tsx test/bench/write-architecture.ts IMG WIDTH BACKBONE OUT.json
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../src/main/trainer/backend';
import { describeArchitecture } from '../../src/main/trainer/model/architecture';
import { buildDetectorWithBackbone } from '../../src/main/trainer/model/detector';
import type { BackboneName } from '../../src/main/trainer/model/pretrained';

async function main(): Promise<void> {
  const [img = '320', width = '0.5', backbone = 'scratch', out] = process.argv.slice(2);
  if (!out) throw new Error('usage: write-architecture.ts IMG WIDTH BACKBONE OUT.json');
  await loadBackend('tfjs-node');
  const model = await buildDetectorWithBackbone({
    numClasses: 6,
    imgSize: Number(img),
    widthMultiplier: Number(width),
    dropoutRate: 0,
    seed: 1,
    backbone: backbone as BackboneName,
  });
  writeFileSync(out, JSON.stringify(describeArchitecture(model)));
  model.dispose();
  console.log(`architecture: ${out} (${backbone}, ${img} px, width x${width}, backend ${tf.getBackend()})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
