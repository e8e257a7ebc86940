import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalOnTest, predictOnTest, ridge, ridgeSampleProject } from '../../helpers/cli';
import type { makeTmpDir } from '../../helpers/tmp';

// The real engine end to end through the CLI: train in a child process, predict, and score with ridge eval.
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '30', '--seed', '2'));
});
afterAll(() => tmp.cleanup());

describe('ridge train -> predict -> eval on the native backend', () => {
  it('trains a tiny run, exports its model, predicts on the test images and evaluates them', () => {
    const t = ridge(['train', dir, '--epochs', '2', '--img-size', '96', '--backend', 'tfjs-node', '--json'], {
      env: { TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    expect(t.code, t.stderr).toBe(0);
    const run = JSON.parse(t.stdout) as {
      id: string;
      status: string;
      backend: string;
      testMetrics: Record<string, number>;
    };
    expect(run).toMatchObject({ status: 'done', backend: 'tfjs-node' });
    expect(Object.keys(run.testMetrics)).toEqual(expect.arrayContaining(['AP', 'AP50', 'AP75', 'AR100']));
    expect(existsSync(path.join(dir, 'runs', run.id, 'model', 'model.json'))).toBe(true);
    const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as {
      epochs: number;
      bestEpoch: number;
      weightNorm: number;
    }[];
    expect(rows[0]!.weightNorm).toBeGreaterThan(0);

    const exp = path.join(tmp.dir, 'coco');
    expect(ridge(['export', dir, '--format', 'coco', '--to', exp]).code).toBe(0);
    const out = path.join(tmp.dir, 'dets.json');
    const env = { TF_CPP_MIN_LOG_LEVEL: '2' };
    predictOnTest(dir, run.id, exp, out, { env });
    const dets = JSON.parse(readFileSync(out, 'utf8')) as {
      image_id: number;
      file_name: string;
      bbox: number[];
    }[];
    const gt = JSON.parse(readFileSync(path.join(exp, 'annotations', 'instances_test.json'), 'utf8')) as {
      images: { id: number; file_name: string }[];
    };
    const gtIds = new Set(gt.images.map((i) => i.id));
    expect(dets.every((d) => gtIds.has(d.image_id) && d.bbox.length === 4)).toBe(true);
    const stats = evalOnTest(exp, out);
    // predict decodes as the run's test evaluation did (flip-averaged, same letterbox and NMS): same figures.
    expect(stats.AP50).toBeCloseTo(run.testMetrics.AP50!, 6);
    expect(stats.AP).toBeCloseTo(run.testMetrics.AP!, 6);

    // --no-tta: one pass per image, so other scores.
    const plainOut = path.join(tmp.dir, 'dets-plain.json');
    predictOnTest(dir, run.id, exp, plainOut, { env, extra: ['--no-tta'] });
    const scores = (f: string) =>
      (JSON.parse(readFileSync(f, 'utf8')) as { score: number }[]).map((d) => d.score.toFixed(6)).sort();
    expect(scores(plainOut)).not.toEqual(scores(out));
  }, 240_000);
});
