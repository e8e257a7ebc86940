import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyDocument, StudySummaryView } from '../../../src/shared/api/runs-contract';
import { dispatch } from '../../../src/main/services/api/dispatch';
import { thisProcessOwner } from '../../../src/main/services/runs/lease';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { testDoor } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';

// Studies with the real trainer (tiny: 24 images, 64 px, 1 epoch): the CLI and the API make the same records and
// read back the same numbers.
const TINY = ['--epochs', '1', '--img-size', '64', '--batch-size', '8'];
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
let cliDoc: StudyDocument;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '24'));
  const c = ridge(['compare', dir, '--arms', 'none,l2=1e-4', '--seeds', '2', ...TINY, '--json']);
  expect(c.code, c.stderr).toBe(0);
  cliDoc = JSON.parse(c.stdout) as StudyDocument;
}, 180_000);
afterAll(() => tmp.cleanup());

describe('study records', () => {
  it('ridge compare stores a study whose document the API reads back with the same numbers', async () => {
    expect(cliDoc.study.status).toBe('done');
    expect(cliDoc.comparable).toBe(true);
    expect(cliDoc.arms.map((a) => [a.arm, a.reg, a.lambda, a.runs])).toEqual([
      ['none', 'none', 0, 2],
      ['l2=0.0001', 'l2', 1e-4, 2],
    ]);
    expect(cliDoc.study.resamples).toBe(1000);
    // The primary metric, then the secondary families: a comparison scores robustness (mPC) and every run saliency.
    expect(cliDoc.verdicts.map((v) => v.metric)).toEqual(['testMAP50_95', 'mPC', 'saliencyInBox']);
    for (const v of cliDoc.verdicts) expect(v.sentence).toMatch(/^L2 1e-4 /);
    expect(cliDoc.arms.every((a) => a.mPC.n === 2 && a.saliencyInBox.n === 2)).toBe(true);
    const door = testDoor({ queue: { owner: thisProcessOwner(), adopt: true } });
    try {
      await dispatch(door.handlers, 'project.open', { dir });
      const shown = await dispatch(door.handlers, 'studies.show', { studyId: cliDoc.study.id });
      expect(shown.ok).toBe(true);
      const apiDoc = (shown as { value: StudyDocument }).value;
      expect(JSON.parse(JSON.stringify({ ...apiDoc, report: null }))).toEqual({ ...cliDoc, report: null });
      const cliShow = ridge(['study', 'show', dir, cliDoc.study.id, '--json']);
      expect(cliShow.code).toBe(0);
      expect({ ...(JSON.parse(cliShow.stdout) as StudyDocument), report: null }).toEqual({
        ...cliDoc,
        report: null,
      });
      const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { study: string | null }[];
      expect(rows.map((r) => r.study)).toEqual(new Array(4).fill(cliDoc.study.id));
    } finally {
      await door.close();
    }
  });

  it('runs.startCompare makes a study the CLI lists; one seed is too few; deleting takes its runs', async () => {
    const door = testDoor({ queue: { owner: thisProcessOwner(), adopt: true } });
    try {
      await dispatch(door.handlers, 'project.open', { dir });
      const started = await dispatch(door.handlers, 'runs.startCompare', {
        arms: [{ reg: 'none' }, { reg: 'wd', lambda: 1e-2 }],
        seeds: 1,
        base: { epochs: 1, imgSize: 64, batchSize: 8 },
      });
      expect(started.ok).toBe(true);
      const { studyId, runIds } = (started as { value: { studyId: string; runIds: string[] } }).value;
      await door.session.queue.idle();
      const list = JSON.parse(ridge(['study', 'list', dir, '--json']).stdout) as StudySummaryView[];
      expect(list.map((s) => [s.id, s.status])).toEqual([
        [cliDoc.study.id, 'done'],
        [studyId, 'done'],
      ]);
      expect(list[1]!.runIds).toEqual(runIds);
      const doc = JSON.parse(ridge(['study', 'show', dir, studyId, '--json']).stdout) as StudyDocument;
      expect(doc.verdicts[0]!.sentence).toContain('too few seeds to claim anything');
      expect(doc.verdicts[0]!.claim).toBe(false);

      const del = await dispatch(door.handlers, 'studies.delete', { studyId });
      expect((del as { value: { deleted: string[] } }).value.deleted.sort()).toEqual([...runIds].sort());
      const gone = ridge(['study', 'show', dir, studyId]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`no study ${studyId} in this project`);
      const api = await dispatch(door.handlers, 'studies.show', { studyId });
      expect(api.ok).toBe(false);
      expect(JSON.stringify(api)).toContain(`no study ${studyId} in this project`);
      expect((JSON.parse(ridge(['runs', dir, '--json']).stdout) as unknown[]).length).toBe(4);
    } finally {
      await door.close();
    }
  }, 120_000);
});
