import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportProblem } from '../../../src/shared/api/contract';
import type { ImportFormat } from '../../../src/shared/domain/formats';
import { importDataset } from '../../../src/main/services/datasets/import';
import { ImportAbortedError } from '../../../src/main/services/datasets/import-errors';
import { Project } from '../../../src/main/services/project/project';
import { ridge } from '../../helpers/cli';
import { writeImage } from '../../helpers/images';
import { makeTmpDir } from '../../helpers/tmp';

// Symbolic links in a dataset, in every format: one whose target lies inside the dataset folder is followed; one
// that leads out of it is refused with the link named (--skip-bad skips it); a loop (`ln -s . loop`, two of them)
// is not followed, so the import finishes with each image once.

let tmp: ReturnType<typeof makeTmpDir>;
let privatePhoto: string;
let privateSha: string;
let goodSha: string;
let goodBytes: Buffer;

beforeAll(async () => {
  tmp = makeTmpDir();
  privatePhoto = path.join(tmp.dir, 'private', 'me.jpg');
  privateSha = sha(await writeImage(privatePhoto, 40, 30, { seed: 77 }));
  goodBytes = await writeImage(path.join(tmp.dir, 'good.jpg'), 40, 30, { seed: 5 });
  goodSha = sha(goodBytes);
  writeFileSync(path.join(tmp.dir, 'private', 'notes.json'), '{"imagePath": "me.jpg", "shapes": []}');
});
afterAll(() => tmp.cleanup());

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

let caseNo = 0;
/** A fresh dataset folder; `imgDir` (relative) gets a.jpg, an inside link b.jpg -> a.jpg, secret.jpg -> outside, and two loops. */
function dataset(imgDir: string): { root: string; imgs: string } {
  const root = path.join(tmp.dir, `ds${++caseNo}`);
  const imgs = path.join(root, imgDir);
  mkdirSync(imgs, { recursive: true });
  writeFileSync(path.join(imgs, 'a.jpg'), goodBytes);
  symlinkSync('a.jpg', path.join(imgs, 'b.jpg')); // inside the dataset: followed
  symlinkSync(privatePhoto, path.join(imgs, 'secret.jpg'));
  symlinkSync('.', path.join(imgs, 'loop'));
  symlinkSync('.', path.join(imgs, 'loop2'));
  symlinkSync(path.dirname(privatePhoto), path.join(imgs, 'elsewhere'));
  return { root, imgs };
}

const NAMES = ['a.jpg', 'b.jpg', 'secret.jpg'];

/** Each format's dataset with a.jpg, b.jpg (a link to it) and secret.jpg; `from` is what --from names. */
const FORMATS: Record<ImportFormat, () => { from: string; secret: string }> = {
  images: () => {
    const { root, imgs } = dataset('');
    return { from: root, secret: path.join(imgs, 'secret.jpg') };
  },
  coco: () => {
    const { root, imgs } = dataset('');
    const images = NAMES.map((f, i) => ({ id: i + 1, file_name: f, width: 40, height: 30 }));
    const annotations = images.map((im) => ({
      id: im.id,
      image_id: im.id,
      category_id: 1,
      bbox: [1, 1, 9, 9],
    }));
    const from = path.join(root, 'instances.json');
    writeFileSync(from, JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'cat' }] }));
    return { from, secret: path.join(imgs, 'secret.jpg') };
  },
  yolo: () => {
    const { root, imgs } = dataset('images/train');
    writeFileSync(path.join(root, 'data.yaml'), 'names: [cat]\ntrain: images/train\n');
    mkdirSync(path.join(root, 'labels/train'), { recursive: true });
    for (const f of NAMES)
      writeFileSync(path.join(root, 'labels/train', f.replace('.jpg', '.txt')), '0 0.5 0.5 0.2 0.2\n');
    return { from: root, secret: path.join(imgs, 'secret.jpg') };
  },
  createml: () => {
    const { root, imgs } = dataset('');
    const doc = NAMES.map((image) => ({
      image,
      annotations: [{ label: 'cat', coordinates: { x: 9, y: 9, width: 6, height: 6 } }],
    }));
    writeFileSync(path.join(root, 'annotations.json'), JSON.stringify(doc));
    return { from: root, secret: path.join(imgs, 'secret.jpg') };
  },
  voc: () => {
    const { root, imgs } = dataset('JPEGImages');
    mkdirSync(path.join(root, 'Annotations'));
    for (const f of NAMES) {
      const box =
        '<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>';
      const xml = `<annotation><filename>${f}</filename><size><width>40</width><height>30</height></size>${box}</annotation>`;
      writeFileSync(path.join(root, 'Annotations', f.replace('.jpg', '.xml')), xml);
    }
    return { from: root, secret: path.join(imgs, 'secret.jpg') };
  },
  labelme: () => {
    const { root, imgs } = dataset('');
    for (const f of NAMES) {
      const shape = {
        label: 'cat',
        shape_type: 'rectangle',
        points: [
          [1, 1],
          [9, 9],
        ],
      };
      writeFileSync(
        path.join(root, f.replace('.jpg', '.json')),
        JSON.stringify({ imagePath: f, shapes: [shape] }),
      );
    }
    return { from: root, secret: path.join(imgs, 'secret.jpg') };
  },
  cvat: () => {
    const { root, imgs } = dataset('');
    const images = NAMES.map(
      (f, i) =>
        `<image id="${i}" name="${f}" width="40" height="30"><box label="cat" xtl="1" ytl="1" xbr="9" ybr="9"/></image>`,
    );
    const meta = '<meta><task><labels><label><name>cat</name></label></labels></task></meta>';
    writeFileSync(
      path.join(root, 'annotations.xml'),
      `<annotations><version>1.1</version>${meta}${images.join('')}</annotations>`,
    );
    return { from: root, secret: path.join(imgs, 'secret.jpg') };
  },
};

