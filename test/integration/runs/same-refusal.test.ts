import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/services/api/dispatch';
import { Project } from '../../../src/main/services/project/project';
import { runConfigSchema } from '../../../src/shared/domain/run-config';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { STANDIN_TRAINER } from '../../helpers/paths';
import { testDoor } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';

// The same bad settings through both doors: `ridge train` / `ridge compare` flags, and the API's runs.start /
// runs.startCompare. Each is refused before any run is created, with the same message; the trainer's own guard
// judges a whole config by the same rules.
const env = { RIDGE_TRAINER_ENTRY: STANDIN_TRAINER };
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
let empty: string;
let door: ReturnType<typeof testDoor>;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '12'));
  empty = path.join(tmp.dir, 'empty');
  Project.init(empty).close();
  door = testDoor();
});
afterAll(async () => {
  await door.close();
  tmp.cleanup();
});

const TRAIN: [flags: string[], settings: Record<string, unknown>, says: RegExp][] = [
  [['--batch-size', '1'], { batchSize: 1 }, /batchSize: must be a whole number from 2 to 512/],
  [['--img-size', '100'], { imgSize: 100 }, /imgSize: must be a multiple of 16/],
  [['--img-size', '32'], { imgSize: 32 }, /imgSize: must be a whole number from 64 to 1280/],
  [['--reg', 'dropout', '--lambda', '1.5'], { reg: 'dropout', lambda: 1.5 }, /lambda: must be below 1/],
  [['--reg', 'none', '--lambda', '0.5'], { reg: 'none', lambda: 0.5 }, /'none' takes no strength/],
  [['--reg', 'l3'], { reg: 'l3' }, /reg: must be one of none, l2, wd, l1, dropout/],
  [['--lambda=-1', '--reg', 'l2'], { reg: 'l2', lambda: -1 }, /lambda: must be a number >= 0/],
  [
    ['--backbone', 'mobilenetv2', '--img-size', '208'],
    { backbone: 'mobilenetv2', imgSize: 208 },
    /multiple of 32/,
  ],
  [['--backbone', 'resnet'], { backbone: 'resnet' }, /backbone: must be one of scratch, mobilenetv2/],
  [['--lr', '2'], { learningRate: 2 }, /learningRate: must be above 0 and below 1/],
  [['--epochs', '0'], { epochs: 0 }, /epochs: must be a whole number from 1 to 10000/],
  [['--width', '5'], { widthMultiplier: 5 }, /widthMultiplier: must be above 0 and at most 4/],
  [['--backend', 'tpu'], { backend: 'tpu' }, /backend: must be one of auto/],
  [['--seed=-1'], { seed: -1 }, /seed: must be a whole number from 0/],
  [['--max-det', '0'], { maxDet: 0 }, /maxDet: must be a whole number from 1 to 10000/],
  [['--max-det', '2.5'], { maxDet: 2.5 }, /maxDet: must be a whole number from 1 to 10000/],
];

/** Runs the project holds, read through the test's own door (another connection to the same database). */
function runCount(): number {
  return door.session.project.runs.list().length;
}

async function apiRefusal(method: 'runs.start' | 'runs.startCompare', args: unknown): Promise<string> {
  const r = await dispatch(door.handlers, method, args);
  if (r.ok) throw new Error(`${method} accepted ${JSON.stringify(args)}`);
  return r.error.message;
}

function cliRefusal(args: string[]): string {
  const r = ridge(args, { env });
  expect(r.code, r.stderr).toBe(1);
  return /^error: (.*)$/m.exec(r.stderr)![1]!;
}

describe('the same refusal from every door', () => {
  it.each(TRAIN)(
    'train %j: CLI and API refuse with the same words, and no run is created',
    async (flags, s, says) => {
      door.session.use(dir);
      const before = runCount();
      const api = await apiRefusal('runs.start', { configs: [s] });
      expect(api).toMatch(says);
      expect(cliRefusal(['train', dir, ...flags])).toBe(api);
      expect(runCount()).toBe(before);
      // The trainer's guard: the whole config (defaults filled in) fails on the same rule.
      const guard = runConfigSchema.safeParse({ ...DEFAULT_RUN_CONFIG, lambda: 0, ...s });
      expect(guard.success).toBe(false);
      expect(api).toContain(guard.error!.issues[0]!.message);
    },
  );

  it.each([
    [
      ['--arms', 'dropout=1.5'],
      { arms: [{ reg: 'dropout', lambda: 1.5 }], seeds: 3 },
      /arms\.0\.lambda: must be below 1/,
    ],
    [
      ['--arms', 'none,l2', '--img-size', '90'],
      { arms: [{ reg: 'none' }, { reg: 'l2' }], seeds: 3, base: { imgSize: 90 } },
      /base\.imgSize/,
    ],
    [
      ['--arms', 'l2=1e-3,l2=0.001'],
      {
        arms: [
          { reg: 'l2', lambda: 1e-3 },
          { reg: 'l2', lambda: 0.001 },
        ],
        seeds: 3,
      },
      /listed twice/,
    ],
    [
      ['--arms', 'none', '--seeds', '2', '--max-det', 'many'],
      { arms: [{ reg: 'none' }], seeds: 2, base: { maxDet: 'many' } },
      /base\.maxDet/,
    ],
    [
      ['--arms', 'none', '--seeds', '2', '--batch-size', '1'],
      { arms: [{ reg: 'none' }], seeds: 2, base: { batchSize: 1 } },
      /base\.batchSize/,
    ],
  ] as const)(
    'compare %j: CLI and API refuse with the same words, and no run is created',
    async (flags, args, says) => {
      door.session.use(dir);
      const before = runCount();
      const api = await apiRefusal('runs.startCompare', args);
      expect(api).toMatch(says);
      expect(cliRefusal(['compare', dir, ...flags])).toBe(api);
      expect(runCount()).toBe(before);
    },
  );

  it('too little data: the same refusal from `ridge train`, `ridge compare` and the API, before any run', async () => {
    door.session.use(empty);
    const api = await apiRefusal('runs.start', { configs: [{}] });
    // The one data rule (services/runs/data-checks.ts), every problem named: no classes, no labeled training
    // images, no boxes in val or test.
    expect(api).toMatch(
      /^cannot train: the project has no classes: .*; not enough labeled data to train: 0 training images with boxes .*; the val split has no images with boxes .*; the test split has no images with boxes /,
    );
    expect(cliRefusal(['train', empty])).toBe(api);
    expect(cliRefusal(['compare', empty, '--arms', 'none', '--seeds', '1'])).toBe(api);
    expect(await apiRefusal('runs.startCompare', { arms: [{ reg: 'none' }], seeds: 1 })).toBe(api);
    expect(JSON.parse(ridge(['runs', empty, '--json']).stdout)).toEqual([]);
  });
});
