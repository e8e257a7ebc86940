import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  trainerProcessAnalyzer,
  trainerProcessPredictor,
} from '../../../src/main/services/runs/predict-host';
import { RANKED_DETECTIONS, type RunRowView } from '../../../src/shared/api/runs-contract';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { testDoor } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';

// Robustness and saliency through the real trainer: stored by training when asked, on demand for a finished run
// (`ridge robustness`, runs.robustness), and one detection's map (runs.saliency).
const env = { TF_CPP_MIN_LOG_LEVEL: '2' };
const tiny = ['--epochs', '1', '--img-size', '96', '--backend', 'tfjs-node', '--json'];
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
const rows = () => JSON.parse(ridge(['runs', dir, '--json']).stdout) as RunRowView[];
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '30', '--seed', '3'));
});
afterAll(() => tmp.cleanup());

describe('robustness and saliencyInBox of runs', () => {
  let robust: string;
  let plain: string;

  it('a run with --robustness on stores mPC, rPC and saliencyInBox; ridge runs shows them', () => {
    const t = ridge(['train', dir, ...tiny, '--robustness', 'on'], { env });
    expect(t.code, t.stderr).toBe(0);
    robust = (JSON.parse(t.stdout) as { id: string }).id;
    const row = rows().find((r) => r.id === robust)!;
    expect(row.mPC).toBeGreaterThanOrEqual(0);
    expect(row.saliencyInBox).toBeGreaterThan(0);
    if (row.testMAP50_95! > 0) expect(row.rPC).toBeCloseTo(row.mPC! / row.testMAP50_95!, 9);
    const human = ridge(['runs', dir]).stdout;
    expect(human).toMatch(/test mAP50-95 +mPC/);
    expect(human).toContain(row.mPC!.toFixed(3));
  }, 180_000);

  it('a run without it has saliencyInBox but no mPC, until ridge robustness measures and stores it', () => {
    const t = ridge(['train', dir, ...tiny, '--seed', '1'], { env });
    expect(t.code, t.stderr).toBe(0);
    plain = (JSON.parse(t.stdout) as { id: string }).id;
    expect(rows().find((r) => r.id === plain)).toMatchObject({ mPC: null, rPC: null });
    expect(rows().find((r) => r.id === plain)!.saliencyInBox).toBeGreaterThan(0);

    const r = ridge(['robustness', dir, '--run', plain], { env });
    expect(r.code, r.stderr).toBe(0);
    for (const c of ['gaussian_noise', 'gaussian_blur', 'brightness', 'contrast', 'jpeg'])
      expect(r.stdout).toContain(c);
    expect(r.stdout).toMatch(/sev 1 +sev 3 +sev 5/);
    const row = rows().find((x) => x.id === plain)!;
    expect(row.mPC).toBeGreaterThanOrEqual(0);
    expect(r.stdout).toContain(`mPC ${(row.mPC! * 100).toFixed(1)}`);
  }, 240_000);

  it('refuses an unknown run, a missing --run and a bad setting, naming what is wrong', () => {
    const unknown = ridge(['robustness', dir, '--run', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no run nope in this project');
    const missing = ridge(['robustness', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--run <id> is required');
    const bad = ridge(['train', dir, ...tiny, '--robustness', 'maybe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('must be true or false');
  });

  it('runs.saliency maps one detection of a test image over the image as the model saw it', async () => {
    const door = testDoor({ analyzer: trainerProcessAnalyzer(), predictor: trainerProcessPredictor() });
    try {
      await door.handlers['project.open']({ dir });
      const ev = await door.handlers['runs.testEval']({ runId: robust });
      const image = ev.images.find((i) => i.gt.length > 0)!;
      const m = await door.handlers['runs.saliency']({ runId: robust, imageId: image.id, detection: 0 });
      expect(m.values).toHaveLength(m.width * m.height);
      expect(Math.max(...m.values)).toBe(255);
      expect(Math.max(m.width, m.height)).toBe(96);
      expect(m.inBox).toBeGreaterThan(0);
      // The image's detections, best first, so a viewer offers them by class and score; the first is the map's.
      expect(m.ranked).toHaveLength(Math.min(m.detections, RANKED_DETECTIONS));
      expect(m.ranked[0]).toEqual(m.detection);
      for (let i = 1; i < m.ranked.length; i++)
        expect(m.ranked[i]!.score).toBeLessThanOrEqual(m.ranked[i - 1]!.score);
      await expect(
        door.handlers['runs.saliency']({ runId: robust, imageId: 999_999, detection: 0 }),
      ).rejects.toThrow(`image 999999 is not in the data run ${robust} was trained on`);
    } finally {
      await door.close();
    }
  }, 120_000);
});
