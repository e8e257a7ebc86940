import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findDuplicates, hashFile, sha256Hex } from '../../../src/main/services/images/hash';
import { mapWithConcurrency } from '../../../src/main/services/images/pool';
import { makeTmpDir } from '../../helpers/tmp';

const tmp = makeTmpDir('ridge-hash-');
afterAll(() => tmp.cleanup());

describe('hashFile', () => {
  it('streams the same sha-256 as hashing the bytes, for files larger than one chunk', async () => {
    const data = Buffer.alloc(300_000, 7);
    data.write('ridge', 123_456);
    const file = path.join(tmp.dir, 'big.bin');
    writeFileSync(file, data);
    expect(await hashFile(file)).toBe(sha256Hex(data));
    expect(sha256Hex(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('rejects for a missing file', async () => {
    await expect(hashFile(path.join(tmp.dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

describe('findDuplicates', () => {
  it('groups equal hashes and flags groups that span splits', () => {
    const groups = findDuplicates([
      { id: 1, sha256: 'aa', split: 'train' },
      { id: 2, sha256: 'bb', split: 'train' },
      { id: 3, sha256: 'AA', split: 'test' },
      { id: 4, sha256: 'cc', split: 'val' },
      { id: 5, sha256: 'bb', split: 'train' },
      { id: 6, sha256: 'aa', split: 'val' },
    ]);
    expect(groups).toEqual([
      { sha256: 'aa', ids: [1, 3, 6], splits: ['train', 'val', 'test'], crossSplit: true },
      { sha256: 'bb', ids: [2, 5], splits: ['train'], crossSplit: false },
    ]);
  });

  it('returns nothing when all images are distinct', () => {
    expect(findDuplicates([{ id: 'x', sha256: '01', split: 'train' }])).toEqual([]);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10 + i;
    });
    expect(out).toEqual([50, 11, 42, 23, 34, 5]);
    expect(peak).toBe(2);
  });
});
