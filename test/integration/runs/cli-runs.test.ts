import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { STANDIN_TRAINER } from '../../helpers/paths';
import type { makeTmpDir } from '../../helpers/tmp';

// The CLI plumbing of train / compare / runs, with the stand-in trainer (the real engine has its own tests).
const env = { RIDGE_TRAINER_ENTRY: STANDIN_TRAINER };
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '20'));
});
afterAll(() => tmp.cleanup());

describe('ridge train / compare / runs', () => {
  it('train stores a run and prints it; runs --json lists it with every documented field', () => {
    const t = ridge(['train', dir, '--reg', 'l2', '--lambda', '1e-3', '--epochs', '2'], { env });
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/l2=0.001 .*done .*test mAP50 0.800/);
    const r = ridge(['runs', dir, '--json'], { env });
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      [
        'arm',
        'backend',
        'backendReasons',
        'bestEpoch',
        'durationS',
        'endedAt',
        'epochs',
        'failReason',
        'gap',
        'id',
        'imgSize',
        'lambda',
        'mAP50',
        'mAP50_95',
        'manifestHash',
        'reg',
        'seed',
        'startedAt',
        'status',
        'testMAP50',
        'testMAP50_95',
        'weightNorm',
      ].sort(),
    );
    expect(rows[0]).toMatchObject({
      status: 'done',
      reg: 'l2',
      lambda: 0.001,
      mAP50: 0.1,
      testMAP50: 0.8,
      weightNorm: 9,
    });
    expect(rows[0]!.gap).toBeCloseTo(0.6 - 0.5, 10);
  });

  it('refuses a backbone it does not know, and a MobileNetV2 size that is not a multiple of 32, before any run', () => {
    const before = JSON.parse(ridge(['runs', dir, '--json']).stdout) as unknown[];
    const a = ridge(['train', dir, '--backbone', 'resnet'], { env });
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/backbone: must be one of scratch, mobilenetv2/);
    const b = ridge(['train', dir, '--backbone', 'mobilenetv2', '--img-size', '208'], { env });
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/imgSize: must be a multiple of 32 with the mobilenetv2 backbone/);
    expect(JSON.parse(ridge(['runs', dir, '--json']).stdout)).toHaveLength(before.length);
  });

  it('a failing run exits 2 with its reason', () => {
    const t = ridge(['train', dir, '--epochs', '1'], { env: { ...env, RIDGE_STANDIN: 'crash' } });
    expect(t.code).toBe(2);
    expect(t.stdout + t.stderr).toMatch(/native library exploded/);
  });

  it('compare runs every arm over every seed on one manifest, prints the table and a verdict, writes report.html', () => {
    const c = ridge(['compare', dir, '--arms', 'none,l2=5e-4', '--seeds', '2', '--epochs', '2', '--json'], {
      env,
    });
    expect(c.code, c.stderr).toBe(0);
    const res = JSON.parse(c.stdout) as {
      runs: string[];
      verdict: string[];
      report: string;
      arms: { arm: string; runs: number }[];
    };
    expect(res.runs).toHaveLength(4);
    expect(res.arms.map((a) => [a.arm, a.runs])).toEqual([
      ['none', 2],
      ['l2=0.0005', 2],
    ]);
    // identical stand-in results: zero spread and zero difference -> no claim
    expect(res.verdict[0]).toMatch(/^l2=0.0005 vs none: no claim/);
    expect(existsSync(res.report)).toBe(true);
    const html = readFileSync(res.report, 'utf8');
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script src=/);
    const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { manifestHash: string; arm: string }[];
    const compared = rows.filter((r) => res.runs.includes((r as unknown as { id: string }).id));
    expect(new Set(compared.map((r) => r.manifestHash)).size).toBe(1);
  });
});
