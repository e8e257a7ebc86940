import type { PrelabelReport } from '../../../shared/api/runs-contract';
import { clipBoxToImage } from '../../../shared/geometry';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  COCO_CLASSES,
  cocoMappingProblem,
  suggestCocoMapping,
  type CocoMapping,
} from '../../../shared/domain/coco-classes';
import type { Manifest } from '../../trainer/protocol';
import { nanoDetUnavailableReason } from '../../trainer/model/nanodet-package';
import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';
import { hasModel, modelDirOf } from '../runs/run-files';
import { runDir } from '../runs/runs';
import type { PredictOptions, Predictor } from '../runs/predict-host';

/** Options of a pre-label pass. */
export interface PrelabelOptions {
  /** Keep predictions scoring at least this. */
  scoreThreshold: number;
  /** At most this many unlabeled images (oldest first). */
  limit?: number;
  /** The engine's predictImages (the front door supplies it) or a test's stand-in. */
  predict: Predictor;
}

/**
 * "Pre-label with run X": the run's model predicts boxes on unlabeled images, stored as PENDING predictions
 * (source 'predicted', state 'pending', score). Nothing pending is ground truth: stats, exports and manifests
 * skip pending boxes, and an image stays unlabeled until a person accepts one. Images that already carry pending
 * boxes are skipped, so running it twice never doubles them.
 */
export async function prelabel(p: Project, runId: string, opts: PrelabelOptions): Promise<PrelabelReport> {
  const run = p.runs.byId(runId);
  if (!run) throw new UserError(`no run ${runId} in this project`);
  if (run.status !== 'done' || !hasModel(p, runId))
    throw new UserError(`run ${runId} has no trained model (status ${run.status}); pick a done run`);
  const m = JSON.parse(readFileSync(path.join(runDir(p, runId), 'manifest.json'), 'utf8')) as Manifest;
  const classIds = m.classes.map((name) => p.classes.byName(name)?.id);
  const missingClasses = m.classes.filter((_n, i) => classIds[i] === undefined);
  const report = await predictPending(p, modelDirOf(p, runId), {}, classIds, opts);
  return { ...report, missingClasses };
}

/**
 * "Pre-label with the COCO detector", before any training: the COCO-pretrained NanoDet predicts on unlabeled
 * images and its classes become the project's through `map` (COCO name to project class; when absent, the
 * names that match by suggestCocoMapping). Stored as pending boxes exactly as `prelabel` stores a run's; COCO
 * classes left out of the mapping are not stored.
 */
export async function prelabelWithCoco(
  p: Project,
  map: CocoMapping | undefined,
  opts: PrelabelOptions,
): Promise<PrelabelReport> {
  const names = p.classes.list().map((c) => c.name);
  const mapping = map ?? suggestCocoMapping(names);
  const problem = cocoMappingProblem(mapping, names) ?? nanoDetUnavailableReason();
  if (problem) throw new UserError(`cannot pre-label with the COCO model: ${problem}`);
  const classIds = COCO_CLASSES.map((c) => {
    const own = mapping[c];
    return own === undefined ? undefined : p.classes.byName(own)?.id;
  });
  const report = await predictPending(p, '', { builtin: 'coco-nanodet' }, classIds, opts);
  return { ...report, missingClasses: [], cocoMapping: mapping };
}

/**
 * Predicts on the unlabeled images that carry no pending box yet (the oldest `limit` of them) and stores each
 * box whose model class has a project class (`classIds`, by the model's class index) as a pending prediction,
 * in one transaction.
 */
async function predictPending(
  p: Project,
  modelDir: string,
  predictOpts: Pick<PredictOptions, 'builtin'>,
  classIds: (number | undefined)[],
  opts: PrelabelOptions,
): Promise<Omit<PrelabelReport, 'missingClasses'>> {
  const candidates = p.images.all().filter((i) => i.status === 'unlabeled');
  const fresh = candidates.filter((i) => !p.annotations.forImage(i.id).some((a) => a.state === 'pending'));
  const chosen = fresh.slice(0, opts.limit ?? fresh.length);
  const byId = new Map(chosen.map((i) => [i.id, i]));
  const preds = chosen.length
    ? await opts.predict(
        modelDir,
        chosen.map((i) => ({ id: i.id, file: p.imagePath(i) })),
        { ...predictOpts, scoreThreshold: opts.scoreThreshold },
      )
    : [];
  let boxes = 0;
  const touched = new Set<number>();
  p.tx(() => {
    for (const d of preds) {
      const img = byId.get(d.imageId);
      const classId = classIds[d.classIndex];
      if (!img || classId === undefined || d.score < opts.scoreThreshold) continue;
      const r = clipBoxToImage(d, img.width, img.height);
      if (r.kind === 'dropped') continue;
      p.annotations.insert({
        imageId: img.id,
        classId,
        ...r.box,
        difficult: false,
        truncated: false,
        source: 'predicted',
        score: d.score,
        state: 'pending',
      });
      boxes++;
      touched.add(img.id);
    }
  });
  return {
    images: touched.size,
    boxes,
    imageIds: [...touched],
    skippedImages: candidates.length - fresh.length,
  };
}
