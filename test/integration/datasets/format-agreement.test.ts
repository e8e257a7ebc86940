import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportProblem } from '../../../src/shared/api/contract';
import type { ImportFormat } from '../../../src/shared/domain/formats';
import { importDataset } from '../../../src/main/services/datasets/import';
import { ImportAbortedError } from '../../../src/main/services/datasets/import-errors';
import { Project } from '../../../src/main/services/project/project';
import { writeImage } from '../../helpers/images';
import { makeTmpDir } from '../../helpers/tmp';

// What the README promises for every format alike: a box with a non-finite coordinate is dropped with a warning;
// an image listed twice in a list file is a warning (the first kept); two annotation files for one image abort.

let tmp: ReturnType<typeof makeTmpDir>;
let jpeg: Buffer;
beforeAll(async () => {
  tmp = makeTmpDir();
  jpeg = await writeImage(path.join(tmp.dir, 'a.jpg'), 40, 30, { seed: 9 });
});
afterAll(() => tmp.cleanup());

let n = 0;
function folder(files: Record<string, string | Buffer>): string {
  const root = path.join(tmp.dir, `ds${++n}`);
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), body);
  }
  return root;
}

async function run(format: ImportFormat, from: string) {
  const p = Project.init(path.join(tmp.dir, `p${++n}`));
  try {
    const report = await importDataset(p, { format, from });
    return { report, images: p.images.count(), boxes: p.annotations.countAccepted() };
  } finally {
    p.close();
  }
}

const warnings = (ps: ImportProblem[], re: RegExp) =>
  ps.filter((x) => x.severity === 'warning' && re.test(x.message));

// Each dataset: one image with a good box, a box with 1e999 and a box with NaN (as each format would write them).
const NON_FINITE: [string, ImportFormat, () => string][] = [
  [
    'coco',
    'coco',
    () =>
      folder({
        'a.jpg': jpeg,
        // Python's json.dump writes NaN literally; 1e999 is what an overflow looks like
        'instances.json': `{"images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 30}],
          "categories": [{"id": 1, "name": "cat"}],
          "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [1, 1, 1e999, 5]},
            {"id": 3, "image_id": 1, "category_id": 1, "bbox": [NaN, 1, 5, 5]}]}`,
      }),
  ],
  [
    'yolo',
    'yolo',
    () =>
      folder({
        'data.yaml': 'names: [cat]\ntrain: images/train\n',
        'images/train/a.jpg': jpeg,
        'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n0 0.5 0.5 1e999 0.2\n0 nan 0.5 0.2 0.2\n',
      }),
  ],
  [
    'darknet',
    'yolo',
    () =>
      folder({
        'obj.names': 'cat\n',
        'train.txt': 'data/obj_train_data/a.jpg\n',
        'obj_train_data/a.jpg': jpeg,
        'obj_train_data/a.txt': '0 0.5 0.5 0.2 0.2\n0 0.5 0.5 1e999 0.2\n0 NaN 0.5 0.2 0.2\n',
      }),
  ],
  [
    'voc',
    'voc',
    () => {
      const obj = (x: string, w: string) =>
        `<object><name>cat</name><bndbox><xmin>${x}</xmin><ymin>1</ymin><xmax>${w}</xmax><ymax>9</ymax></bndbox></object>`;
      return folder({
        'JPEGImages/a.jpg': jpeg,
        'Annotations/a.xml': `<annotation><filename>a.jpg</filename>${obj('1', '9')}${obj('1', '1e999')}${obj('NaN', '9')}</annotation>`,
      });
    },
  ],
  [
    'createml',
    'createml',
    () =>
      folder({
        'a.jpg': jpeg,
        'annotations.json': `[{"image": "a.jpg", "annotations": [
          {"label": "cat", "coordinates": {"x": 9, "y": 9, "width": 6, "height": 6}},
          {"label": "cat", "coordinates": {"x": 9, "y": 9, "width": 1e999, "height": 6}},
          {"label": "cat", "coordinates": {"x": NaN, "y": 9, "width": 6, "height": 6}}]}]`,
      }),
  ],
  [
    'labelme',
    'labelme',
    () =>
      folder({
        'a.jpg': jpeg,
        'a.json': `{"imagePath": "a.jpg", "shapes": [
          {"label": "cat", "shape_type": "rectangle", "points": [[1, 1], [9, 9]]},
          {"label": "cat", "shape_type": "rectangle", "points": [[1, 1], [1e999, 9]]},
          {"label": "cat", "shape_type": "rectangle", "points": [[NaN, 1], [9, 9]]}]}`,
      }),
  ],
  [
    'cvat',
    'cvat',
    () => {
      const box = (x: string, xbr: string) => `<box label="cat" xtl="${x}" ytl="1" xbr="${xbr}" ybr="9"/>`;
      return folder({
        'a.jpg': jpeg,
        'annotations.xml': `<annotations><version>1.1</version><meta><task><labels><label><name>cat</name></label></labels></task></meta>
          <image id="0" name="a.jpg" width="40" height="30">${box('1', '9')}${box('1', '1e999')}${box('NaN', '9')}</image></annotations>`,
      });
    },
  ],
];

