import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridge } from '../../helpers/cli';
import { requireFixture, VOC100 } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => (tmp = makeTmpDir()));
afterAll(() => tmp.cleanup());

describe('ridge eval', () => {
  it('prints the 12 COCOeval statistics equal to pycocotools on voc-subset100, plus perClass', () => {
    const dir = requireFixture(VOC100);
    const r = ridge([
      'eval',
      '--gt',
      path.join(dir, 'gt_coco.json'),
      '--dets',
      path.join(dir, 'dets_coco.json'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number> & { perClass: Record<string, { AP: number }> };
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected_cocoeval.json'), 'utf8')) as Record<
      string,
      number
    >;
    expect(Object.keys(expected)).toHaveLength(12);
    for (const [k, v] of Object.entries(expected)) expect(Math.abs(out[k]! - v), k).toBeLessThan(1e-4);
    expect(Object.keys(out.perClass)).toHaveLength(20);
  });

  it('names the file when detections point at an image the ground truth lacks, or are not JSON', () => {
    const dir = requireFixture(VOC100);
    const bad = path.join(tmp.dir, 'dets.json');
    writeFileSync(bad, JSON.stringify([{ image_id: 999, category_id: 1, bbox: [0, 0, 5, 5], score: 0.5 }]));
    const r = ridge(['eval', '--gt', path.join(dir, 'gt_coco.json'), '--dets', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bad);
    writeFileSync(bad, '[{"image_id": 1,');
    const r2 = ridge(['eval', '--gt', path.join(dir, 'gt_coco.json'), '--dets', bad, '--json']);
    expect(r2.code).toBe(1);
    expect(JSON.parse(r2.stdout).error.file).toBe(bad);
  });
});
