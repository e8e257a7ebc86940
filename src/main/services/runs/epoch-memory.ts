// A run's memory per epoch (the trainer's peak RSS and live tensor count), kept as JSON lines in the run's folder
// beside its manifest and checkpoints rather than in the database: figures for benchmarks and leak checks, not
// for the app's views, so no migration carries them.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EpochMemory } from '../../trainer/protocol';

/** The file in a run's folder that holds one line per epoch: {"epoch":N,"peakRssBytes":..,"numTensors":..}. */
export const EPOCH_MEMORY_FILE = 'epoch-memory.jsonl';

/** Append one epoch's figures (a resumed run that rewrites an epoch appends again; the last line wins). */
export function appendEpochMemory(dir: string, epoch: number, m: EpochMemory): void {
  appendFileSync(path.join(dir, EPOCH_MEMORY_FILE), `${JSON.stringify({ epoch, ...m })}\n`);
}

/** A run's figures by epoch, in epoch order (empty when the trainer sent none). */
export function readEpochMemory(dir: string): (EpochMemory & { epoch: number })[] {
  const file = path.join(dir, EPOCH_MEMORY_FILE);
  if (!existsSync(file)) return [];
  const byEpoch = new Map<number, EpochMemory & { epoch: number }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as EpochMemory & { epoch: number };
    byEpoch.set(m.epoch, m);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
