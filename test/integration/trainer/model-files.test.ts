// A run's exported model that is missing or damaged on disk: loading it fails with an error that names the file
// and what is wrong (the robustness, saliency, predict and test-evaluation doors all load through it).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import { loadExportedModel, WEIGHTS_FILE } from '../../../src/main/trainer/export';
import { makeTmpDir } from '../../helpers/tmp';
import { exportUntrainedModel } from './untrained-model';

let tmp: ReturnType<typeof makeTmpDir>;
let good: string;
beforeAll(async () => {
  await loadBackend('tfjs-node');
  tmp = makeTmpDir();
  good = path.join(tmp.dir, 'good');
  await exportUntrainedModel(good, ['a', 'b'], 32);
}, 60_000);
afterAll(() => tmp.cleanup());

/** A copy of the good model with `change` applied to it. */
function damaged(name: string, change: (dir: string) => void): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const f of ['ridge-model.json', 'model.json', WEIGHTS_FILE])
    copyFileSync(path.join(good, f), path.join(dir, f));
  change(dir);
  return dir;
}

describe('loading an exported model from disk', () => {
  it('loads the good model', async () => {
    const { model, meta } = await loadExportedModel(good);
    expect(meta.classes).toEqual(['a', 'b']);
    model.dispose();
  });

  it('names the missing file', async () => {
    const dir = damaged('no-weights', (d) => rmSync(path.join(d, WEIGHTS_FILE)));
    await expect(loadExportedModel(dir)).rejects.toThrow(
      `the model file ${path.join(dir, WEIGHTS_FILE)} is missing`,
    );
    await expect(loadExportedModel(path.join(tmp.dir, 'nowhere'))).rejects.toThrow(
      /the model file .*nowhere.ridge-model\.json is missing/,
    );
  });

  it('names a truncated model.json as damaged', async () => {
    const dir = damaged('cut-json', (d) => {
      const f = path.join(d, 'model.json');
      writeFileSync(f, readFileSync(f, 'utf8').slice(0, 100));
    });
    await expect(loadExportedModel(dir)).rejects.toThrow(
      new RegExp(`the model file ${path.join(dir, 'model.json').replace(/[.\\/]/g, '\\$&')} is damaged: `),
    );
  });

  it('names a model.json without weights and a short weights file as damaged', async () => {
    const noManifest = damaged('no-manifest', (d) => writeFileSync(path.join(d, 'model.json'), '{}'));
    await expect(loadExportedModel(noManifest)).rejects.toThrow(/has no model topology or weights manifest/);
    const short = damaged('short-bin', (d) => {
      const f = path.join(d, WEIGHTS_FILE);
      writeFileSync(f, readFileSync(f).subarray(0, 64));
    });
    await expect(loadExportedModel(short)).rejects.toThrow(`the model in ${short} is damaged: `);
  });
});
