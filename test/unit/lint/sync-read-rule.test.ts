import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths';

// The trainer must never read a tensor synchronously: on the webgpu backend in Node that throws
// (OffscreenCanvas is not defined). ESLint enforces it in src/main/trainer; these cases prove the rule fires.
const eslint = new ESLint({ cwd: REPO_ROOT });

async function messages(file: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [res] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (res?.messages ?? []).map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

const head = "import * as tf from '@tensorflow/tfjs';\n";

describe('ESLint rule: no synchronous tensor reads in the trainer', () => {
  it.each([
    ['dataSync', 'export const a = (t: tf.Tensor) => t.dataSync()[0];\n'],
    ['arraySync', 'export const a = (t: tf.Tensor) => t.arraySync();\n'],
    ['bufferSync', 'export const a = (t: tf.Tensor) => t.bufferSync();\n'],
    ['print', 'export const a = (t: tf.Tensor) => t.print();\n'],
    [
      'nonMaxSuppression',
      'export const a = (b: tf.Tensor2D, s: tf.Tensor1D) => tf.image.nonMaxSuppression(b, s, 9);\n',
    ],
  ])('%s in src/main/trainer is an error that names the webgpu backend', async (name, code) => {
    for (const file of ['src/main/trainer/x.ts', 'src/main/trainer/model/y.ts']) {
      const found = await messages(file, head + code);
      expect(found.map((m) => m.ruleId)).toContain('no-restricted-properties');
      expect(found.find((m) => m.ruleId === 'no-restricted-properties')!.message).toMatch(
        new RegExp(`${name}.*webgpu backend in Node`),
      );
    }
  });

  it('asynchronous reads pass in the trainer, and synchronous ones outside it are not this rule’s business', async () => {
    expect(
      await messages(
        'src/main/trainer/ok.ts',
        head + 'export const a = async (t: tf.Tensor) => (await t.data())[0];\n',
      ),
    ).toEqual([]);
    expect(
      await messages(
        'src/main/services/ok.ts',
        head + 'export const a = (t: tf.Tensor) => t.dataSync()[0];\n',
      ),
    ).toEqual([]);
  });
});
