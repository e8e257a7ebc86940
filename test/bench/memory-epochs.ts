// Memory over a multi-epoch training: a Pretrained (mobilenetv2) run on the BCCD fixture through the real
// engine, with the peak RSS and live tensor count its epoch events carry (trainer/memory.ts), and whether both
// stay flat by memoryFlat's rule. A leak of one tensor per step would show as a count growing with the epoch.
import path from 'node:path';
import { fsSource } from '../../src/main/services/datasets/formats/source';
import { parseVoc } from '../../src/main/services/datasets/formats/voc';
import { withDefaults } from '../../src/shared/domain/run-config';
import { PRETRAINED_RECIPE, type RunConfig } from '../../src/shared/domain/runs';
import { runTraining } from '../../src/main/trainer/engine';
import { describeMemoryFlat, type EpochMemory } from '../../src/main/trainer/memory';
import type { Manifest } from '../../src/main/trainer/protocol';
import { requireFixture, SHARED_DIR } from '../helpers/paths';

/** The BCCD fixture (VOC, 364 microscope images, 3 classes) as a trainer manifest, 80/10/10 by index. */
function bccdManifest(): Manifest {
  const root = requireFixture(path.join(SHARED_DIR, 'fixtures', 'bccd', 'BCCD'));
  const parsed = parseVoc(fsSource(root));
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`BCCD: ${errors[0]!.file}: ${errors[0]!.message}`);
  const classes = parsed.classes;
  const images = parsed.images
    .filter((im) => im.boxes.length > 0 && im.width && im.height)
    .map((im, i) => ({
      id: i + 1,
      file: path.join(root, im.file),
      width: im.width!,
      height: im.height!,
      split: i % 10 < 8 ? ('train' as const) : i % 10 === 8 ? ('val' as const) : ('test' as const),
      boxes: im.boxes.map((b) => ({
        classIndex: classes.indexOf(b.label),
        x: b.x,
        y: b.y,
        w: b.w,
        h: b.h,
        difficult: b.difficult ?? false,
      })),
    }));
  return { classes, images };
}

/** Trains `epochs` epochs of the Pretrained recipe at `imgSize` px and prints memory per epoch. */
export async function memoryEpochs(epochs: number, imgSize: number, outDir: string): Promise<void> {
  const manifest = bccdManifest();
  const config: RunConfig = {
    ...withDefaults({ backbone: PRETRAINED_RECIPE.backbone, imgSize, epochs, backend: 'tfjs-node' }),
    arm: 'memory',
  };
  console.log(
    `\n-- memory: ${epochs} epochs, ${config.backbone} backbone, ${imgSize} px, batch ${config.batchSize}, ` +
      `BCCD (${manifest.images.length} images) --`,
  );
  const memory: EpochMemory[] = [];
  await runTraining({
    manifest,
    config,
    outDir,
    resume: false,
    signal: new AbortController().signal,
    emit: (e) => {
      if (e.type === 'failed') throw new Error(`memory run failed: ${e.reason}`);
      if (e.type !== 'epoch' || !e.memory) return;
      memory.push(e.memory);
      console.log(
        `epoch ${e.metrics.epoch}: peak RSS ${(e.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ` +
          `${e.memory.numTensors} tensors, ${e.metrics.seconds.toFixed(1)} s, val mAP50 ${e.metrics.mAP50.toFixed(3)}`,
      );
    },
  });
  console.log(describeMemoryFlat(memory));
}
