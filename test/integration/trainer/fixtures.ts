// Test fixtures: a small sample dataset on disk as a Manifest, and a RunConfig with test-sized defaults.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateSample, SAMPLE_CLASSES } from '../../../src/main/services/sample';
import type { RunConfig } from '../../../src/shared/domain/runs';
import type { Manifest } from '../../../src/main/trainer/protocol';

/**
 * Writes `count` sample images to `dir` and returns their manifest (boxes in pixels, sample splits); with
 * `imbalance`, that many classes drawn with those shares (`ridge sample --imbalance`).
 */
export async function sampleManifest(
  dir: string,
  count: number,
  seed: number,
  width = 128,
  height = 96,
  imbalance?: readonly number[],
): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  const images: Manifest['images'] = [];
  for await (const s of generateSample({ count, seed, width, height, ...(imbalance ? { imbalance } : {}) })) {
    const file = path.join(dir, s.fileName);
    await writeFile(file, s.buffer);
    images.push({
      id: s.index + 1,
      file,
      width: s.width,
      height: s.height,
      split: s.split,
      boxes: s.boxes.map((b) => ({
        classIndex: (SAMPLE_CLASSES as readonly string[]).indexOf(b.label),
        x: b.x,
        y: b.y,
        w: b.w,
        h: b.h,
        difficult: false,
      })),
    });
  }
  return { classes: SAMPLE_CLASSES.slice(0, imbalance?.length), images };
}

/** A small, fast RunConfig for tests. */
export function testConfig(over: Partial<RunConfig> = {}): RunConfig {
  return {
    reg: 'none',
    lambda: 0,
    epochs: 2,
    seed: 7,
    imgSize: 96,
    batchSize: 8,
    learningRate: 2e-3,
    optimizer: 'adam',
    backend: 'tfjs-node',
    widthMultiplier: 0.5,
    arm: 'test',
    ...over,
  };
}
