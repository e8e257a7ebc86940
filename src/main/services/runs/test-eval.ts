import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalBox, RunTestEval } from '../../../shared/api/runs-contract';
import { cocoGroundTruth } from '../../trainer/ground-truth';
import { type CocoDetection, evaluateCoco } from '../../trainer/metrics';
import type { Manifest } from '../../trainer/protocol';
import type { Predictor } from './predict-host';
import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';
import { hasModel, modelDirOf } from './run-files';
import { runDir } from './runs';

/** Lowest score kept for the viewer: PR curves need the tail, the slider cuts above it. */
export const EVAL_MIN_SCORE = 0.05;
/** Cache file of a run's test evaluation (the model and the frozen manifest never change after a run is done). */
export const TEST_EVAL_FILE = 'test-eval.json';

/**
 * A done run's evaluation on the test split of its frozen manifest: predictions of its exported model, per-class
 * AP and the PR curves at IoU .5 from the metrics module. Computed once, then read from the run's folder.
 */
export async function runTestEval(p: Project, runId: string, predict: Predictor): Promise<RunTestEval> {
  const run = p.runs.byId(runId);
  if (!run) throw new UserError(`no run ${runId} in this project`);
  const cache = path.join(runDir(p, runId), TEST_EVAL_FILE);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as RunTestEval;
  if (run.status !== 'done' || !hasModel(p, runId))
    throw new UserError(
      `run ${runId} has no trained model (status ${run.status}); only done runs can be evaluated`,
    );
  const m = JSON.parse(readFileSync(path.join(runDir(p, runId), 'manifest.json'), 'utf8')) as Manifest;
  const test = m.images.filter((i) => i.split === 'test');
  if (test.length === 0)
    throw new UserError('the run has no test images: its manifest has an empty test split');
  const preds = await predict(
    modelDirOf(p, runId),
    test.map((i) => ({ id: i.id, file: i.file })),
    { scoreThreshold: EVAL_MIN_SCORE },
  );
  const dets: CocoDetection[] = preds.map((d) => ({
    image_id: d.imageId,
    category_id: d.classIndex + 1,
    bbox: [d.x, d.y, d.w, d.h],
    score: d.score,
  }));
  const res = evaluateCoco(cocoGroundTruth(m.classes, test), dets, { curveIouThresholds: [0.5] });
  const byImage = new Map<number, EvalBox[]>();
  for (const d of preds) {
    const list = byImage.get(d.imageId) ?? [];
    list.push({ classIndex: d.classIndex, x: d.x, y: d.y, w: d.w, h: d.h, score: d.score });
    byImage.set(d.imageId, list);
  }
  const out: RunTestEval = {
    runId,
    classes: m.classes,
    recallThresholds: res.recallThresholds,
    perClass: res.perClass.map((c) => ({
      name: c.name,
      AP: c.AP,
      AP50: c.AP50,
      numGt: c.numGt,
      precision50: c.curves.find((k) => Math.abs(k.iouThreshold - 0.5) < 1e-9)?.precision ?? [],
    })),
    images: test.map((i) => ({
      id: i.id,
      width: i.width,
      height: i.height,
      gt: i.boxes.map((b) => ({ classIndex: b.classIndex, x: b.x, y: b.y, w: b.w, h: b.h })),
      predictions: byImage.get(i.id) ?? [],
    })),
    minScore: EVAL_MIN_SCORE,
  };
  writeFileSync(cache, JSON.stringify(out));
  return out;
}
