import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src/main/services/project/project';
import { createPlannedRuns } from '../../../src/main/services/runs/plan';
import { createRun, executeRun } from '../../../src/main/services/runs/runs';
import { forkTrainer } from '../../../src/main/services/runs/trainer-host';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';
import { STANDIN_TRAINER } from '../../helpers/paths';
import { makeSampleProject } from '../../helpers/sample-project';
import type { makeTmpDir } from '../../helpers/tmp';

let tmp: ReturnType<typeof makeTmpDir>;
let p: Project;

beforeEach(async () => {
  ({ tmp, p } = await makeSampleProject(1));
});
afterEach(() => {
  p.close();
  tmp.cleanup();
});

/** executeRun options that start the stand-in trainer in `mode`. */
function standIn(mode: string) {
  return { entry: STANDIN_TRAINER, spawn: (e: string) => forkTrainer(e, { RIDGE_STANDIN: mode }) };
}

describe('runs and the trainer process (stand-in trainer speaking the real protocol)', () => {
  it('a finished run stores backend, every epoch, the best epoch and the test metrics', async () => {
    const run = createRun(p, DEFAULT_RUN_CONFIG);
    expect(run.status).toBe('queued');
    expect(run.manifestHash).toMatch(/^[0-9a-f]{64}$/);
    const end = await executeRun(p, run.id, { entry: STANDIN_TRAINER });
    expect(end).toMatchObject({
      status: 'done',
      backend: 'cpu',
      bestEpoch: 2,
      testMetrics: { AP: 0.4, AP50: 0.8 },
    });
    expect(p.runs.epochs(run.id).map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('a trainer that crashes marks the run failed with its last words, and the caller lives on', async () => {
    const mode = standIn('crash');
    const run = createRun(p, DEFAULT_RUN_CONFIG);
    const end = await executeRun(p, run.id, mode);
    expect(end.status).toBe('failed');
    expect(end.failReason).toMatch(/exited with code 3: Error: native library exploded/);
  });

  it('a trainer killed by the OS marks the run failed with the signal', async () => {
    const mode = standIn('sigkill');
    const run = createRun(p, DEFAULT_RUN_CONFIG);
    const end = await executeRun(p, run.id, mode);
    expect(end.status).toBe('failed');
    expect(end.failReason).toMatch(/killed by SIGKILL/);
  });

  it('cancel asks the trainer to stop and records the run as cancelled', async () => {
    const mode = standIn('hang');
    const run = createRun(p, DEFAULT_RUN_CONFIG);
    const abort = new AbortController();
    const pending = executeRun(p, run.id, {
      ...mode,
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'backend') abort.abort();
      },
    });
    expect((await pending).status).toBe('cancelled');
  });

  it('label edits after a run was created never change its manifest', async () => {
    const run = createRun(p, DEFAULT_RUN_CONFIG);
    const img = p.images.all()[0]!;
    for (const a of p.annotations.forImage(img.id)) p.annotations.remove(a.id);
    const again = createRun(p, DEFAULT_RUN_CONFIG);
    expect(again.manifestHash).not.toBe(run.manifestHash);
    expect(p.runs.byId(run.id)!.manifestHash).toBe(run.manifestHash);
  });

  it('refuses to plan runs on too little data, saying what is missing, and creates none', () => {
    const q = Project.init(path.join(tmp.dir, 'empty'));
    expect(() => createPlannedRuns(q, [DEFAULT_RUN_CONFIG], null)).toThrow(
      /not enough labeled data to train: 0 training images/,
    );
    expect(q.runs.list()).toEqual([]);
    q.close();
  });
});
