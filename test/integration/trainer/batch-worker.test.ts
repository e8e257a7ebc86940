// The batch worker (data/batch-worker*.ts, data/train-batches.ts): its batches are the in-thread path's bytes,
// a failure inside it names the image and the op, and it never keeps a process alive once a run is over.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWorker } from '../../../src/main/trainer/data/batch-worker-host';
import {
  BatchSource,
  chunk,
  epochOrder,
  prefetch,
  type Batch,
} from '../../../src/main/trainer/data/pipeline';
import { openTrainBatches, splitCacheBudget } from '../../../src/main/trainer/data/train-batches';
import { boxCounts, classWeights } from '../../../src/main/trainer/model/class-balance';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import type { Manifest, ManifestImage } from '../../../src/main/trainer/protocol';
import { REPO_ROOT } from '../../helpers/paths';
import { sampleManifest } from './fixtures';

const S = 64;
const CHILD = path.join(__dirname, 'batch-worker-child.ts');

/** Everything a step and the tests read of a batch. */
const contents = (b: Batch) => ({
  ids: b.ids,
  size: b.size,
  x: b.x,
  cls: b.cls,
  box: b.box,
  pos: b.pos,
  weight: b.weight,
  placements: b.placements,
  boxes: b.boxes,
});

/** Runs the child in `mode`; a child still running after `limitS` is killed and reported as hung. */
function runChild(manifestPath: string, mode: string, limitS = 120) {
  return new Promise<{ code: number | null; hung: boolean; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        'nice',
        ['-n', '10', process.execPath, '--import', 'tsx', CHILD, manifestPath, mode],
        {
          cwd: REPO_ROOT,
        },
      );
      let stdout = '';
      let stderr = '';
      let hung = false;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, limitS * 1000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, hung, stdout, stderr });
      });
    },
  );
}

const resultOf = (stdout: string) =>
  JSON.parse(
    stdout
      .split('\n')
      .find((l) => l.startsWith('RESULT '))!
      .slice(7),
  ) as {
    thread: string;
    note: string;
    seen: number;
    error: string;
  };

