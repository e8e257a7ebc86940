import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COCO_STAT_KEYS,
  evaluateCoco,
  evaluateVoc,
  type CocoDetection,
  type CocoGroundTruth,
} from '../../../src/main/trainer/metrics';
import { VOC100, requireFixture } from '../../helpers/paths';

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(requireFixture(VOC100), name), 'utf8')) as T;
}

/** gt_coco.json with each box's <difficult> flag from the VOC XMLs (matched by file, class and box). */
function gtWithDifficult(gt: CocoGroundTruth): CocoGroundTruth {
  const dir = path.join(requireFixture(VOC100), 'gts', 'pascalvoc_format');
  const imageByStem = new Map(gt.images.map((im) => [path.parse(im.file_name ?? '').name, im.id]));
  const nameOf = new Map(gt.categories.map((c) => [c.id, c.name]));
  const difficult = new Set<string>();
  let objects = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    const imageId = imageByStem.get(path.parse(file).name);
    expect(imageId, file).toBeDefined();
    const xml = readFileSync(path.join(dir, file), 'utf8');
    for (const obj of xml.split('<object>').slice(1)) {
      const tag = (t: string): string => obj.match(new RegExp(`<${t}>\\s*([^<]*?)\\s*</${t}>`))?.[1] ?? '';
      const [x1, y1, x2, y2] = ['xmin', 'ymin', 'xmax', 'ymax'].map((t) => Number(tag(t)));
      objects++;
      if (tag('difficult') === '1')
        difficult.add(`${imageId}|${tag('name')}|${x1},${y1},${x2! - x1!},${y2! - y1!}`);
    }
  }
  expect(objects).toBe(gt.annotations.length);
  expect(difficult.size).toBe(38);
  const annotations = gt.annotations.map((a) => ({
    ...a,
    difficult: difficult.has(`${a.image_id}|${nameOf.get(a.category_id)}|${a.bbox.join(',')}`),
  }));
  expect(annotations.filter((a) => a.difficult)).toHaveLength(38);
  return { ...gt, annotations };
}

describe('metrics on the voc-subset100 fixture', () => {
  const gt = readJson<CocoGroundTruth>('gt_coco.json');
  const dets = readJson<CocoDetection[]>('dets_coco.json');

  it('gives the 12 COCOeval statistics of pycocotools 2.0.11', () => {
    const expected = readJson<Record<string, number>>('expected_cocoeval.json');
    const { stats } = evaluateCoco(gt, dets);
    for (const key of COCO_STAT_KEYS) {
      expect(Math.abs(stats[key] - expected[key]!), key).toBeLessThan(1e-4);
      // The expected values are rounded to 6 decimals: we agree to that rounding.
      expect(Math.abs(stats[key] - expected[key]!), key).toBeLessThanOrEqual(5e-7 + 1e-12);
    }
  });

  it('returns per-class AP and PR curves consistent with the summary', () => {
    const res = evaluateCoco(gt, dets);
    expect(res.perClass).toHaveLength(20);
    expect(res.recallThresholds).toHaveLength(101);
    const valid = res.perClass.filter((c) => c.AP >= 0);
    const meanAp = valid.reduce((s, c) => s + c.AP, 0) / valid.length;
    const meanAp50 = valid.reduce((s, c) => s + c.AP50, 0) / valid.length;
    expect(meanAp).toBeCloseTo(res.stats.AP, 12);
    expect(meanAp50).toBeCloseTo(res.stats.AP50, 12);
    for (const c of res.perClass) {
      expect(c.curves.map((cv) => cv.iouThreshold)).toEqual([0.5, 0.75]);
      const p50 = c.curves[0]!.precision;
      expect(p50).toHaveLength(101);
      expect(p50.reduce((s, v) => s + v, 0) / 101).toBeCloseTo(c.AP50, 12);
      // The envelope makes interpolated precision non-increasing in recall.
      for (let r = 1; r < 101; r++) expect(p50[r]!).toBeLessThanOrEqual(p50[r - 1]!);
    }
    expect(res.perClass.reduce((s, c) => s + c.numGt, 0)).toBe(273);
  });

  it('gives VOC mAP@0.5 all-point 0.6109 and 11-point 0.5990', () => {
    expect(Math.abs(evaluateVoc(gt, dets).mAP - 0.6109)).toBeLessThan(1e-4);
    const eleven = evaluateVoc(gt, dets, { iouThreshold: 0.5, interpolation: '11-point' });
    expect(Math.abs(eleven.mAP - 0.599)).toBeLessThan(1e-4);
    expect(eleven.perClass).toHaveLength(20);
  });

  it('gives VOC mAP 0.6139 with difficult boxes (from the XMLs) ignored', () => {
    const withDifficult = gtWithDifficult(gt);
    const ignored = evaluateVoc(withDifficult, dets, { iouThreshold: 0.5, ignoreDifficult: true });
    expect(Math.abs(ignored.mAP - 0.6139)).toBeLessThan(1e-4);
    expect(ignored.perClass.reduce((s, c) => s + c.numGt, 0)).toBe(273 - 38);
    // Counting them again gives the plain number back.
    expect(Math.abs(evaluateVoc(withDifficult, dets).mAP - 0.6109)).toBeLessThan(1e-4);
  });
});
