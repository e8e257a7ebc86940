import { describe, expect, it } from 'vitest';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import { parseYolo, writeYolo } from '../../../src/main/services/datasets/formats/yolo';
import { yoloLabelPath } from '../../../src/main/services/datasets/formats/yolo-labels';
import { errors, expectRoundTrip, planSource, problemMatching, sampleExport } from './helpers';

const yaml = 'path: .\ntrain: images/train\nval: images/val\nnames:\n  0: cat\n  1: dog\n';

function ultra(labels: Record<string, string>, extra: Record<string, string> = {}) {
  return memorySource({
    'data.yaml': yaml,
    'images/train/a.jpg': '',
    'images/train/nested/b.png': '',
    'images/val/c.jpg': '',
    ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`labels/${k}`, v])),
    ...extra,
  });
}

describe('parseYolo (Ultralytics)', () => {
  it('reads names, splits and normalized boxes; an image without labels has no boxes', () => {
    const p = parseYolo(
      ultra({ 'train/a.txt': '1 0.5 0.5 0.2 0.4\n\n0 0.1 0.2 0.2 0.2\n', 'val/c.txt': '' }),
    );
    expect(errors(p)).toEqual([]);
    expect(p.problems).toEqual([]);
    expect(p.classes).toEqual(['cat', 'dog']);
    expect(p.images.map((i) => [i.file, i.split])).toEqual([
      ['images/train/a.jpg', 'train'],
      ['images/train/nested/b.png', 'train'],
      ['images/val/c.jpg', 'val'],
    ]);
    const a = p.images[0]!;
    expect(a.units).toBe('normalized');
    expect(a.boxes[0]).toMatchObject({ label: 'dog', origin: 'labels/train/a.txt:1' });
    expect(a.boxes[0]!.x).toBeCloseTo(0.4, 12);
    expect(a.boxes[0]!.y).toBeCloseTo(0.3, 12);
    expect(a.boxes[0]!.w).toBeCloseTo(0.2, 12);
    expect(a.boxes[1]).toMatchObject({ label: 'cat', origin: 'labels/train/a.txt:3' });
    expect(p.images[1]!.boxes).toEqual([]);
  });

  it('accepts names as a list', () => {
    const s = memorySource({
      'data.yaml': 'train: images/train\nnames: [x, y, z]\n',
      'images/train/a.jpg': '',
    });
    expect(parseYolo(s).classes).toEqual(['x', 'y', 'z']);
  });

  it('warns about a label file without an image', () => {
    const p = parseYolo(ultra({ 'train/ghost.txt': '0 0.5 0.5 0.1 0.1\n' }));
    expect(errors(p)).toEqual([]);
    expect(problemMatching(p, /no image/)).toMatchObject({
      severity: 'warning',
      file: 'labels/train/ghost.txt',
    });
  });

  const badLines: [string, string, RegExp][] = [
    ['wrong field count', '0 0.5 0.5 0.1', /expected 5 fields/],
    ['a non-numeric field', '0 0.5 abc 0.1 0.1', /cy "abc" is not a number/],
    ['a class id out of range', '2 0.5 0.5 0.1 0.1', /out of range \(0\.\.1\)/],
    ['a negative class id', '-1 0.5 0.5 0.1 0.1', /out of range/],
    ['a fractional class id', '1.5 0.5 0.5 0.1 0.1', /not an integer/],
  ];
  // Non-finite coordinates are box-level repairs: the box is dropped with a warning naming file and line.
  const droppedLines: [string, string, RegExp][] = [
    ['a NaN coordinate', '0 nan 0.5 0.1 0.1', /not finite/],
    ['an overflowing coordinate', '0 0.5 0.5 1e999 0.1', /w "1e999" is not finite/],
  ];
  for (const [what, line, re] of droppedLines) {
    it(`drops a box with ${what}, as a warning with file and line`, () => {
      const p = parseYolo(ultra({ 'train/a.txt': `0 0.5 0.5 0.1 0.1\n${line}\n` }));
      expect(problemMatching(p, re), JSON.stringify(p.problems)).toMatchObject({
        severity: 'warning',
        file: 'labels/train/a.txt',
        line: 2,
      });
      expect(p.problems.filter((x) => x.severity === 'error')).toEqual([]);
      expect(p.images[0]!.boxes).toHaveLength(1);
    });
  }
  for (const [what, line, re] of badLines) {
    it(`reports ${what} with file, line and image`, () => {
      const p = parseYolo(ultra({ 'train/a.txt': `0 0.5 0.5 0.1 0.1\n${line}\n` }));
      const e = problemMatching(p, re);
      expect(e, JSON.stringify(p.problems)).toMatchObject({
        severity: 'error',
        file: 'labels/train/a.txt',
        line: 2,
        image: 'images/train/a.jpg',
      });
      expect(p.images[0]!.boxes).toHaveLength(1);
    });
  }

  it('reports malformed YAML with its line', () => {
    const p = parseYolo(memorySource({ 'data.yaml': 'names: [a, b\ntrain: x\n' }));
    expect(p.problems[0]).toMatchObject({ severity: 'error', file: 'data.yaml' });
    expect(p.problems[0]!.line).toBeGreaterThan(0);
  });

  it('reports missing names and missing split folders', () => {
    const p = parseYolo(memorySource({ 'data.yaml': 'train: images/train\nval: images/val\n' }));
    expect(problemMatching(p, /names/)).toMatchObject({
      severity: 'error',
      file: 'data.yaml',
      field: 'names',
    });
    expect(problemMatching(p, /train folder not found/)).toMatchObject({ severity: 'error', field: 'train' });
  });

  it('maps an image to its label the Ultralytics way', () => {
    expect(yoloLabelPath('ds/images/train/x.y.jpg')).toBe('ds/labels/train/x.y.txt');
    expect(yoloLabelPath('images/a.png')).toBe('labels/a.txt');
    expect(yoloLabelPath('pics/a.png')).toBe('pics/a.txt');
  });

  it('reads the Roboflow layout (train/images, valid/images)', () => {
    const s = memorySource({
      'data.yaml': 'train: ../train/images\nval: ../valid/images\nnames: [a]\n',
      'train/images/x.jpg': '',
      'train/labels/x.txt': '0 0.5 0.5 1 1\n',
      'valid/images/y.jpg': '',
    });
    const p = parseYolo(s);
    expect(errors(p)).toEqual([]);
    expect(p.images.map((i) => [i.file, i.split, i.boxes.length])).toEqual([
      ['train/images/x.jpg', 'train', 1],
      ['valid/images/y.jpg', 'val', 0],
    ]);
  });
});

