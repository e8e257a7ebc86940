import { describe, expect, it } from 'vitest';
import { parseCoco, parseCocoFolder, writeCoco } from '../../../src/main/services/datasets/formats/coco';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import { errors, expectRoundTrip, planSource, problemMatching, sampleExport } from './helpers';

const good = {
  images: [
    { id: 1, file_name: 'a.jpg', width: 640, height: 480 },
    { id: 2, file_name: 'sub/b.jpg', width: 100, height: 50 },
  ],
  categories: [
    { id: 5, name: 'dog' },
    { id: 2, name: 'cat' },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 5, bbox: [10, 20, 30, 40], iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 2, bbox: [1.5, 2.5, 3, 4] },
    { id: 3, image_id: 2, category_id: 2, bbox: [0, 0, 10, 10], iscrowd: 1 },
  ],
};

function src(doc: unknown, extra: Record<string, string> = {}, name = 'ann.json') {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  return memorySource({ [name]: text, 'images/a.jpg': '', 'images/sub/b.jpg': '', ...extra });
}

describe('parseCoco', () => {
  it('reads images, classes by category id, boxes, and skips crowd boxes with a warning', () => {
    const p = parseCoco(src(good), 'ann.json', 'images');
    expect(errors(p)).toEqual([]);
    expect(p.classes).toEqual(['cat', 'dog']);
    expect(p.images.map((i) => i.file)).toEqual(['images/a.jpg', 'images/sub/b.jpg']);
    const a = p.images[0]!;
    expect([a.width, a.height, a.units, a.split]).toEqual([640, 480, 'pixels', undefined]);
    expect(a.boxes.map((b) => [b.label, b.x, b.y, b.w, b.h])).toEqual([
      ['dog', 10, 20, 30, 40],
      ['cat', 1.5, 2.5, 3, 4],
    ]);
    expect(p.images[1]!.boxes).toEqual([]);
    const crowd = problemMatching(p, /crowd/)!;
    expect(crowd).toMatchObject({ severity: 'warning', file: 'ann.json', field: 'annotations[2].iscrowd' });
    expect(crowd.image).toBe('images/sub/b.jpg');
  });

  it('reports malformed JSON with its line', () => {
    const p = parseCoco(src('{\n  "images": [],\n  "categories": [,]\n}'), 'ann.json', 'images');
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatchObject({ severity: 'error', file: 'ann.json', line: 3 });
    expect(p.problems[0]!.message).toMatch(/malformed JSON at line 3, column 18/);
  });

  it('reports truncated JSON at its end', () => {
    const p = parseCoco(src('{"images": [\n'), 'ann.json');
    expect(p.problems[0]).toMatchObject({ severity: 'error', line: 2 });
  });

  it('reports a missing file instead of throwing', () => {
    const p = parseCoco(memorySource({}), 'nope.json');
    expect(p.problems[0]).toMatchObject({ severity: 'error', file: 'nope.json', message: 'file not found' });
  });

  const bad: [string, (d: typeof good) => unknown, RegExp, string, string | undefined][] = [
    ['categories not an array', (d) => ({ ...d, categories: {} }), /categories/, 'categories', undefined],
    [
      'a category without a name',
      (d) => ({ ...d, categories: [{ id: 1 }] }),
      /name/,
      'categories[0].name',
      undefined,
    ],
    ['images not an array', (d) => ({ ...d, images: 'x' }), /images/, 'images', undefined],
    ['0 images', (d) => ({ ...d, images: [], annotations: [] }), /0 images/, 'images', undefined],
    [
      'an unknown category',
      (d) => ({ ...d, annotations: [{ id: 1, image_id: 1, category_id: 99, bbox: [0, 0, 1, 1] }] }),
      /unknown category/,
      'annotations[0].category_id',
      'images/a.jpg',
    ],
    [
      'a missing image_id',
      (d) => ({ ...d, annotations: [{ id: 1, image_id: 42, category_id: 2, bbox: [0, 0, 1, 1] }] }),
      /missing image_id 42/,
      'annotations[0].image_id',
      undefined,
    ],
    [
      'a bad bbox',
      (d) => ({ ...d, annotations: [{ id: 1, image_id: 2, category_id: 2, bbox: [0, 0, '1', 1] }] }),
      /bbox/,
      'annotations[0].bbox',
      'images/sub/b.jpg',
    ],
    [
      'an ill-typed width',
      (d) => ({ ...d, images: [{ id: 1, file_name: 'a.jpg', width: 'wide', height: 4 }] }),
      /width/,
      'images[0].width',
      'images/a.jpg',
    ],
    [
      'a file_name used twice',
      (d) => ({ ...d, images: [...d.images, { id: 3, file_name: 'a.jpg', width: 1, height: 1 }] }),
      /referenced twice/,
      'images[2].file_name',
      'images/a.jpg',
    ],
    [
      'a path leaving the folder',
      (d) => ({ ...d, images: [{ id: 1, file_name: '../../etc/x.jpg', width: 1, height: 1 }] }),
      /escapes/,
      'images[0].file_name',
      '../../etc/x.jpg',
    ],
    [
      'an absolute path',
      (d) => ({ ...d, images: [{ id: 1, file_name: '/etc/x.jpg', width: 1, height: 1 }] }),
      /escapes/,
      'images[0].file_name',
      '/etc/x.jpg',
    ],
    [
      'a missing image file',
      (d) => ({ ...d, images: [{ id: 1, file_name: 'gone.jpg', width: 1, height: 1 }] }),
      /not found/,
      'images[0].file_name',
      'images/gone.jpg',
    ],
  ];
  for (const [what, edit, re, field, image] of bad) {
    it(`reports ${what} as an error naming file and field`, () => {
      const p = parseCoco(src(edit(structuredClone(good))), 'ann.json', 'images');
      const e = problemMatching(p, re);
      expect(e, JSON.stringify(p.problems)).toBeDefined();
      expect(e).toMatchObject({ severity: 'error', file: 'ann.json', field });
      expect(e!.image).toBe(image);
    });
  }

  it('a `..` that stays inside the folder is fine', () => {
    const d = {
      ...good,
      images: [{ id: 1, file_name: '../images/a.jpg', width: 1, height: 1 }],
      annotations: [],
    };
    const p = parseCoco(src(d), 'ann/x.json');
    expect(p.images.map((i) => i.file)).toEqual([]);
    const q = parseCoco(src(d, {}, 'ann/x.json'), 'ann/x.json');
    expect(errors(q)).toEqual([]);
    expect(q.images[0]!.file).toBe('images/a.jpg');
  });

  it('finds images by default in the standard places and takes the split from the file name', () => {
    const d = { ...good, images: [{ id: 1, file_name: '000001.jpg', width: 1, height: 1 }], annotations: [] };
    const s = memorySource({
      'annotations/instances_val2017.json': JSON.stringify(d),
      'val2017/000001.jpg': '',
    });
    const p = parseCoco(s, 'annotations/instances_val2017.json');
    expect(errors(p)).toEqual([]);
    expect(p.images[0]).toMatchObject({ file: 'val2017/000001.jpg', split: 'val' });
  });

  it('takes the split from a train/val/test folder in the image path', () => {
    const d = { ...good, images: [{ id: 1, file_name: 'test/x.png', width: 1, height: 1 }], annotations: [] };
    const p = parseCoco(memorySource({ 'c.json': JSON.stringify(d), 'test/x.png': '' }), 'c.json');
    expect(p.images[0]!.split).toBe('test');
  });

  it('reads images from a separate source', () => {
    const images = memorySource({ 'a.jpg': '', 'sub/b.jpg': '' }, 'imgs');
    const p = parseCoco(memorySource({ 'ann.json': JSON.stringify(good) }), 'ann.json', images);
    expect(errors(p)).toEqual([]);
    expect(p.images.map((i) => i.file)).toEqual(['a.jpg', 'sub/b.jpg']);
  });
});

describe('writeCoco', () => {
  it('writes one instances file per split and images/{split}/, and round-trips', () => {
    const ds = sampleExport();
    const plan = writeCoco(ds);
    expect(plan.texts.map((t) => t.path)).toEqual([
      'annotations/instances_train.json',
      'annotations/instances_val.json',
      'annotations/instances_test.json',
    ]);
    expect(plan.copies).toContainEqual({ from: '/src/d.jpeg', to: 'images/test/d.jpeg' });
    const doc = JSON.parse(plan.texts[0]!.content);
    expect(doc.categories.map((c: { id: number }) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(doc.images[0]).toEqual({ id: 7, file_name: 'a.jpg', width: 640, height: 480 });
    expectRoundTrip(parseCocoFolder(planSource(plan)), ds, { flags: true });
  });

  it('throws on a label outside the class list', () => {
    const ds = sampleExport();
    ds.classes = ['zebra'];
    expect(() => writeCoco(ds)).toThrow(/not in the class list/);
  });
});
