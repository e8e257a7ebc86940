// A finished run's analyses on demand: robustness on its frozen test split (stored with the run, as training
// stores it), and the saliency map of one detection (not stored: it is cheap and asked for one image at a time).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunRobustnessView, SaliencyMapView } from '../../../shared/api/runs-contract';
import { UserError } from '../../../shared/errors';
import type { Manifest } from '../../trainer/protocol';
import type { Project } from '../project/project';
import type { Analyzer } from './predict-host';
import { hasModel, modelDirOf } from './run-files';
import { runDir } from './runs';

/** A done run with a model, and its frozen manifest; else the refusal every door gives. */
function doneRun(p: Project, runId: string, what: string) {
  const run = p.runs.byId(runId);
  if (!run) throw new UserError(`no run ${runId} in this project`);
  if (run.status !== 'done' || !hasModel(p, runId))
    throw new UserError(
      `run ${runId} has no trained model (status ${run.status}); only done runs have ${what}`,
    );
  const manifestPath = path.join(runDir(p, runId), 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  return { run, manifest, manifestPath };
}

/** Measure a done run's robustness now (replacing any stored figures) and store it with the run. */
export async function measureRobustness(
  p: Project,
  runId: string,
  analyzer: Analyzer,
): Promise<RunRobustnessView> {
  const { run, manifest, manifestPath } = doneRun(p, runId, 'a robustness evaluation');
  const test = manifest.images.filter((i) => i.split === 'test').length;
  if (test === 0) throw new UserError('the run has no test images: its manifest has an empty test split');
  const robustness = await analyzer.robustness(
    { modelDir: modelDirOf(p, runId), manifestPath, seed: run.config.seed },
    test,
  );
  // The run may have been deleted while the trainer worked: store only if it is still there.
  if (!p.runs.byId(runId)) throw new UserError(`run ${runId} was deleted during its robustness evaluation`);
  p.tx(() => p.runs.setRobustness(runId, robustness));
  return { runId, ...robustness };
}

/** The saliency map of detection `detection` (best first) of image `imageId` of a done run's manifest. */
export async function detectionSaliencyMap(
  p: Project,
  runId: string,
  imageId: number,
  detection: number,
  analyzer: Analyzer,
): Promise<SaliencyMapView> {
  const { manifest } = doneRun(p, runId, 'saliency maps');
  const image = manifest.images.find((i) => i.id === imageId);
  if (!image) throw new UserError(`image ${imageId} is not in the data run ${runId} was trained on`);
  return analyzer.saliency({ modelDir: modelDirOf(p, runId), image, detection });
}
