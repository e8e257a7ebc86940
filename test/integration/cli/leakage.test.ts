import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridge } from '../../helpers/cli';
import { writeImage } from '../../helpers/images';
import { makeTmpDir } from '../../helpers/tmp';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => (tmp = makeTmpDir()));
afterAll(() => tmp.cleanup());

describe('duplicate images', () => {
  it('the same photo in train and val is reported as possible leakage by import and by stats', async () => {
    const ds = path.join(tmp.dir, 'ds');
    await writeImage(path.join(ds, 'train', 'a.jpg'), 64, 48, { seed: 4 });
    await writeImage(path.join(ds, 'train', 'b.jpg'), 64, 48, { seed: 5 });
    mkdirSync(path.join(ds, 'val'), { recursive: true });
    copyFileSync(path.join(ds, 'train', 'a.jpg'), path.join(ds, 'val', 'a-copy.jpg'));
    const dir = path.join(tmp.dir, 'p');
    expect(ridge(['init', dir]).code).toBe(0);
    const imp = ridge(['import', dir, '--format', 'images', '--from', ds, '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout).duplicates).toBe(1);
    const stats = ridge(['stats', dir]);
    expect(stats.code).toBe(0);
    expect(stats.stderr).toMatch(
      /warning: 2 images have identical content .* across splits: possible leakage/,
    );
  });
});
