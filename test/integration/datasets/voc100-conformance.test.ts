import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFormat } from '../../../src/shared/domain/formats';
import { importDataset } from '../../../src/main/services/datasets/import';
import { Project } from '../../../src/main/services/project/project';
import { requireFixture, VOC100 } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

// The same 273 boxes in five formats must import to the same boxes (real images, real files, real SQLite).
interface Row {
  file: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  difficult: boolean;
  width: number;
  height: number;
}

let tmp: ReturnType<typeof makeTmpDir>;
const imported = new Map<string, Row[]>();

async function importAs(name: string, format: ImportFormat, from: string, images?: string): Promise<Row[]> {
  const p = Project.init(path.join(tmp.dir, name));
  try {
    const report = await importDataset(p, { format, from, ...(images ? { images } : {}), link: true });
    expect(report.problems.filter((x) => x.severity === 'error')).toEqual([]);
    const classes = new Map(p.classes.list().map((c) => [c.id, c.name]));
    const images2 = new Map(p.images.all().map((i) => [i.id, i]));
    return p.annotations.acceptedAll().map((a) => {
      const img = images2.get(a.imageId)!;
      return {
        file: path.basename(img.path),
        label: classes.get(a.classId)!,
        x: a.x,
        y: a.y,
        w: a.w,
        h: a.h,
        difficult: a.difficult,
        width: img.width,
        height: img.height,
      };
    });
  } finally {
    p.close();
  }
}

function byImage(rows: Row[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) m.set(r.file, [...(m.get(r.file) ?? []), r]);
  for (const list of m.values())
    list.sort((a, b) => a.label.localeCompare(b.label) || a.x - b.x || a.y - b.y || a.w - b.w);
  return m;
}

function expectSameBoxes(a: Row[], b: Row[], tol: (r: Row) => number): void {
  const ma = byImage(a);
  const mb = byImage(b);
  expect([...mb.keys()].sort()).toEqual([...ma.keys()].sort());
  for (const [file, la] of ma) {
    const lb = mb.get(file)!;
    expect(
      lb.map((r) => r.label),
      file,
    ).toEqual(la.map((r) => r.label));
    la.forEach((r, i) => {
      const o = lb[i]!;
      for (const k of ['x', 'y', 'w', 'h'] as const) {
        expect(Math.abs(o[k] - r[k]), `${file} box ${i} ${k}: ${o[k]} vs ${r[k]}`).toBeLessThanOrEqual(
          tol(r),
        );
      }
    });
  }
}

beforeAll(async () => {
  requireFixture(VOC100);
  tmp = makeTmpDir();
  const gts = path.join(VOC100, 'gts');
  const images = path.join(VOC100, 'images');
  imported.set('voc', await importAs('voc', 'voc', path.join(gts, 'pascalvoc_format'), images));
  imported.set('yolo', await importAs('yolo', 'yolo', path.join(gts, 'yolo_format'), images));
  imported.set(
    'coco',
    await importAs('coco', 'coco', path.join(gts, 'coco_format_v1', 'instances_default.json'), images),
  );
  imported.set('labelme', await importAs('labelme', 'labelme', path.join(gts, 'labelme_format'), images));
  imported.set(
    'cvat',
    await importAs('cvat', 'cvat', path.join(gts, 'cvat_format', 'annotations.xml'), images),
  );
}, 180_000);
afterAll(() => tmp?.cleanup());

describe('voc-subset100 imports identically from every format', () => {
  it('VOC gives 273 boxes on 100 images, 38 of them difficult', () => {
    const voc = imported.get('voc')!;
    expect(voc).toHaveLength(273);
    expect(byImage(voc).size).toBe(100);
    expect(voc.filter((r) => r.difficult)).toHaveLength(38);
  });

  it('COCO equals VOC to 1e-3 px', () => {
    expectSameBoxes(imported.get('voc')!, imported.get('coco')!, () => 1e-3);
  });

  it('YOLO equals VOC within 1e-5 of the image side (its six-decimal precision)', () => {
    expectSameBoxes(imported.get('voc')!, imported.get('yolo')!, (r) => 1e-5 * Math.max(r.width, r.height));
  });

  it('LabelMe and CVAT equal VOC to 1e-3 px', () => {
    expectSameBoxes(imported.get('voc')!, imported.get('labelme')!, () => 1e-3);
    expectSameBoxes(imported.get('voc')!, imported.get('cvat')!, () => 1e-3);
  });
});