describe.each(NON_FINITE)('%s: a box with a non-finite coordinate', (_name, format, make) => {
  it('is dropped with a warning; the good box and the image are stored (exit 0)', async () => {
    const r = await run(format, make());
    expect(r.images).toBe(1);
    expect(r.boxes).toBe(1);
    const dropped = warnings(r.report.problems, /dropped box: .* is not finite/);
    expect(dropped, JSON.stringify(r.report.problems)).toHaveLength(2);
  });
});

describe('an image listed twice in a list file', () => {
  const LISTS: [string, ImportFormat, () => string][] = [
    [
      'a YOLO data.yaml list',
      'yolo',
      () =>
        folder({
          'data.yaml': 'names: [cat]\ntrain: train.txt\n',
          'train.txt': 'images/a.jpg\nimages/a.jpg\n',
          'images/a.jpg': jpeg,
          'labels/a.txt': '0 0.5 0.5 0.2 0.2\n',
        }),
    ],
    [
      'a darknet train.txt',
      'yolo',
      () =>
        folder({
          'obj.names': 'cat\n',
          'train.txt': 'obj_train_data/a.jpg\nobj_train_data/a.jpg\n',
          'obj_train_data/a.jpg': jpeg,
          'obj_train_data/a.txt': '0 0.5 0.5 0.2 0.2\n',
        }),
    ],
    [
      'a VOC ImageSets list',
      'voc',
      () =>
        folder({
          'JPEGImages/a.jpg': jpeg,
          'Annotations/a.xml':
            '<annotation><filename>a.jpg</filename><object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>',
          'ImageSets/Main/train.txt': 'a\na\n',
        }),
    ],
  ];
  it.each(LISTS)('%s: a warning, the first kept', async (_what, format, make) => {
    const r = await run(format, make());
    expect(r.images).toBe(1);
    expect(r.boxes).toBe(1);
    expect(
      warnings(r.report.problems, /listed twice; kept the first/),
      JSON.stringify(r.report.problems),
    ).toHaveLength(1);
  });
});

describe('two annotation files for one image', () => {
  const voc = '<annotation><filename>a.jpg</filename></annotation>';
  const labelme = '{"imagePath": "a.jpg", "shapes": []}';
  const createml = '[{"image": "a.jpg", "annotations": []}]';
  const coco = (split: string) =>
    JSON.stringify({
      images: [{ id: 1, file_name: `../a.jpg`, width: 40, height: 30 }],
      categories: [],
      annotations: [],
      split,
    });
  const TWICE: [string, ImportFormat, RegExp, () => string][] = [
    [
      'VOC',
      'voc',
      /referenced twice/,
      () => folder({ 'a.jpg': jpeg, 'Annotations/a.xml': voc, 'Annotations/b.xml': voc }),
    ],
    [
      'LabelMe',
      'labelme',
      /referenced twice/,
      () => folder({ 'a.jpg': jpeg, 'a.json': labelme, 'b.json': labelme }),
    ],
    [
      'Create ML',
      'createml',
      /referenced twice/,
      () => folder({ 'a.jpg': jpeg, 'one.json': createml, 'two.json': createml }),
    ],
    [
      'COCO',
      'coco',
      /in two files/,
      () =>
        folder({
          'a.jpg': jpeg,
          'annotations/instances_train.json': coco('train'),
          'annotations/instances_val.json': coco('val'),
        }),
    ],
  ];
  it.each(TWICE)('%s: the import aborts, nothing written', async (_what, format, why, make) => {
    const from = make();
    const p = Project.init(path.join(tmp.dir, `p${++n}`));
    try {
      const err = await importDataset(p, { format, from }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportAbortedError);
      const errors = (err as ImportAbortedError).problems.filter((x) => x.severity === 'error');
      expect(errors.map((x) => x.message)).toEqual([expect.stringMatching(why)]);
      expect(p.images.count()).toBe(0);
    } finally {
      p.close();
    }
  });
});
