import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prelabel } from '../../../src/main/services/labeling/prelabel';
import { Project } from '../../../src/main/services/project/project';
import { freezeManifest } from '../../../src/main/services/runs/manifest';
import { runDir } from '../../../src/main/services/runs/runs';
import type { Predictor } from '../../../src/main/services/runs/predict-host';
import { runTestEval, TEST_EVAL_FILE } from '../../../src/main/services/runs/test-eval';
import { trainerProcessPredictor } from '../../../src/main/services/runs/predict-host';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import type { makeTmpDir } from '../../helpers/tmp';

// The predictor `ridge serve` composes (the engine in a forked trainer process).
const enginePredictor = trainerProcessPredictor();

// A real tiny model: `ridge train` for 1 epoch at 96 px on tfjs-node (a few seconds), then pre-label and the
// test-split evaluation with the server's predictor (predictImages in a trainer process); plus an injected
// predictor for exact assertions.
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
let runId: string;
let p: Project;
let unlabeled: number[];
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '24'));
  const t = ridge(['train', dir, '--epochs', '1', '--img-size', '96', '--backend', 'tfjs-node', '--json'], {
    env: { TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  expect(t.code, t.stderr).toBe(0);
  runId = (JSON.parse(t.stdout) as { id: string }).id;
  p = Project.open(dir);
  // Three train images become unlabeled (their boxes removed), as if newly imported.
  unlabeled = p.images
    .all()
    .filter((i) => i.split === 'train')
    .slice(0, 3)
    .map((i) => i.id);
  p.tx(() => {
    for (const id of unlabeled) {
      for (const a of p.annotations.forImage(id)) p.annotations.remove(a.id);
      p.images.setStatus(id, 'unlabeled');
    }
  });
}, 180_000);
afterAll(() => {
  p?.close();
  tmp.cleanup();
});

describe('pre-label with a run', () => {
  it('stores the real model predictions as pending boxes that are not ground truth', async () => {
    const before = { stats: p.stats(), manifest: JSON.stringify(freezeManifest(p)) };
    const r = await prelabel(p, runId, { scoreThreshold: 0, predict: enginePredictor });
    expect(r.images).toBeGreaterThan(0);
    expect(r.boxes).toBeGreaterThan(0);
    const boxes = unlabeled.flatMap((id) => p.annotations.forImage(id));
    expect(boxes.length).toBe(r.boxes);
    expect(boxes.every((b) => b.state === 'pending' && b.source === 'predicted' && b.score !== null)).toBe(
      true,
    );
    expect(p.stats()).toEqual(before.stats);
    expect(JSON.stringify(freezeManifest(p))).toBe(before.manifest);
    expect(unlabeled.map((id) => p.images.byId(id)!.status)).toEqual(['unlabeled', 'unlabeled', 'unlabeled']);
    // Again: images that already carry pending boxes are skipped, nothing doubles.
    const again = await prelabel(p, runId, { scoreThreshold: 0, predict: enginePredictor });
    expect(again).toMatchObject({ boxes: 0, skippedImages: r.images });
  });

  it('keeps only boxes above the score, maps classes by name and clips to the image (injected predictor)', async () => {
    const q = Project.open(dir);
    const img = p.images.byId(unlabeled[0]!)!;
    q.tx(() => {
      for (const a of q.annotations.forImage(img.id)) q.annotations.remove(a.id);
    });
    const predict: Predictor = async (_m, images) => [
      { imageId: images[0]!.id, classIndex: 1, x: -5, y: 0, w: 20, h: 20, score: 0.9 },
      { imageId: images[0]!.id, classIndex: 0, x: 10, y: 10, w: 5, h: 5, score: 0.1 },
    ];
    const r = await prelabel(q, runId, { scoreThreshold: 0.5, limit: 1, predict });
    expect(r).toMatchObject({ images: 1, boxes: 1, missingClasses: [] });
    const [b] = q.annotations.forImage(img.id);
    expect(b).toMatchObject({ x: 0, w: 15, state: 'pending', score: 0.9 });
    expect(q.classes.byId(b!.classId)!.name).toBe(q.classes.list()[1]!.name);
    q.close();
  });

  it('evaluates a run on its frozen test split: per-class AP and PR curves, cached in the run folder', async () => {
    const e = await runTestEval(p, runId, enginePredictor);
    expect(e.perClass.length).toBe(e.classes.length);
    expect(e.recallThresholds).toHaveLength(101);
    expect(e.perClass.every((c) => c.precision50.length === 101)).toBe(true);
    expect(e.images.length).toBeGreaterThan(0);
    expect(existsSync(path.join(runDir(p, runId), TEST_EVAL_FILE))).toBe(true);
    expect(await runTestEval(p, runId, () => Promise.reject(new Error('cached: never called')))).toEqual(e);
  });
});
