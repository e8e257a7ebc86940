import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendEpochMemory, readEpochMemory } from '../../../src/main/services/runs/epoch-memory';
import { describeMemoryFlat, memoryFlat } from '../../../src/main/trainer/memory';

const MiB = 2 ** 20;
const epochs = (rss: number[], tensors: number[]) =>
  rss.map((r, i) => ({ peakRssBytes: r * MiB, numTensors: tensors[i]! }));

describe('memoryFlat: the one rule for flat memory across epochs', () => {
  it('ignores epoch 1 (the warm-up) and compares the last epoch with epoch 2', () => {
    expect(memoryFlat(epochs([400, 900, 920, 950], [100, 359, 359, 359]))).toEqual({
      tensors: true,
      rss: true,
    });
  });

  it('calls a tensor count that moves at all, or a peak RSS that grows over 10%, not flat', () => {
    expect(memoryFlat(epochs([900, 900, 900], [359, 359, 360])).tensors).toBe(false);
    expect(memoryFlat(epochs([900, 900, 991], [359, 359, 359])).rss).toBe(false);
    expect(memoryFlat(epochs([900, 900, 989], [359, 359, 359])).rss).toBe(true);
  });

  it('has nothing to compare with fewer than two epochs', () => {
    expect(memoryFlat([])).toEqual({ tensors: true, rss: true });
    expect(memoryFlat(epochs([900], [1]))).toEqual({ tensors: true, rss: true });
  });

  it('says both verdicts with their series', () => {
    expect(describeMemoryFlat(epochs([400, 900, 1000], [100, 359, 361]))).toBe(
      'memory flat across epochs 2-3: tensors NO (100, 359, 361), peak RSS NO (within 10%: 400, 900, 1000 MiB)',
    );
  });
});

describe("a run folder's memory per epoch", () => {
  it('reads back in epoch order, the last line of a rewritten epoch winning (a resumed run)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ridge-mem-'));
    try {
      expect(readEpochMemory(dir)).toEqual([]);
      appendEpochMemory(dir, 1, { peakRssBytes: 1, numTensors: 10 });
      appendEpochMemory(dir, 2, { peakRssBytes: 2, numTensors: 20 });
      appendEpochMemory(dir, 2, { peakRssBytes: 3, numTensors: 30 });
      expect(readEpochMemory(dir)).toEqual([
        { epoch: 1, peakRssBytes: 1, numTensors: 10 },
        { epoch: 2, peakRssBytes: 3, numTensors: 30 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