describe('parseYolo (darknet)', () => {
  const darknet = (extra: Record<string, string> = {}) =>
    memorySource({
      'ds/obj.data': 'classes = 2\ntrain = data/train.txt\nvalid = data/valid.txt\nnames = data/obj.names\n',
      'ds/obj.names': 'cat\ndog\n',
      'ds/train.txt': 'data/obj_train_data/a.jpg\ndata/obj_train_data/b.jpg\n',
      'ds/valid.txt': 'data/obj_valid_data/c.jpg\n',
      'ds/obj_train_data/a.txt': '1 0.5 0.5 0.5 0.5\n',
      'ds/obj_train_data/b.txt': '',
      'ds/obj_valid_data/c.txt': '0 0.25 0.25 0.5 0.5\n',
      'pics/a.jpg': '',
      'pics/b.jpg': '',
      'pics/deeper/c.jpg': '',
      ...extra,
    });

  it('strips stale prefixes and finds images by name in the images folder', () => {
    const p = parseYolo(darknet(), { dir: 'ds', images: 'pics' });
    expect(p.problems).toEqual([]);
    expect(p.classes).toEqual(['cat', 'dog']);
    expect(p.images.map((i) => [i.file, i.split, i.boxes.length])).toEqual([
      ['pics/a.jpg', 'train', 1],
      ['pics/b.jpg', 'train', 0],
      ['pics/deeper/c.jpg', 'val', 1],
    ]);
    expect(p.images[0]!.boxes[0]).toMatchObject({
      label: 'dog',
      x: 0.25,
      y: 0.25,
      origin: 'ds/obj_train_data/a.txt:1',
    });
  });

  it('finds images beside their labels without an images folder', () => {
    const s = darknet({
      'ds/obj_train_data/a.jpg': '',
      'ds/obj_train_data/b.jpg': '',
      'ds/obj_valid_data/c.jpg': '',
    });
    const p = parseYolo(s, { dir: 'ds' });
    expect(errors(p)).toEqual([]);
    expect(p.images.map((i) => i.file)).toEqual([
      'ds/obj_train_data/a.jpg',
      'ds/obj_train_data/b.jpg',
      'ds/obj_valid_data/c.jpg',
    ]);
  });

  it('reports a listed image that is nowhere, with list file and line', () => {
    const p = parseYolo(
      darknet({ 'ds/train.txt': 'data/obj_train_data/a.jpg\ndata/obj_train_data/zz.jpg\n' }),
      {
        dir: 'ds',
        images: 'pics',
      },
    );
    expect(problemMatching(p, /not found/)).toMatchObject({
      severity: 'error',
      file: 'ds/train.txt',
      line: 2,
    });
  });

  it('reports bad label lines with the label file and line', () => {
    const p = parseYolo(darknet({ 'ds/obj_train_data/b.txt': '0 0.5 0.5 0.5 0.5\n7 0.5 0.5 0.5 0.5\n' }), {
      dir: 'ds',
      images: 'pics',
    });
    expect(problemMatching(p, /out of range/)).toMatchObject({
      severity: 'error',
      file: 'ds/obj_train_data/b.txt',
      line: 2,
      image: 'pics/b.jpg',
    });
  });

  it('warns about a label file with no image and errors without class names', () => {
    const p = parseYolo(darknet({ 'ds/obj_train_data/orphan.txt': '0 0.5 0.5 0.5 0.5\n' }), {
      dir: 'ds',
      images: 'pics',
    });
    expect(problemMatching(p, /no image/)).toMatchObject({
      severity: 'warning',
      file: 'ds/obj_train_data/orphan.txt',
    });
    const q = parseYolo(memorySource({ 'train.txt': 'a.jpg\n', 'a.jpg': '' }));
    expect(problemMatching(q, /class names/)).toMatchObject({ severity: 'error' });
  });

  it('walks label files when there are no lists (classes.txt + labels)', () => {
    const s = memorySource({
      'classes.txt': 'a\nb\n',
      'labels/train/x.txt': '1 0.5 0.5 0.2 0.2\n',
      'images/train/x.png': '',
      'labels/val/y.txt': '0 0.5 0.5 0.2 0.2\n',
    });
    const p = parseYolo(s);
    expect(p.images.map((i) => [i.file, i.split])).toEqual([['images/train/x.png', 'train']]);
    expect(problemMatching(p, /no image/)).toMatchObject({ severity: 'warning', file: 'labels/val/y.txt' });
  });
});

