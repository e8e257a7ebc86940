// Benchmark: import a COCO file of 10,000 images / 100,000 boxes (sizes given, images referenced with --link),
// then open the project and read one page of 100 images with their boxes. Then a COCO file of 2.4 million boxes
// on the same images, copied in, with a second writer on another thread measuring the longest time it had to wait
// for the write lock (what the server or the app would have waited). Prints figures; asserts nothing.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { importDataset } from '../../src/main/services/datasets/import';
import { Project } from '../../src/main/services/project/project';
import { testDoor } from '../helpers/studio';
import { makeTmpDir } from '../helpers/tmp';
import { startLockProbe } from './lock-probe';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const BOXES_PER_IMAGE = 10;
const W = 64;
const H = 48;
const LOCK_BOXES = Number(process.env.BENCH_LOCK_BOXES ?? 2_400_000);
// The old import wrote every row inside one transaction; measured with this bench on its code (load 6-11).
const BEFORE = { seconds: 83.0, longestWait: 48.45 };

/** A COCO file over the bench's images with `boxes` boxes in all, written in pieces (one string would be ~200 MB). */
function writeBigCoco(file: string, images: { id: number; file_name: string }[], boxes: number): void {
  const fd = openSync(file, 'w');
  const cats = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ id: i + 1, name }));
  writeSync(fd, `{"categories":${JSON.stringify(cats)},"images":${JSON.stringify(images)},"annotations":[`);
  const per = Math.ceil(boxes / images.length);
  let id = 0;
  let chunk: string[] = [];
  for (const im of images) {
    for (let b = 0; b < per && id < boxes; b++) {
      const x = b % 50;
      chunk.push(
        `${id ? ',' : ''}{"id":${++id},"image_id":${im.id},"category_id":${1 + (b % 5)},"bbox":[${x},${b % 40},8,6]}`,
      );
    }
    if (chunk.length > 50_000) {
      writeSync(fd, chunk.join(''));
      chunk = [];
    }
  }
  writeSync(fd, `${chunk.join('')}]}`);
  closeSync(fd);
}

/** Import 2.4M boxes (copies) while a second writer measures the longest wait for the write lock. */
async function lockHold(dir: string, images: { id: number; file_name: string }[]): Promise<void> {
  const cocoFile = path.join(dir, 'dataset', 'instances-big.json');
  writeBigCoco(cocoFile, images, LOCK_BOXES);
  const p = Project.init(path.join(dir, 'project-big'));
  const probe = startLockProbe(path.join(p.dir, 'project.ridge'));
  const t = performance.now();
  const report = await importDataset(p, {
    format: 'coco',
    from: cocoFile,
    images: path.join(dir, 'dataset', 'images'),
  });
  const seconds = (performance.now() - t) / 1000;
  const r = await probe.stop();
  p.close();
  console.log(
    `import of ${report.images} images (copied) and ${report.annotations} boxes: ${seconds.toFixed(1)} s; ` +
      `longest wait of a second writer for the write lock: ${(r.maxWaitMs / 1000).toFixed(2)} s ` +
      `(${r.takes} takes of the lock during the import)`,
  );
  console.log(
    `  before staged imports (commit 2564e80, this bench on that code, 2 shared cores, 2026-12-01): ` +
      `${BEFORE.seconds} s import, longest wait ${BEFORE.longestWait} s`,
  );
}

async function main(): Promise<void> {
  const tmp = makeTmpDir('ridge-bench-');
  const ds = path.join(tmp.dir, 'dataset');
  mkdirSync(path.join(ds, 'images'), { recursive: true });
  const t0 = performance.now();
  const base = Buffer.alloc(W * H * 3);
  const images = [];
  const annotations = [];
  for (let i = 0; i < IMAGES; i++) {
    base.writeUInt32LE(i, 0); // distinct content per image
    const buf = await sharp(base, { raw: { width: W, height: H, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    const file = `img_${String(i).padStart(5, '0')}.png`;
    writeFileSync(path.join(ds, 'images', file), buf);
    images.push({ id: i + 1, file_name: file, width: W, height: H });
    for (let b = 0; b < BOXES_PER_IMAGE; b++) {
      annotations.push({
        id: annotations.length + 1,
        image_id: i + 1,
        category_id: 1 + (b % 5),
        bbox: [b * 2, b, 10 + b, 8 + b],
        area: 80,
        iscrowd: 0,
      });
    }
  }
  const categories = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ id: i + 1, name }));
  const cocoFile = path.join(ds, 'instances.json');
  writeFileSync(cocoFile, JSON.stringify({ images, annotations, categories }));
  console.log(
    `dataset: ${IMAGES} images, ${annotations.length} boxes written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const rssBefore = process.memoryUsage().rss;
  const p = Project.init(path.join(tmp.dir, 'project'));
  const t1 = performance.now();
  const phases = new Map<string, number>();
  const report = await importDataset(p, {
    format: 'coco',
    from: cocoFile,
    images: path.join(ds, 'images'),
    link: true,
    onProgress: (_d, _t, phase) => {
      if (!phases.has(phase)) phases.set(phase, performance.now());
    },
  });
  const importS = (performance.now() - t1) / 1000;
  const marks = [['parse', t1], ...phases.entries(), ['end', performance.now()]] as [string, number][];
  console.log(
    'phases: ' +
      marks
        .slice(0, -1)
        .map(([name, t], i) => `${name} ${((marks[i + 1]![1] - t) / 1000).toFixed(2)} s`)
        .join(', '),
  );
  clearInterval(sampler);
  p.close();
  console.log(
    `import: ${report.images} images, ${report.annotations} boxes in ${importS.toFixed(2)} s ` +
      `(target < 10 s); RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );

  const t2 = performance.now();
  const door = testDoor();
  const api = door.handlers;
  await api['project.open']({ dir: path.join(tmp.dir, 'project') });
  const page = await api['images.page']({ filter: {}, after: 0, limit: 100 });
  const openAndPage = performance.now() - t2;
  const t3 = performance.now();
  const later = await api['images.page']({ filter: {}, after: 5000, limit: 100 });
  const pageOnly = performance.now() - t3;
  await door.close();
  const boxes = page.items.reduce((n, i) => n + i.boxes.length, 0);
  console.log(
    `open + first page of ${page.items.length} images (${boxes} boxes, total ${page.total}): ${openAndPage.toFixed(1)} ms ` +
      `(target < 50 ms); a later page: ${pageOnly.toFixed(1)} ms (${later.items.length} images)`,
  );
  if (LOCK_BOXES > 0) await lockHold(tmp.dir, images);
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}`);
  tmp.cleanup();
}

void main();
