// A child for batch-worker.test.ts: opens a run's training batches (the worker) on a manifest and ends the way
// the test asks ('end' after an epoch, 'cancel' mid-epoch, 'fail' on a broken image, 'forget' without close),
// then returns from main without process.exit: the test checks that the process ends by itself.
import { readFileSync } from 'node:fs';
import { chunk, epochOrder, prefetch } from '../../../src/main/trainer/data/pipeline';
import { openTrainBatches } from '../../../src/main/trainer/data/train-batches';
import { makeGrid } from '../../../src/main/trainer/model/targets';
import type { Manifest } from '../../../src/main/trainer/protocol';

async function main(): Promise<void> {
  const [manifestPath, mode] = process.argv.slice(2);
  const manifest = JSON.parse(readFileSync(manifestPath!, 'utf8')) as Manifest;
  const S = 64;
  const train = manifest.images;
  const batches = await openTrainBatches({
    numClasses: manifest.classes.length,
    imgSize: S,
    grid: makeGrid(S),
    classWeights: null,
    train,
    evalImages: [],
  });
  const groups = chunk(epochOrder(train, 1, 0), 2);
  const augment = { seed: 1, epoch: 0, mosaic: { probability: 0.5, pool: train } };
  let seen = 0;
  let error = '';
  try {
    for await (const b of prefetch(groups, (g) => batches.makeBatch(g, augment))) {
      seen += b.size;
      if (mode === 'cancel' || mode === 'forget') break;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    if (mode !== 'forget') await batches.close();
  }
  console.log(`RESULT ${JSON.stringify({ thread: batches.thread, note: batches.note, seen, error })}`);
}

void main();
