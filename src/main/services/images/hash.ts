import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Split } from '../../../shared/domain/types';

/** Hex sha-256 of bytes already in memory; probe hashes the same buffer it decodes. */
export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Streaming hex sha-256 of a file, for re-linking moved images without loading them whole. */
export function hashFile(absPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(absPath);
    stream.on('error', reject);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** What findDuplicates needs from an image record. */
export interface HashedRecord<Id> {
  id: Id;
  sha256: string;
  split: Split;
}

/** Images with identical content; `crossSplit` means the same pixels sit in two splits (train/eval leakage). */
export interface DuplicateGroup<Id> {
  sha256: string;
  ids: Id[];
  /** The distinct splits of the group, in train, val, test order. */
  splits: Split[];
  crossSplit: boolean;
}

const SPLIT_ORDER: Record<Split, number> = { train: 0, val: 1, test: 2 };

/** Group records by content hash (groups of two or more, in order of first appearance) to flag duplicates. */
export function findDuplicates<Id>(records: readonly HashedRecord<Id>[]): DuplicateGroup<Id>[] {
  const byHash = new Map<string, HashedRecord<Id>[]>();
  for (const r of records) {
    const key = r.sha256.toLowerCase();
    const list = byHash.get(key);
    if (list) list.push(r);
    else byHash.set(key, [r]);
  }
  const groups: DuplicateGroup<Id>[] = [];
  for (const [sha256, list] of byHash) {
    if (list.length < 2) continue;
    const splits = [...new Set(list.map((r) => r.split))].sort((a, b) => SPLIT_ORDER[a] - SPLIT_ORDER[b]);
    groups.push({ sha256, ids: list.map((r) => r.id), splits, crossSplit: splits.length > 1 });
  }
  return groups;
}
