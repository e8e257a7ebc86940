import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  predictInTrainerProcess,
  trainerProcessPredictor,
} from '../../../src/main/services/runs/predict-host';
import { forkTrainer, type TrainerChild } from '../../../src/main/services/runs/trainer-host';
import type { Manifest } from '../../../src/main/trainer/protocol';
import { REPO_ROOT } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';
import { sampleManifest } from '../trainer/fixtures';
import { exportUntrainedModel } from '../trainer/untrained-model';

// Predictions in a trainer process: the real engine through the built trainer entry (out/trainer/trainer.cjs,
// built by the global setup) on an untrained exported model, and the host's handling of an answer, a failure,
// a crash, a kill, a hang and an abort through the stand-in trainer (no tfjs, milliseconds each).
const STANDIN = path.join(REPO_ROOT, 'test/integration/runs/stand-in-trainer.cjs');
const TRAINER = path.join(REPO_ROOT, 'out/trainer/trainer.cjs');
const images = [
  { id: 1, file: '/nowhere/a.jpg' },
  { id: 40, file: '/nowhere/b.jpg' },
];

/** The stand-in trainer in `mode`, set in the child's environment (never this process's). */
function standIn(mode: string) {
  return { entry: STANDIN, spawn: (entry: string) => forkTrainer(entry, { RIDGE_STANDIN: mode }) };
}

/** A stand-in spawner that remembers the child it started, so a test can see it end. */
function watched(mode: string): { spawn: (entry: string) => TrainerChild; ended: () => Promise<string> } {
  let child: TrainerChild | null = null;
  return {
    spawn: (entry) => (child = forkTrainer(entry, { RIDGE_STANDIN: mode })),
    ended: () => new Promise((resolve) => child!.onExit(resolve)),
  };
}

describe('predict jobs through the stand-in trainer', () => {
  it('resolves with the boxes the process answers, score threshold passed along', async () => {
    const boxes = await predictInTrainerProcess(
      { modelDir: '/m', images, scoreThreshold: 0.6 },
      { entry: STANDIN },
    );
    expect(boxes).toEqual([{ imageId: 40, classIndex: 0, x: 1, y: 2, w: 3, h: 4, score: 0.9 }]);
    const predictor = trainerProcessPredictor({ entry: STANDIN });
    expect(await predictor('/m', images, { scoreThreshold: 0 })).toHaveLength(2);
  });

  it("rejects with the trainer's reason when the job fails", async () => {
    await expect(predictInTrainerProcess({ modelDir: '/m', images }, standIn('fail'))).rejects.toThrow(
      'prediction failed: no exported model in /m',
    );
  });

  it('rejects with the exit code and last words of a crash, or the signal of a kill; the caller lives on', async () => {
    await expect(predictInTrainerProcess({ modelDir: '/m', images }, standIn('crash'))).rejects.toThrow(
      /exited with code 3: Error: native library exploded while predicting/,
    );
    await expect(predictInTrainerProcess({ modelDir: '/m', images }, standIn('sigkill'))).rejects.toThrow(
      /killed by SIGKILL/,
    );
  });

  it('kills a process that does not answer in time', async () => {
    const w = watched('hang');
    const started = Date.now();
    await expect(
      predictInTrainerProcess({ modelDir: '/m', images }, { entry: STANDIN, spawn: w.spawn, timeoutMs: 300 }),
    ).rejects.toThrow(/no answer within 300 ms; the trainer process was stopped/);
    expect(await w.ended()).toMatch(/killed by SIGKILL/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('kills the process when the caller aborts', async () => {
    const w = watched('hang');
    const ac = new AbortController();
    const pending = predictInTrainerProcess(
      { modelDir: '/m', images },
      { entry: STANDIN, spawn: w.spawn, signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 100);
    await expect(pending).rejects.toThrow(/prediction failed: cancelled/);
    expect(await w.ended()).toMatch(/killed by SIGKILL/);
  });
});

describe('predict jobs through the real trainer entry', () => {
  let tmp: ReturnType<typeof makeTmpDir>;
  let manifest: Manifest;
  let modelDir: string;
  beforeAll(async () => {
    tmp = makeTmpDir();
    manifest = await sampleManifest(path.join(tmp.dir, 'images'), 6, 3);
    modelDir = path.join(tmp.dir, 'model');
    await exportUntrainedModel(modelDir, manifest.classes, 96);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('answers exactly what predictImages gives in-process', async () => {
    const job = {
      modelDir,
      images: manifest.images.map((i) => ({ id: i.id, file: i.file })),
      scoreThreshold: 0.001,
    };
    const viaProcess = await predictInTrainerProcess(job, { entry: TRAINER, timeoutMs: 120_000 });
    expect(viaProcess.length).toBeGreaterThan(0);
    expect(new Set(viaProcess.map((d) => d.imageId))).toEqual(new Set(job.images.map((i) => i.id)));
    const { predictImages } = await import('../../../src/main/trainer/engine');
    const inProcess = await predictImages(modelDir, job.images, { scoreThreshold: 0.001 });
    expect(viaProcess).toEqual(inProcess);
  }, 120_000);

  it('rejects with the engine error when the model folder has no model', async () => {
    await expect(
      predictInTrainerProcess(
        { modelDir: path.join(tmp.dir, 'missing'), images: [] },
        { entry: TRAINER, timeoutMs: 60_000 },
      ),
    ).rejects.toThrow(/prediction failed: .*ridge-model\.json/);
  }, 60_000);
});
