import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEpochMemory } from '../../../src/main/services/runs/epoch-memory';
import { memoryFlat } from '../../../src/main/trainer/memory';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import type { makeTmpDir } from '../../helpers/tmp';

// Memory per epoch through the real path: the trainer process measures it, its epoch event carries it, main keeps
// it in the run folder. A tiny real training (12 images, 64 px, 3 epochs) on the native backend.
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '12', '--seed', '4'));
});
afterAll(() => tmp.cleanup());

describe('memory per epoch of a real training', () => {
  it("keeps each epoch's peak RSS and tensor count with the run, and the tensor count stays flat", () => {
    const t = ridge(['train', dir, '--epochs', '3', '--img-size', '64', '--backend', 'tfjs-node', '--json'], {
      env: { TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    expect(t.code, t.stderr).toBe(0);
    const run = JSON.parse(t.stdout) as { id: string };
    const memory = readEpochMemory(path.join(dir, 'runs', run.id));
    expect(memory.map((m) => m.epoch)).toEqual([1, 2, 3]);
    for (const m of memory) {
      // A trainer process with tfjs-node and a model loaded holds well over 100 MiB, and far less than 16 GiB here.
      expect(m.peakRssBytes).toBeGreaterThan(100 * 2 ** 20);
      expect(m.peakRssBytes).toBeLessThan(16 * 2 ** 30);
      expect(Number.isInteger(m.numTensors)).toBe(true);
      expect(m.numTensors).toBeGreaterThan(0);
    }
    // The model's weights, the optimizer's slots and the averaged weights live on; nothing per step does.
    expect(memoryFlat(memory).tensors, memory.map((m) => m.numTensors).join(', ')).toBe(true);
  }, 300_000);
});
