import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src/main/services/project/project';
import { renameRun, runName } from '../../../src/main/services/runs/run-files';
import { createRun } from '../../../src/main/services/runs/runs';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';
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

describe('run names', () => {
  it('are stored in the project database, survive reopening, and clear with an empty name', () => {
    const run = createRun(p, DEFAULT_RUN_CONFIG);
    expect(runName(p, run.id)).toBeNull();
    expect(renameRun(p, run.id, '  baseline, lr 2e-3 ')).toBe('baseline, lr 2e-3');
    p.close();
    p = Project.open(path.join(tmp.dir, 'p'));
    expect(runName(p, run.id)).toBe('baseline, lr 2e-3');
    expect(renameRun(p, run.id, '   ')).toBeNull();
    expect(runName(p, run.id)).toBeNull();
    expect(() => renameRun(p, 'r-nope', 'x')).toThrow(/no run r-nope/);
  });
});
