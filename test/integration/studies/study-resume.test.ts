import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyDocument, StudySummaryView } from '../../../src/shared/api/runs-contract';
import { dispatch } from '../../../src/main/services/api/dispatch';
import { thisProcessOwner } from '../../../src/main/services/runs/lease';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { startRidge } from '../../helpers/ridge-process';
import { testDoor } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';
import { until } from '../../helpers/until';

// Resuming a study with the real trainer (tiny: 24 images, 64 px, 2 epochs): a `ridge compare` killed after its
// first run's first epoch leaves that run interrupted; `ridge study resume` continues it from its checkpoint (its
// first epoch is not trained again), trains the rest, and the study ends done. Unknown ids are refused by the CLI
// and the API in the same words.
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '24'));
});
afterAll(() => tmp.cleanup());

/** Read the project's store directly (read-only), as another process would. */
function query<T>(sql: string, ...args: unknown[]): T[] {
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

describe('study resume', () => {
  it('a killed ridge compare is resumed by ridge study resume: the interrupted run from its checkpoint', async () => {
    const c = startRidge([
      'compare', dir, '--arms', 'none,l2=1e-4', '--seeds', '2',
      '--epochs', '2', '--img-size', '64', '--batch-size', '8',
    ]); // prettier-ignore
    const first = await until(
      () => {
        const r = query<{ run_id: string; seconds: number }>(
          'SELECT run_id, seconds FROM epoch_metric WHERE epoch = 1 LIMIT 1',
        )[0];
        return r;
      },
      120_000,
      200,
    );
    // The trainer reports an epoch, then writes its checkpoints (last, and best: epoch 1 is the best so far):
    // kill only once both are there.
    const state = (name: string) => path.join(dir, 'runs', first.run_id, 'checkpoints', name, 'state.json');
    await until(
      () => {
        try {
          const epochOf = (name: string) =>
            (JSON.parse(readFileSync(state(name), 'utf8')) as { epoch: number }).epoch;
          return epochOf('last') >= 1 && epochOf('best') >= 1 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      60_000,
      200,
    );
    c.child.kill('SIGKILL');
    await c.exited;
    const studyId = query<{ id: string }>('SELECT id FROM study')[0]!.id;

    const before = JSON.parse(ridge(['study', 'list', dir, '--json']).stdout) as StudySummaryView[];
    expect(before.map((s) => [s.id, s.status])).toEqual([[studyId, 'running']]);
    const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { id: string; status: string }[];
    expect(rows.find((r) => r.id === first.run_id)!.status).toBe('interrupted');

    const r = ridge(['study', 'resume', dir, studyId, '--json'], { timeout: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `study ${studyId}: 4 run(s) continue from their last checkpoint, 0 start again`,
    );
    const doc = JSON.parse(r.stdout) as StudyDocument;
    expect(doc.study.status).toBe('done');
    expect(doc.arms.map((a) => a.runs)).toEqual([2, 2]);
    expect(doc.verdicts[0]!.sentence).toMatch(/^L2 1e-4 /);
    // Continued from the checkpoint: epoch 1 of the interrupted run is the row stored before the kill.
    const epochs = query<{ epoch: number; seconds: number }>(
      'SELECT epoch, seconds FROM epoch_metric WHERE run_id = ? ORDER BY epoch',
      first.run_id,
    );
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[0]!.seconds).toBe(first.seconds);

    const again = ridge(['study', 'resume', dir, studyId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `study ${studyId} has nothing to resume: its runs are done or training in a live process`,
    );
  }, 400_000);

  it('a cancelled study starts its cancelled runs again; unknown ids are refused in the same words', async () => {
    const door = testDoor({ queue: { owner: thisProcessOwner(), adopt: true } });
    try {
      await dispatch(door.handlers, 'project.open', { dir });
      const started = await dispatch(door.handlers, 'runs.startCompare', {
        arms: [{ reg: 'none' }],
        seeds: 1,
        base: { epochs: 1, imgSize: 64, batchSize: 8 },
      });
      const { studyId, runIds } = (started as { value: { studyId: string; runIds: string[] } }).value;
      await dispatch(door.handlers, 'studies.cancel', { studyId });
      await door.session.queue.idle();
      const cancelled = await dispatch(door.handlers, 'studies.list', {});
      expect((cancelled as { value: StudySummaryView[] }).value.at(-1)!.status).toBe('cancelled');
      const res = await dispatch(door.handlers, 'studies.resume', { studyId });
      expect(res).toEqual({ ok: true, value: { resumed: [], restarted: runIds } });
      await door.session.queue.idle();
      const list = (await dispatch(door.handlers, 'studies.list', {})) as { value: StudySummaryView[] };
      expect(list.value.at(-1)!.status).toBe('done');

      const api = await dispatch(door.handlers, 'studies.resume', { studyId: 's-unknown' });
      expect(api.ok).toBe(false);
      const words = 'no study s-unknown in this project';
      expect(JSON.stringify(api)).toContain(words);
      const cli = ridge(['study', 'resume', dir, 's-unknown']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(words);
    } finally {
      await door.close();
    }
  }, 120_000);
});