/** Darknet is YOLO without a data.yaml: obj.names, train.txt and the labels beside the images. */
function darknet(): { from: string; secret: string } {
  const { root, imgs } = dataset('obj_train_data');
  writeFileSync(path.join(root, 'obj.names'), 'cat\n');
  writeFileSync(path.join(root, 'train.txt'), NAMES.map((f) => `data/obj_train_data/${f}\n`).join(''));
  for (const f of NAMES) writeFileSync(path.join(imgs, f.replace('.jpg', '.txt')), '0 0.5 0.5 0.2 0.2\n');
  return { from: root, secret: path.join(imgs, 'secret.jpg') };
}

const cases: [string, ImportFormat, () => { from: string; secret: string }][] = [
  ...(Object.entries(FORMATS) as [ImportFormat, () => { from: string; secret: string }][]).map(
    ([f, make]) => [f, f, make] as [string, ImportFormat, typeof make],
  ),
  ['darknet', 'yolo', darknet],
];

function projectShas(p: Project): string[] {
  return p.images.all().map((i) => i.sha256);
}

describe.each(cases)('symlinks in a %s dataset', (_name, format, make) => {
  it('a link out of the dataset aborts the import, named; nothing is written', async () => {
    const ds = make();
    const p = Project.init(path.join(tmp.dir, `p${++caseNo}`));
    try {
      const err = await importDataset(p, { format, from: ds.from }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportAbortedError);
      const errors = (err as ImportAbortedError).problems.filter((x) => x.severity === 'error');
      expect(errors.map((x) => `${x.file}: ${x.message}`).join('\n')).toMatch(
        /secret\.jpg: .*symbolic link .*leads out of the dataset folder/,
      );
      expect(p.images.count()).toBe(0);
    } finally {
      p.close();
    }
  });

  it('--skip-bad imports what lies inside (the inside link too, once), never the outside photo, and the loops do not multiply anything', async () => {
    const ds = make();
    const p = Project.init(path.join(tmp.dir, `p${++caseNo}`));
    try {
      const report = await importDataset(p, { format, from: ds.from, skipBad: true });
      const shas = projectShas(p);
      expect(shas).not.toContain(privateSha);
      expect(shas).toEqual([goodSha, goodSha]); // a.jpg and b.jpg (its link), each once
      expect(report.images).toBe(2);
      for (const img of p.images.all()) expect(readFileSync(p.imagePath(img)).equals(goodBytes)).toBe(true);
    } finally {
      p.close();
    }
  });
});

describe('an annotation file that is a link out of the dataset', () => {
  it('is not read: the import aborts naming it, and its contents appear in no message', async () => {
    const ds = FORMATS.labelme();
    symlinkSync(path.join(path.dirname(privatePhoto), 'notes.json'), path.join(ds.from, 'evil.json'));
    const p = Project.init(path.join(tmp.dir, `p${++caseNo}`));
    try {
      const err = await importDataset(p, { format: 'labelme', from: ds.from, skipBad: true }).catch(
        (e: unknown) => e,
      );
      const problems =
        err instanceof ImportAbortedError ? err.problems : (err as { problems: ImportProblem[] }).problems;
      const evil = problems.find((x) => x.file.endsWith('evil.json'))!;
      expect(evil).toMatchObject({ severity: 'error' });
      expect(evil.message).toMatch(/symbolic link that leads out of the dataset folder/);
      expect(JSON.stringify(problems)).not.toContain('imagePath'); // nothing of the outside file's text
    } finally {
      p.close();
    }
  });
});

describe('symlinks through the CLI', () => {
  it('names the refused link, says --skip-bad skips it, exit 1; with --skip-bad exit 0', () => {
    const ds = FORMATS.images();
    const project = path.join(tmp.dir, 'cli-project');
    expect(ridge(['init', project]).code).toBe(0);
    const refused = ridge(['import', project, '--format', 'images', '--from', ds.from]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${ds.secret}: a symbolic link that leads out of the dataset folder`);
    expect(refused.stderr).toContain('--skip-bad');
    const skipped = ridge(['import', project, '--format', 'images', '--from', ds.from, '--skip-bad']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('imported 2 images');
  });
});