describe('batch worker', () => {
  let dir: string;
  let manifest: Manifest;
  let train: ManifestImage[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ridge-batch-worker-'));
    manifest = await sampleManifest(dir, 12, 5);
    train = manifest.images;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prepares the same batches as the trainer thread, epoch after epoch, with mosaic and class weights', async () => {
    const C = manifest.classes.length;
    const weights = classWeights(boxCounts(train, C), 0.5);
    expect(weights.some((w) => w !== 1)).toBe(true);
    const worker = await BatchWorker.start({
      numClasses: C,
      imgSize: S,
      cacheBytes: 64 << 20,
      classWeights: weights,
      images: train,
    });
    const local = new BatchSource(C, S, makeGrid(S), 64 << 20, weights);
    let mosaics = 0;
    try {
      for (let epoch = 0; epoch < 3; epoch++) {
        const augment = { seed: 4, epoch, mosaic: { probability: 0.5, pool: train } };
        const groups = chunk(epochOrder(train, 4, epoch), 4);
        const viaWorker: Batch[] = [];
        // Prefetched (several asked at once), as training asks for them.
        for await (const b of prefetch(groups, (g) => worker.makeBatch(g, augment), 3)) viaWorker.push(b);
        expect(viaWorker).toHaveLength(groups.length);
        for (const [i, g] of groups.entries()) {
          const here = await local.makeBatch(g, augment);
          expect(contents(viaWorker[i]!)).toEqual(contents(here));
          expect(here.weight).toBeDefined();
          mosaics += here.boxes.filter((bx, k) => bx.length > g[k]!.boxes.length).length;
        }
      }
    } finally {
      await worker.close();
    }
    // Mosaic did happen (an image carrying more boxes than its own), so its path was compared too.
    expect(mosaics).toBeGreaterThan(0);
  });

  it('fails a batch with a broken image by naming the file and the op, and keeps serving the others', async () => {
    const broken = path.join(dir, 'broken.png');
    await writeFile(broken, Buffer.from('not a png at all'));
    const bad: ManifestImage = { ...train[0]!, id: 999, file: broken };
    const images = [...train, bad];
    const worker = await BatchWorker.start({
      numClasses: manifest.classes.length,
      imgSize: S,
      cacheBytes: 1 << 20,
      classWeights: null,
      images,
    });
    try {
      await expect(worker.makeBatch([train[1]!, bad], { seed: 1, epoch: 0 })).rejects.toThrow(
        `cannot decode image ${broken}: `,
      );
      // As a mosaic partner: the op (the mosaic of which image) and the broken file are both named.
      const failure = await worker
        .makeBatch([train[2]!], { seed: 1, epoch: 0, mosaic: { probability: 1, pool: [bad, bad] } })
        .then(
          () => 'no failure',
          (e: Error) => e.message,
        );
      expect(failure).toContain(
        `decoding the mosaic partners of image ${train[2]!.file} (id ${train[2]!.id}) failed`,
      );
      expect(failure).toContain(`cannot decode image ${broken}`);
      const ok = await worker.makeBatch([train[1]!, train[2]!], { seed: 1, epoch: 0 });
      expect(ok.size).toBe(2);
    } finally {
      await worker.close();
    }
  });

  it('rejects a batch still asked of it when it is closed, and every later one', async () => {
    const worker = await BatchWorker.start({
      numClasses: manifest.classes.length,
      imgSize: S,
      cacheBytes: 1 << 20,
      classWeights: null,
      images: train,
    });
    const waiting = worker.makeBatch(train.slice(0, 4), { seed: 1, epoch: 0 });
    const closing = worker.close();
    await expect(waiting).rejects.toThrow(
      `the data pipeline's worker was closed while preparing images ${train[0]!.file}`,
    );
    await closing;
    await expect(worker.makeBatch(train.slice(0, 2), { seed: 1, epoch: 0 })).rejects.toThrow('was closed');
  });

  it('falls back to the trainer thread with the reason when the worker cannot start', async () => {
    const C = manifest.classes.length;
    await expect(
      BatchWorker.start(
        { numClasses: C, imgSize: S, cacheBytes: 1 << 20, classWeights: null, images: train },
        { startTimeoutMs: 1 },
      ),
    ).rejects.toThrow('did not start within');
    const asked = await openTrainBatches({
      numClasses: C,
      imgSize: S,
      grid: makeGrid(S),
      classWeights: null,
      train,
      evalImages: [],
      thread: 'in-thread',
    });
    expect(asked.thread).toBe('in-thread');
    expect((await asked.makeBatch(train.slice(0, 2), { seed: 1, epoch: 0 })).size).toBe(2);
  });

  it('splits one cache budget between the worker and the trainer thread', () => {
    const val = train.slice(0, 3);
    const { worker, thread } = splitCacheBudget(1000, train, val, S);
    expect(worker + thread).toBe(1000);
    expect(worker).toBeGreaterThan(thread);
    expect(splitCacheBudget(1000, train, [], S)).toEqual({ worker: 1000, thread: 0 });
  });

  describe('ends with the run', () => {
    let manifestPath: string;
    beforeAll(async () => {
      manifestPath = path.join(dir, 'manifest.json');
      await writeFile(manifestPath, JSON.stringify(manifest));
    });

    it.each([
      ['end', 'after an epoch'],
      ['cancel', 'on cancel mid-epoch (batches still asked of it)'],
      ['forget', 'even when nobody closes it'],
    ])('%s: the process exits by itself %s', async (mode) => {
      const r = await runChild(manifestPath, mode);
      expect(r.hung, `the child hung; stderr: ${r.stderr.slice(-2000)}`).toBe(false);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      const res = resultOf(r.stdout);
      expect(res.thread).toBe('worker');
      expect(res.error).toBe('');
      expect(res.seen).toBe(mode === 'end' ? 12 : 2);
    });

    it('fail: a broken image fails the epoch with its name, and the process still exits', async () => {
      const broken = path.join(dir, 'broken-child.png');
      await writeFile(broken, Buffer.from('broken'));
      const bad = {
        ...manifest,
        images: [...manifest.images.slice(0, 5), { ...manifest.images[5]!, file: broken }],
      };
      const badPath = path.join(dir, 'bad-manifest.json');
      await writeFile(badPath, JSON.stringify(bad));
      const r = await runChild(badPath, 'fail');
      expect(r.hung, `the child hung; stderr: ${r.stderr.slice(-2000)}`).toBe(false);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(resultOf(r.stdout).error).toContain(`cannot decode image ${broken}: `);
    });
  });
});
