import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ridge } from '../../helpers/cli';
import { writeImage } from '../../helpers/images';
import { startRidge } from '../../helpers/ridge-process';
import { filesBelow, storeState } from '../../helpers/store-check';
import { makeTmpDir } from '../../helpers/tmp';

// Two imports into one project at once, and an import killed at each step of its commit. Each race is pinned with
// the test hooks (a process waits at a named point until the test lets it go), so nothing here depends on timing.

const N = 12;
let tmp: ReturnType<typeof makeTmpDir>;
let project: string;

beforeEach(() => {
  tmp = makeTmpDir();
  project = path.join(tmp.dir, 'p');
  expect(ridge(['init', project]).code).toBe(0);
});
afterEach(() => tmp.cleanup());

/** A folder of N images named img_00.jpg... whose content depends on `seed`; returns their hashes. */
async function folder(name: string, seed: number): Promise<{ dir: string; shas: string[] }> {
  const dir = path.join(tmp.dir, name);
  const shas: string[] = [];
  for (let i = 0; i < N; i++) {
    const buf = await writeImage(path.join(dir, `img_${String(i).padStart(2, '0')}.jpg`), 32, 24, {
      seed: seed * 100 + i,
    });
    shas.push(createHash('sha256').update(buf).digest('hex'));
  }
  return { dir, shas };
}

const importArgs = (from: string) => [
  'import',
  project,
  '--format',
  'images',
  '--from',
  from,
  '--split',
  'train',
];

function expectConsistent(expectedShas: string[]): void {
  const s = storeState(project);
  expect(s.broken, 'rows whose file is missing or changed').toEqual([]);
  expect(s.orphans, 'files no row names').toEqual([]);
  expect(s.rows.map((r) => r.sha256).sort()).toEqual([...expectedShas].sort());
  expect(filesBelow(path.join(project, '.import-staging'))).toEqual([]);
}

describe('two imports of folders with the same file names, at once', () => {
  it("one prepared before the other committed: both commit, and neither deletes the other one's images", async () => {
    const a = await folder('a', 1);
    const b = await folder('b', 2);
    const resume = path.join(tmp.dir, 'resume-a');
    const first = startRidge(importArgs(a.dir), { pause: 'import:staged', resume });
    await first.pausedAt('import:staged');
    const second = ridge(importArgs(b.dir));
    expect(second.code, second.stderr).toBe(0);
    writeFileSync(resume, '');
    expect(await first.exited, first.stderr()).toBe(0);
    expect(first.stdout()).toContain(`imported ${N} images`);
    expectConsistent([...a.shas, ...b.shas]);
  });

  it('one waits for the lock while the other holds it mid-commit: both commit, all files intact', async () => {
    const a = await folder('a', 3);
    const b = await folder('b', 4);
    const resumeA = path.join(tmp.dir, 'resume-a');
    const resumeB = path.join(tmp.dir, 'resume-b');
    const second = startRidge(importArgs(b.dir), { pause: 'import:staged', resume: resumeB });
    await second.pausedAt('import:staged');
    const first = startRidge(importArgs(a.dir), { pause: 'import:publish-locked', resume: resumeA });
    await first.pausedAt('import:publish-locked');
    writeFileSync(resumeB, ''); // the second now goes for the write lock the first one holds
    writeFileSync(resumeA, '');
    expect(await first.exited, first.stderr()).toBe(0);
    expect(await second.exited, second.stderr()).toBe(0);
    expectConsistent([...a.shas, ...b.shas]);
  });
});

describe('an import killed (SIGKILL) during its commit', () => {
  const cases = [
    { point: 'import:staged', committed: false },
    { point: 'import:publish-locked', committed: false },
    { point: 'import:published', committed: true },
  ];
  for (const c of cases) {
    it(`killed at ${c.point}: ${c.committed ? 'the import stands' : 'nothing is visible'}, no orphan files, and a re-import stores the plain names`, async () => {
      const a = await folder('a', 5);
      const killed = startRidge(importArgs(a.dir), { pause: c.point });
      await killed.pausedAt(c.point);
      killed.child.kill('SIGKILL');
      expect(await killed.exited).toBe('SIGKILL');

      const stats = ridge(['stats', project, '--json']);
      expect(stats.code, stats.stderr).toBe(0);
      expect((JSON.parse(stats.stdout) as { images: number }).images).toBe(c.committed ? N : 0);
      expectConsistent(c.committed ? a.shas : []);

      const again = ridge(importArgs(a.dir));
      expect(again.code, again.stderr).toBe(0);
      expectConsistent(a.shas);
      const names = storeState(project).rows.map((r) => r.path);
      expect(names).toEqual(a.shas.map((_, i) => `images/img_${String(i).padStart(2, '0')}.jpg`));
      expect(readFileSync(path.join(project, names[0]!)).length).toBeGreaterThan(0);
    });
  }
});
