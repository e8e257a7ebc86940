import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyDocument } from '../../../src/shared/api/runs-contract';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import type { makeTmpDir } from '../../helpers/tmp';

// A tiny real study (24 images, 64 px, 1 epoch, 1 seed): its report.html shows two saliency examples, and says so in
// plain words once a run has none (as runs made before the trainer kept one).
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
let doc: StudyDocument;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '24'));
  const c = ridge([
    'compare',
    dir,
    '--arms',
    'none,l2=1e-4',
    '--seeds',
    '1',
    '--epochs',
    '1',
    '--img-size',
    '64',
    '--batch-size',
    '8',
    '--json',
  ]);
  expect(c.code, c.stderr).toBe(0);
  doc = JSON.parse(c.stdout) as StudyDocument;
}, 180_000);
afterAll(() => tmp.cleanup());

const EMBEDDED = /<figure><img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g;

describe('study report saliency examples', () => {
  it('each run keeps its example, and report.html embeds the two, captioned with arm, seed, file, detection, saliencyInBox', () => {
    for (const id of doc.arms.flatMap((a) => a.runIds)) {
      const ex = JSON.parse(readFileSync(path.join(dir, 'runs', id, 'saliency-example.json'), 'utf8')) as {
        imageId: number;
        width: number;
        height: number;
        values: number[];
      };
      expect(ex.values).toHaveLength(ex.width * ex.height);
      expect(Math.max(...ex.values)).toBe(255);
    }
    const html = readFileSync(doc.report!, 'utf8');
    const images = [...html.matchAll(EMBEDDED)];
    expect(images).toHaveLength(2);
    for (const m of images) expect(Buffer.from(m[1]!, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const captions = [...html.matchAll(/<figcaption>(.*?)<\/figcaption>/g)].map((m) => m[1]!);
    expect(captions).toHaveLength(2);
    expect(captions[0]).toMatch(
      /^<b>no regularization<\/b>, seed 0 &middot; \S+\.(jpg|png)<br>top detection: \S+, score 0\.\d\d &middot; saliencyInBox of this image (\d+\.\d\d|n\/a)$/,
    );
    expect(captions[1]).toMatch(/^<b>L2 1e-4<\/b>, seed 0 /);
  });

  it('a run without an example (made before runs kept one): the section says so instead of breaking', () => {
    const id = doc.arms[1]!.runIds[0]!;
    rmSync(path.join(dir, 'runs', id, 'saliency-example.json'));
    const shown = ridge(['study', 'show', dir, doc.study.id, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const report = (JSON.parse(shown.stdout) as StudyDocument).report!;
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    expect([...html.matchAll(EMBEDDED)]).toHaveLength(0);
    expect(html).toContain(
      'No saliency examples to show: the runs compared here were made before runs kept one',
    );
  });
});
