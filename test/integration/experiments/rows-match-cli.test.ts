import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultMap } from '../../../src/shared/api/contract';
import type { StudyDocument } from '../../../src/shared/api/runs-contract';
import { dispatch } from '../../../src/main/services/api/dispatch';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { STANDIN_TRAINER } from '../../helpers/paths';
import { testDoor } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';

// The numbers the views get (runs.rows, runs.compare) are those `ridge runs --json` prints for the same project.
const env = { RIDGE_TRAINER_ENTRY: STANDIN_TRAINER };
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '20'));
  expect(ridge(['compare', dir, '--arms', 'none,l2', '--seeds', '2', '--epochs', '2'], { env }).code).toBe(0);
});
afterAll(() => tmp.cleanup());

describe('runs rows in the views equal `ridge runs --json`', () => {
  it('runs.rows over the API returns exactly the CLI rows, and runs.start queues runs that the queue trains', async () => {
    const door = testDoor();
    const h = door.handlers;
    await dispatch(h, 'project.open', { dir });
    const cli = JSON.parse(ridge(['runs', dir, '--json']).stdout) as unknown[];
    const api = await dispatch(h, 'runs.rows', {});
    expect(api.ok).toBe(true);
    const table = (api as { value: { rows: unknown[] } }).value;
    expect(cli).toHaveLength(4);
    expect(table.rows).toEqual(cli);

    const cmp = await dispatch(h, 'runs.compare', { runIds: (cli as { id: string }[]).map((r) => r.id) });
    expect(cmp.ok).toBe(true);
    const v = (cmp as { value: ResultMap['runs.compare'] }).value;
    expect(v.arms.map((a) => [a.arm, a.runs])).toEqual([
      ['none', 2],
      ['l2=0.0005', 2],
    ]);
    // The study's one rule and words (seed-paired; the stand-in trainer stores no test detections: seeds only).
    expect(v.verdict[0]).toMatch(
      /^L2 5e-4 vs no regularization: no claim on test mAP50-95: .*2 seeds, seeds only/,
    );
    expect(v.verdict).toEqual(v.verdicts.map((x) => x.sentence));
    // The same runs read as their study give the same verdicts.
    const studyId = (cli as { study: string }[])[0]!.study;
    const shown = await dispatch(h, 'studies.show', { studyId });
    expect((shown as { value: StudyDocument }).value.verdicts).toEqual(v.verdicts);

    try {
      const started = await dispatch(h, 'runs.start', { configs: [{ reg: 'l2', lambda: 1e-3, epochs: 2 }] });
      expect(started.ok).toBe(true);
      await door.session.queue.idle();
      const after = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { arm: string; status: string }[];
      expect(after).toHaveLength(5);
      expect(after[4]).toMatchObject({ arm: 'l2=0.001', status: 'done' });
      const rows2 = await dispatch(h, 'runs.rows', {});
      expect((rows2 as { value: { rows: unknown[] } }).value.rows).toEqual(after);

      // A run with other settings (no robustness, as a plain run) is never pooled: it is named apart.
      const all = (after as unknown as { id: string }[]).map((r) => r.id);
      const mixed = (await dispatch(h, 'runs.compare', { runIds: all })) as {
        value: ResultMap['runs.compare'];
      };
      expect(mixed.value.comparable).toBe(false);
      expect(mixed.value.apart.map((a) => a.runId)).toEqual([all[4]]);
      expect(mixed.value.apart[0]!.differs).toContain('robustness true vs false');
      expect(mixed.value.arms.map((a) => a.runs)).toEqual([2, 2]);

      // Two runs of one seed in an arm cannot be paired by seed: said in plain words, no verdict by another rule.
      const twin = await dispatch(h, 'runs.start', {
        configs: [{ reg: 'none', epochs: 2, robustness: true, seed: 0 }],
      });
      expect(twin.ok).toBe(true);
      await door.session.queue.idle();
      const twinId = (twin as { value: { runIds: string[] } }).value.runIds[0]!;
      const unpaired = (await dispatch(h, 'runs.compare', { runIds: [...all.slice(0, 4), twinId] })) as {
        value: ResultMap['runs.compare'];
      };
      expect(unpaired.value.apart).toEqual([]);
      expect(unpaired.value.verdicts).toEqual([]);
      expect(unpaired.value.verdict).toEqual([
        'no verdict: no regularization has more than one run of seed 0, so its runs cannot be paired by seed ' +
          'with the baseline; select one run per seed and arm',
      ]);
    } finally {
      await door.close();
    }
  });

  it("runs.rows carries each run's stored robustness table, the one its mPC and rPC columns summarise", async () => {
    const door = testDoor();
    try {
      await dispatch(door.handlers, 'project.open', { dir });
      const p = door.session.project;
      const before = (await door.handlers['runs.rows']({})) as { robustness: Record<string, unknown> };
      expect(before.robustness).toEqual({});
      const id = p.runs.list()[1]!.id;
      const stored = {
        clean: 0.5,
        scores: [
          { corruption: 'jpeg', severity: 1, mAP50_95: 0.4 },
          { corruption: 'jpeg', severity: 5, mAP50_95: 0.2 },
        ],
        mPC: 0.3,
        rPC: 0.6,
        images: 4,
        seconds: 1.5,
      };
      p.tx(() => p.runs.setRobustness(id, stored));
      const after = await door.handlers['runs.rows']({});
      expect(Object.keys(after.robustness)).toEqual([id]);
      expect(after.robustness[id]).toEqual(stored);
      expect(after.rows.find((r) => r.id === id)).toMatchObject({ mPC: 0.3, rPC: 0.6 });
    } finally {
      await door.close();
    }
  });
});
