import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectSnapshot, ridge } from '../../helpers/cli';
import { writeImage } from '../../helpers/images';
import { makeTmpDir } from '../../helpers/tmp';

// Each bad input aborts the import with exit 1, names the file, and leaves the project exactly as it was.
let tmp: ReturnType<typeof makeTmpDir>;
let project: string;
let caseNo = 0;

beforeAll(async () => {
  tmp = makeTmpDir();
  project = path.join(tmp.dir, 'project');
  expect(ridge(['init', project]).code).toBe(0);
  const good = path.join(tmp.dir, 'good');
  await writeImage(path.join(good, 'a.jpg'), 64, 48, { seed: 1 });
  writeFileSync(
    path.join(good, 'coco.json'),
    JSON.stringify({
      images: [{ id: 1, file_name: 'a.jpg', width: 64, height: 48 }],
      categories: [{ id: 1, name: 'cat' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 10, 10], iscrowd: 0, area: 100 }],
    }),
  );
  const r = ridge(['import', project, '--format', 'coco', '--from', path.join(good, 'coco.json')]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => tmp.cleanup());

let ds: string;
beforeEach(() => {
  ds = path.join(tmp.dir, `case${++caseNo}`);
  mkdirSync(ds, { recursive: true });
});

function coco(
  images: object[],
  annotations: object[] = [],
  categories: object[] = [{ id: 1, name: 'cat' }],
): string {
  const f = path.join(ds, 'instances.json');
  writeFileSync(f, JSON.stringify({ images, categories, annotations }, null, 1));
  return f;
}

function expectRefused(args: string[], fileNamed: string, pattern: RegExp) {
  const before = projectSnapshot(project);
  const r = ridge(['import', project, ...args]);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(fileNamed);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(projectSnapshot(project)).toBe(before);
  return r;
}

describe('a file-level problem aborts the import, names the file, and writes nothing', () => {
  it('a truncated image', async () => {
    const buf = await writeImage(path.join(ds, 'b.jpg'), 64, 48, { seed: 2 });
    writeFileSync(path.join(ds, 'b.jpg'), buf.subarray(0, Math.floor(buf.length / 2)));
    await writeImage(path.join(ds, 'ok.jpg'), 64, 48, { seed: 3 });
    const f = coco([
      { id: 1, file_name: 'b.jpg', width: 64, height: 48 },
      { id: 2, file_name: 'ok.jpg', width: 64, height: 48 },
    ]);
    expectRefused(['--format', 'coco', '--from', f], path.join(ds, 'b.jpg'), /truncated or corrupt/);
  });

  it('a 0-byte image file', () => {
    writeFileSync(path.join(ds, 'zero.jpg'), '');
    const f = coco([{ id: 1, file_name: 'zero.jpg', width: 64, height: 48 }]);
    expectRefused(['--format', 'coco', '--from', f], path.join(ds, 'zero.jpg'), /empty file \(0 bytes\)/);
  });

  it('a text file named .jpg', () => {
    writeFileSync(path.join(ds, 'notes.jpg'), 'these are my notes, not a photo\n');
    expectRefused(['--format', 'images', '--from', ds], path.join(ds, 'notes.jpg'), /not an image/);
  });

  it('malformed COCO JSON, with its line', async () => {
    await writeImage(path.join(ds, 'a.jpg'), 64, 48);
    const f = path.join(ds, 'broken.json');
    writeFileSync(f, '{\n  "images": [\n    {"id": 1, "file_name": "a.jpg",, "width": 64}\n  ]\n}\n');
    expectRefused(['--format', 'coco', '--from', f], 'broken.json', /broken\.json:3/);
  });

  it('malformed VOC XML, with its line', async () => {
    await writeImage(path.join(ds, 'JPEGImages', 'a.jpg'), 64, 48);
    mkdirSync(path.join(ds, 'Annotations'));
    writeFileSync(
      path.join(ds, 'Annotations', 'a.xml'),
      '<annotation>\n<filename>a.jpg</filename>\n<size><width>64</width><height>48</height></size>\n<object><name>cat</name>\n</annotation>\n',
    );
    expectRefused(['--format', 'voc', '--from', ds], path.join('Annotations', 'a.xml'), /a\.xml:\d+/);
  });

  it('a YOLO line with the wrong number of fields, with its line', async () => {
    await writeImage(path.join(ds, 'images', 'train', 'a.jpg'), 64, 48);
    mkdirSync(path.join(ds, 'labels', 'train'), { recursive: true });
    writeFileSync(path.join(ds, 'labels', 'train', 'a.txt'), '0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2\n');
    writeFileSync(path.join(ds, 'data.yaml'), 'path: .\ntrain: images/train\nnames:\n  - cat\n');
    expectRefused(['--format', 'yolo', '--from', ds], path.join('labels', 'train', 'a.txt') + ':2', /field/);
  });

  it('a YOLO class id out of range', async () => {
    await writeImage(path.join(ds, 'images', 'train', 'a.jpg'), 64, 48);
    mkdirSync(path.join(ds, 'labels', 'train'), { recursive: true });
    writeFileSync(path.join(ds, 'labels', 'train', 'a.txt'), '3 0.5 0.5 0.2 0.2\n');
    writeFileSync(path.join(ds, 'data.yaml'), 'path: .\ntrain: images/train\nnames: [cat, dog]\n');
    expectRefused(
      ['--format', 'yolo', '--from', ds],
      path.join('labels', 'train', 'a.txt') + ':1',
      /class id/i,
    );
  });

  it('an unknown COCO category', async () => {
    await writeImage(path.join(ds, 'a.jpg'), 64, 48);
    const f = coco(
      [{ id: 1, file_name: 'a.jpg', width: 64, height: 48 }],
      [{ id: 1, image_id: 1, category_id: 7, bbox: [1, 1, 5, 5], iscrowd: 0 }],
    );
    expectRefused(['--format', 'coco', '--from', f], 'instances.json', /unknown category/);
  });

  it('a path that leaves the dataset folder', async () => {
    await writeImage(path.join(tmp.dir, 'outside.jpg'), 64, 48);
    const f = coco([{ id: 1, file_name: '../outside.jpg', width: 64, height: 48 }]);
    expectRefused(['--format', 'coco', '--from', f], 'instances.json', /leaves the dataset folder|outside/);
  });

  it('an image referenced twice', async () => {
    await writeImage(path.join(ds, 'a.jpg'), 64, 48);
    const f = coco([
      { id: 1, file_name: 'a.jpg', width: 64, height: 48 },
      { id: 2, file_name: 'a.jpg', width: 64, height: 48 },
    ]);
    expectRefused(['--format', 'coco', '--from', f], 'instances.json', /referenced twice/);
  });

  it('a dataset of 0 images', () => {
    const f = coco([]);
    expectRefused(['--format', 'coco', '--from', f], 'instances.json', /0 images|no images/);
  });

  it('with --json, stdout is one JSON error document naming the file', () => {
    writeFileSync(path.join(ds, 'zero.jpg'), '');
    const f = coco([{ id: 1, file_name: 'zero.jpg', width: 64, height: 48 }]);
    const r = ridge(['import', project, '--format', 'coco', '--from', f, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      error: { message: string; file: string; problems: { file: string }[] };
    };
    expect(doc.error.message).toMatch(/nothing was written/);
    expect(doc.error.problems.map((p) => p.file)).toContain(path.join(ds, 'zero.jpg'));
  });
});

describe('--skip-bad and box repairs', () => {
  it('--skip-bad imports the good images in one go and lists what it skipped', async () => {
    await writeImage(path.join(ds, 'good1.jpg'), 64, 48, { seed: 11 });
    await writeImage(path.join(ds, 'good2.jpg'), 64, 48, { seed: 12 });
    writeFileSync(path.join(ds, 'zero.jpg'), '');
    const f = coco(
      [
        { id: 1, file_name: 'good1.jpg', width: 64, height: 48 },
        { id: 2, file_name: 'zero.jpg', width: 64, height: 48 },
        { id: 3, file_name: 'good2.jpg', width: 64, height: 48 },
      ],
      [
        { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 5, 5], iscrowd: 0 },
        { id: 2, image_id: 3, category_id: 1, bbox: [2, 2, 5, 5], iscrowd: 0 },
      ],
    );
    const before = JSON.parse(ridge(['stats', project, '--json']).stdout) as {
      images: number;
      annotations: number;
    };
    const r = ridge(['import', project, '--format', 'coco', '--from', f, '--skip-bad', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      images: number;
      skippedImages: number;
      problems: { file: string; message: string }[];
    };
    expect(report.images).toBe(2);
    expect(report.skippedImages).toBe(1);
    expect(r.stderr).toContain(path.join(ds, 'zero.jpg'));
    const after = JSON.parse(ridge(['stats', project, '--json']).stdout) as {
      images: number;
      annotations: number;
    };
    expect(after.images - before.images).toBe(2);
    expect(after.annotations - before.annotations).toBe(2);
  });

  it('clips a box that spills out of the image and drops zero-area and non-finite boxes, as warnings (exit 0)', async () => {
    await writeImage(path.join(ds, 'w.jpg'), 64, 48, { seed: 21 });
    const f = coco(
      [{ id: 1, file_name: 'w.jpg', width: 64, height: 48 }],
      [
        { id: 1, image_id: 1, category_id: 1, bbox: [50, 40, 30, 30], iscrowd: 0 },
        { id: 2, image_id: 1, category_id: 1, bbox: [5, 5, 0, 10], iscrowd: 0 },
        { id: 3, image_id: 1, category_id: 1, bbox: [5, 5, 'BIG', 10], iscrowd: 0 },
      ],
    );
    // JSON has no Infinity literal, but 1e999 parses to it: a non-finite width.
    writeFileSync(f, readFileSync(f, 'utf8').replace('"BIG"', '1e999'));
    const r = ridge(['import', project, '--format', 'coco', '--from', f, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*clipped/);
    expect(r.stderr).toMatch(/warning: .*(zero-area|dropped)/);
    const report = JSON.parse(r.stdout) as { annotations: number };
    expect(report.annotations).toBe(1);
  });
});
