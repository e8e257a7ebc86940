import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCoco } from '../../../src/main/services/datasets/formats/coco';
import { parseCvat } from '../../../src/main/services/datasets/formats/cvat';
import { parseLabelme } from '../../../src/main/services/datasets/formats/labelme';
import { baseOf } from '../../../src/main/services/datasets/formats/paths';
import { fsSource } from '../../../src/main/services/datasets/formats/source';
import type { DatasetBox, ParsedDataset } from '../../../src/main/services/datasets/formats/types';
import { parseVoc } from '../../../src/main/services/datasets/formats/voc';
import { parseYolo } from '../../../src/main/services/datasets/formats/yolo';
import { requireFixture, VOC100 } from '../../helpers/paths';

// The same 273 ground-truth boxes in five formats, read from the shared fixture on disk (never copied).

const root = requireFixture(VOC100);
const source = fsSource(root);
const names = readFileSync(path.join(root, 'voc.names'), 'utf8').split('\n').filter(Boolean);

function byFile(p: ParsedDataset): Map<string, DatasetBox[]> {
  return new Map(p.images.map((i) => [baseOf(i.file), i.boxes]));
}

function total(p: ParsedDataset): number {
  return p.images.reduce((n, i) => n + i.boxes.length, 0);
}

describe('voc-subset100 fixture: every format gives the same boxes', () => {
  const voc = parseVoc(source, { dir: 'gts/pascalvoc_format', images: 'images' });
  const sizes = new Map(voc.images.map((i) => [baseOf(i.file), { w: i.width!, h: i.height! }]));
  const reference = byFile(voc);
  const cvatOrder = parseCvat(source, { dir: 'gts/cvat_format', images: 'images' }).classes;

  it('reads the VOC XML: 100 images, 273 boxes, 38 difficult, real image files', () => {
    expect(voc.problems).toEqual([]);
    expect(voc.images).toHaveLength(100);
    expect(total(voc)).toBe(273);
    expect(voc.images.flatMap((i) => i.boxes).filter((b) => b.difficult)).toHaveLength(38);
    expect([...voc.classes].sort()).toEqual([...names].sort());
    expect(voc.images.every((i) => i.file.startsWith('images/') && i.width! > 0 && i.height! > 0)).toBe(true);
  });

  const others: [string, () => ParsedDataset, 'pixels' | 'normalized'][] = [
    ['COCO', () => parseCoco(source, 'gts/coco_format_v1/instances_default.json', 'images'), 'pixels'],
    [
      'YOLO (darknet, --images images)',
      () => parseYolo(source, { dir: 'gts/yolo_format', images: 'images' }),
      'normalized',
    ],
    ['LabelMe', () => parseLabelme(source, { dir: 'gts/labelme_format', images: 'images' }), 'pixels'],
    ['CVAT', () => parseCvat(source, { dir: 'gts/cvat_format', images: 'images' }), 'pixels'],
  ];
  for (const [what, parse, units] of others) {
    it(`${what} matches the VOC boxes per image file`, () => {
      const p = parse();
      expect(p.problems).toEqual([]);
      expect(p.images).toHaveLength(100);
      expect(total(p)).toBe(273);
      expect([...p.classes].sort()).toEqual([...names].sort());
      // COCO, YOLO and CVAT carry a class order: CVAT's task label order, the same in all three
      if (what !== 'LabelMe') expect(p.classes).toEqual(cvatOrder);
      const got = byFile(p);
      for (const [file, want] of reference) {
        const size = sizes.get(file)!;
        const boxes = got.get(file);
        expect(boxes, file).toBeDefined();
        expect(boxes!.length, file).toBe(want.length);
        const pool = boxes!.map((b) =>
          units === 'pixels'
            ? b
            : { ...b, x: b.x * size.w, y: b.y * size.h, w: b.w * size.w, h: b.h * size.h },
        );
        for (const w of want) {
          // greedy match: same label, nearest corners
          let best = -1;
          let bestD = Infinity;
          pool.forEach((b, i) => {
            const d = Math.abs(b.x - w.x) + Math.abs(b.y - w.y) + Math.abs(b.w - w.w) + Math.abs(b.h - w.h);
            if (b.label === w.label && d < bestD) [best, bestD] = [i, d];
          });
          expect(best, `${file} ${w.label}`).toBeGreaterThanOrEqual(0);
          const b = pool.splice(best, 1)[0]!;
          if (units === 'pixels') {
            for (const k of ['x', 'y', 'w', 'h'] as const)
              expect(Math.abs(b[k] - w[k]), `${file} ${k}`).toBeLessThanOrEqual(1e-3);
          } else {
            expect(Math.abs(b.x - w.x) / size.w).toBeLessThanOrEqual(1e-5);
            expect(Math.abs(b.w - w.w) / size.w).toBeLessThanOrEqual(1e-5);
            expect(Math.abs(b.y - w.y) / size.h).toBeLessThanOrEqual(1e-5);
            expect(Math.abs(b.h - w.h) / size.h).toBeLessThanOrEqual(1e-5);
          }
        }
      }
    });
  }

  it('COCO states the same image sizes as VOC', () => {
    const coco = parseCoco(source, 'gts/coco_format_v1/instances_default.json', 'images');
    for (const im of coco.images) expect({ w: im.width, h: im.height }).toEqual(sizes.get(baseOf(im.file)));
  });

  it('YOLO also works with the dataset and images as two separate sources', () => {
    const p = parseYolo(fsSource(path.join(root, 'gts/yolo_format')), {
      images: fsSource(path.join(root, 'images')),
    });
    expect(p.problems).toEqual([]);
    expect(p.images.map((i) => i.file).sort()).toEqual([...sizes.keys()].sort());
    expect(p.images.every((i) => i.split === 'train')).toBe(true);
  });
});