describe('writeYolo', () => {
  it('writes the Ultralytics layout and round-trips within 1e-5 of the side', () => {
    const ds = sampleExport();
    const plan = writeYolo(ds);
    const paths = plan.texts.map((t) => t.path);
    expect(paths).toEqual([
      'labels/train/a.txt',
      'labels/train/b.txt',
      'labels/val/c.txt',
      'labels/test/d.txt',
      'data.yaml',
    ]);
    expect(plan.texts[0]!.content).toBe(
      '0 0.094238 0.094792 0.156445 0.104167\n1 0.500000 0.500000 1.000000 1.000000\n',
    );
    expect(plan.texts[2]!.content).toBe('');
    expect(plan.texts[4]!.content).toContain(
      'path: .\ntrain: images/train\nval: images/val\ntest: images/test\n',
    );
    expect(plan.copies).toContainEqual({ from: '/src/b.png', to: 'images/train/b.png' });
    expectRoundTrip(parseYolo(planSource(plan)), ds, { normalized: true });
  });

  it('refuses two images whose labels would collide', () => {
    const ds = sampleExport();
    ds.images[1]!.fileName = 'a.png';
    expect(() => writeYolo(ds)).toThrow(/share the label/);
  });
});

describe('parseYolo edge cases', () => {
  it('keeps an image that val shares with train in train, with a warning (coco128 style)', () => {
    const s = memorySource({
      'data.yaml': 'train: images/t\nval: images/t\nnames: [a]\n',
      'images/t/x.jpg': '',
      'labels/t/x.txt': '0 0.5 0.5 0.5 0.5\n',
    });
    const p = parseYolo(s);
    expect(errors(p)).toEqual([]);
    expect(p.images.map((i) => [i.file, i.split])).toEqual([['images/t/x.jpg', 'train']]);
    expect(problemMatching(p, /kept in train/)).toMatchObject({
      severity: 'warning',
      image: 'images/t/x.jpg',
    });
  });

  it('warns when an image name is ambiguous in the images folder', () => {
    const s = memorySource({
      'obj.names': 'a\n',
      'train.txt': 'data/x.jpg\n',
      'x.txt': '0 0.5 0.5 0.5 0.5\n',
      'pics/1/x.jpg': '',
      'pics/2/x.jpg': '',
    });
    const p = parseYolo(s, { images: 'pics' });
    expect(p.images.map((i) => [i.file, i.boxes.length])).toEqual([['pics/1/x.jpg', 1]]);
    expect(problemMatching(p, /2 images named x.jpg/)).toMatchObject({ severity: 'warning', file: 'pics' });
  });
});
