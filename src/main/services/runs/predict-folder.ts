import path from 'node:path';
import type { PredictReport } from '../../../shared/api/runs-contract';
import type { BackendRequest } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import { fsSource, walkFiles } from '../datasets/formats/source';
import { isImageFile } from '../datasets/formats/paths';
import { hashFile } from '../images/hash';
import type { Project } from '../project/project';
import type { Predictor } from './predict-host';
import { modelDirOf } from './run-files';

/** What to predict on: a done run, a folder of images on this machine, and how to decode. */
export interface PredictFolderRequest {
  runId: string;
  images: string;
  scoreThreshold: number;
  backend?: string;
  flipTta?: boolean;
}

/**
 * Detections of a done run's model on every image of a folder (the predictor runs the engine in a trainer
 * process), in the COCO results format. image_id is the project's image id (as in its COCO export) when the
 * file's content is in the project; other images get ids above every project id. file_name and category_name
 * are added so either can be matched.
 */
export async function predictFolder(
  p: Project,
  req: PredictFolderRequest,
  predict: Predictor,
): Promise<PredictReport> {
  const run = p.runs.byId(req.runId);
  if (!run) throw new UserError(`no run ${req.runId} in this project`);
  if (run.status !== 'done')
    throw new UserError(`run ${run.id} is ${run.status}; only a finished run has a model`);
  const dir = path.resolve(req.images);
  const files = walkFiles(fsSource(dir), '').filter(isImageFile);
  if (files.length === 0) throw new UserError(`no images in ${dir}`, dir);
  let nextId = Math.max(0, ...p.images.all().map((i) => i.id)) + 1;
  const images: { id: number; file: string; fileName: string }[] = [];
  for (const f of files) {
    const abs = path.join(dir, f);
    const known = p.images.bySha(await hashFile(abs))[0];
    images.push({ id: known?.id ?? nextId++, file: abs, fileName: f });
  }
  const dets = await predict(
    modelDirOf(p, run.id),
    images.map(({ id, file }) => ({ id, file })),
    {
      scoreThreshold: req.scoreThreshold,
      ...(req.backend ? { backend: req.backend as BackendRequest } : {}),
      ...(req.flipTta !== undefined ? { flipTta: req.flipTta } : {}),
    },
  );
  const names = new Map(images.map((i) => [i.id, i.fileName]));
  const classes = p.classes.list();
  return {
    images: images.length,
    detections: dets.map((d) => ({
      image_id: d.imageId,
      category_id: d.classIndex + 1,
      bbox: [d.x, d.y, d.w, d.h],
      score: d.score,
      file_name: names.get(d.imageId) ?? '',
      category_name: classes[d.classIndex]?.name ?? '',
    })),
  };
}
