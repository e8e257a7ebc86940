import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src/main/services/project/project';
import { greedyMatchCount } from '../../../src/shared/geometry';
import { ridge } from '../../helpers/cli';
import { requireFixture, VOC100 } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

// Pre-labeling before any training, through `ridge prelabel --coco`: real VOC photos imported as unlabeled
// images, the project's classes named as VOC names them (matched to COCO by name), the COCO-pretrained NanoDet
// built into a fresh cache folder and run in a trainer process; its pending boxes scored against VOC's own
// ground truth.
const LIMIT = 30;
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
let env: Record<string, string>;
const VOC_CLASSES = (): string[] =>
  (JSON.parse(readFileSync(path.join(VOC100, 'gt_coco.json'), 'utf8')) as GtCoco).categories.map(
    (c) => c.name,
  );

interface GtCoco {
  images: { id: number; file_name: string }[];
  categories: { id: number; name: string }[];
  annotations: { image_id: number; category_id: number; bbox: [number, number, number, number] }[];
}

function project(name: string, classes: string[]): string {
  const d = path.join(tmp.dir, name);
  expect(ridge(['init', d]).code).toBe(0);
  const imp = ridge(['import', d, '--format', 'images', '--from', path.join(VOC100, 'images'), '--link']);
  expect(imp.code, imp.stderr).toBe(0);
  const p = Project.open(d);
  try {
    for (const c of classes) p.classes.create(c);
  } finally {
    p.close();
  }
  return d;
}

beforeAll(() => {
  requireFixture(VOC100);
  tmp = makeTmpDir();
  env = { RIDGE_CACHE_DIR: path.join(tmp.dir, 'cache'), TF_CPP_MIN_LOG_LEVEL: '2' };
  // VOC's names, some spelled otherwise: case and '_' do not matter, and VOC's own names are known aliases.
  dir = project(
    'voc',
    VOC_CLASSES().map((n) => (n === 'person' ? 'Person' : n === 'pottedplant' ? 'Potted_Plant' : n)),
  );
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('ridge prelabel --coco', () => {
  it('refuses what cannot pre-label, with the reason, before any prediction', () => {
    const cells = project('cells', ['RBC', 'WBC']);
    const cases: [string[], string][] = [
      [['--coco'], "none of the project's classes (RBC, WBC) is a COCO class: map COCO classes to them"],
      [['--coco', '--map', 'cars=RBC'], 'not COCO classes: cars (did you mean car?)'],
      [['--coco', '--map', 'car=Truck'], 'not classes of this project: Truck'],
      [['--coco', '--map', 'car'], '--map entry "car" is not coco=project'],
      [['--map', 'car=RBC'], '--map maps COCO classes, so it needs --coco'],
      [['--coco', '--run', 'r1'], 'exactly one of them'],
      [[], 'exactly one of them'],
    ];
    for (const [args, words] of cases) {
      const r = ridge(['prelabel', cells, ...args], { env });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(words);
    }
    const noWeights = ridge(['prelabel', cells, '--coco', '--map', 'person=RBC'], {
      env: { ...env, RIDGE_NANODET_DIR: path.join(tmp.dir, 'nowhere') },
    });
    expect(noWeights.code).toBe(1);
    expect(noWeights.stderr).toContain(
      'cannot pre-label with the COCO model: the COCO-pretrained NanoDet weights are not installed',
    );
    const p = Project.open(cells);
    try {
      expect(p.images.all().every((i) => p.annotations.forImage(i.id).length === 0)).toBe(true);
    } finally {
      p.close();
    }
  }, 120_000);

  it('pre-labels real photos with pending boxes that match their ground truth', () => {
    // The COCO model's default score (0.4).
    const r = ridge(['prelabel', dir, '--coco', '--limit', String(LIMIT), '--json'], {
      env,
      timeout: 300_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as {
      boxes: number;
      images: number;
      cocoMapping: Record<string, string>;
    };
    // Every VOC class is a COCO class under some name.
    expect(Object.keys(rep.cocoMapping)).toHaveLength(20);
    expect(rep.cocoMapping).toMatchObject({
      person: 'Person',
      'potted plant': 'Potted_Plant',
      couch: 'sofa',
    });
    expect(rep.boxes).toBeGreaterThan(0);

    const gt = JSON.parse(readFileSync(path.join(VOC100, 'gt_coco.json'), 'utf8')) as GtCoco;
    const gtName = new Map(gt.categories.map((c) => [c.id, c.name]));
    const p = Project.open(dir);
    try {
      const classOf = new Map(p.classes.list().map((c) => [c.id, c.name]));
      const toVoc = (n: string) => (n === 'Person' ? 'person' : n === 'Potted_Plant' ? 'pottedplant' : n);
      let tp = 0;
      let preds = 0;
      let truths = 0;
      const chosen = p.images.all().slice(0, LIMIT);
      for (const img of chosen) {
        const file = path.basename(img.path);
        const gimg = gt.images.find((g) => g.file_name === file)!;
        const truth = gt.annotations
          .filter((a) => a.image_id === gimg.id)
          .map((a) => ({
            cls: gtName.get(a.category_id)!,
            x: a.bbox[0],
            y: a.bbox[1],
            w: a.bbox[2],
            h: a.bbox[3],
          }));
        const boxes = p.annotations.forImage(img.id);
        expect(boxes.every((b) => b.state === 'pending' && b.source === 'predicted')).toBe(true);
        truths += truth.length;
        preds += boxes.length;
        const byScore = [...boxes].sort((a, c) => (c.score ?? 0) - (a.score ?? 0));
        tp += greedyMatchCount(byScore, truth, (b, t) => t.cls === toVoc(classOf.get(b.classId)!));
        // Pending boxes are not ground truth: the image stays unlabeled.
        expect(p.images.byId(img.id)!.status).toBe('unlabeled');
      }
      const precision = tp / preds;
      const recall = tp / truths;
      console.log(
        `COCO pre-label on ${LIMIT} VOC photos: ${preds} boxes, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (IoU 0.5)`,
      );
      expect(precision).toBeGreaterThan(0.6);
      expect(recall).toBeGreaterThan(0.5);
      expect(p.stats().annotations).toBe(0);
    } finally {
      p.close();
    }

    // A second pass skips the images that already carry pending boxes.
    const again = ridge(['prelabel', dir, '--coco', '--limit', String(LIMIT), '--json'], {
      env,
      timeout: 300_000,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ skippedImages: rep.images });
  }, 600_000);
});
