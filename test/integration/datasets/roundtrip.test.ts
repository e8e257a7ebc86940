import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../../src/main/services/datasets/export';
import type { ExportFormat } from '../../../src/shared/domain/formats';
import { importDataset } from '../../../src/main/services/datasets/import';
import { createBox, setImageStatus } from '../../../src/main/services/labeling/edits';
import { Project } from '../../../src/main/services/project/project';
import { fillSampleProject } from '../../../src/main/services/sample/fill-project';
import { makeTmpDir } from '../../helpers/tmp';

// Export to each format and import back: the same images, splits, classes (in order) and boxes.
let tmp: ReturnType<typeof makeTmpDir>;
let source: Project;

interface Snapshot {
  classes: string[];
  images: Record<string, { split: string; status: string; boxes: string[] }>;
}

function snapshot(p: Project, tol: number): Snapshot {
  const names = new Map(p.classes.list().map((c) => [c.id, c.name]));
  const images: Snapshot['images'] = {};
  const round = (v: number) => Math.round(v / tol) * tol;
  for (const img of p.images.all()) {
    if (img.status === 'unlabeled') continue;
    const boxes = p.annotations
      .forImage(img.id)
      .filter((a) => a.state === 'accepted')
      .map(
        (a) =>
          `${names.get(a.classId)} ${[a.x, a.y, a.w, a.h].map((v) => round(v).toFixed(3)).join(' ')} d${+a.difficult} t${+a.truncated}`,
      )
      .sort();
    images[path.basename(img.path)] = { split: img.split, status: boxes.length ? 'labeled' : 'empty', boxes };
  }
  return { classes: p.classes.list().map((c) => c.name), images };
}

beforeAll(async () => {
  tmp = makeTmpDir();
  source = Project.init(path.join(tmp.dir, 'source'));
  await fillSampleProject(source, { count: 40, seed: 3 });
  // Flags, a pending prediction (must not be exported) and an unlabeled image (left out) exercise the edges.
  const [first, second] = source.images.all();
  const cls = source.classes.list()[1]!;
  createBox(source, {
    imageId: first!.id,
    classId: cls.id,
    x: 10.25,
    y: 20.5,
    w: 30,
    h: 40,
    difficult: true,
    truncated: true,
  });
  source.annotations.insert({
    imageId: first!.id,
    classId: cls.id,
    x: 1,
    y: 1,
    w: 5,
    h: 5,
    source: 'predicted',
    score: 0.9,
    state: 'pending',
  });
  for (const a of source.annotations.forImage(second!.id)) source.annotations.remove(a.id);
  setImageStatus(source, second!.id, 'unlabeled');
}, 120_000);
afterAll(() => {
  source.close();
  tmp.cleanup();
});

describe.each<[ExportFormat, number]>([
  ['coco', 1e-6],
  ['voc', 1e-6],
  ['createml', 1e-6],
  ['yolo', 1e-3],
])('round trip through %s', (format, tol) => {
  it('gives back the same classes, splits and boxes; pending and unlabeled stay out', async () => {
    const out = path.join(tmp.dir, `export-${format}`);
    const rep = exportDataset(source, format, out);
    expect(rep.skippedUnlabeled).toBe(1);
    expect(rep.images).toBe(39);
    const back = Project.init(path.join(tmp.dir, `back-${format}`));
    try {
      const r = await importDataset(back, { format, from: out });
      expect(r.problems.filter((x) => x.severity === 'error')).toEqual([]);
      const a = snapshot(source, tol);
      const b = snapshot(back, tol);
      if (format === 'yolo' || format === 'coco' || format === 'createml') {
        // these formats carry no truncated flag (COCO/CreateML/YOLO) or no difficult flag: compare geometry and labels
        const strip = (s: Snapshot): Snapshot => ({
          classes: s.classes,
          images: Object.fromEntries(
            Object.entries(s.images).map(([k, v]) => [
              k,
              { ...v, boxes: v.boxes.map((x) => x.replace(/ d\d t\d$/, '')) },
            ]),
          ),
        });
        expect(strip(b)).toEqual(strip(a));
      } else {
        expect(b).toEqual(a);
      }
      expect(b.classes).toEqual(a.classes);
    } finally {
      back.close();
    }
  });
});

describe('export refuses to overwrite', () => {
  it('a non-empty folder is refused and left alone', () => {
    const out = path.join(tmp.dir, 'export-coco');
    expect(() => exportDataset(source, 'coco', out)).toThrow(/not empty/);
  });
});
