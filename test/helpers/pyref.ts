import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/** The reference interpreter made by scripts/setup-reference.sh (pycocotools + numpy). */
export const REF_PYTHON = path.join(REPO_ROOT, '.venv-ref', 'bin', 'python');

/** One COCOeval(bbox) run as pycocotools reports it, with the per-class numbers read from its eval arrays. */
export interface PyCocoReference {
  /** COCOeval.stats, the 12 summary numbers. */
  stats: number[];
  /** Category ids in COCOeval's order (sorted). */
  catIds: number[];
  /** Per class: mean of precision[:, :, k, all, 100] > -1, or -1. */
  ap: number[];
  /** Per class: mean of precision[.5, :, k, all, 100] > -1, or -1. */
  ap50: number[];
  /** Per class: mean of recall[:, k, all, 100] > -1, or -1. */
  ar100: number[];
  /** Per class: precision[.5, :, k, all, 100], the 101-point curve. */
  precision50: number[][];
  /** Per class: scores[.5, :, k, all, 100], the score reached at each recall threshold. */
  scores50: number[][];
}

/** Throw (never skip) when the reference venv is missing, naming the script that makes it. */
export function requireReference(): string {
  if (!existsSync(REF_PYTHON)) {
    throw new Error(
      `pycocotools reference missing (${REF_PYTHON}): run \`bash scripts/setup-reference.sh\` first`,
    );
  }
  return REF_PYTHON;
}

const SNIPPET = String.raw`
import contextlib, json, sys
import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

def mean_valid(s):
    s = s[s > -1]
    return float(np.mean(s)) if s.size else -1.0

out = []
for gt_file, dt_file in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(sys.stderr):
        gt = COCO(gt_file)
        dt = gt.loadRes(dt_file)
        ev = COCOeval(gt, dt, 'bbox')
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    prec = ev.eval['precision']
    rec = ev.eval['recall']
    cats = [int(c) for c in ev.params.catIds]
    out.append({
        'stats': [float(v) for v in ev.stats],
        'catIds': cats,
        'ap': [mean_valid(prec[:, :, k, 0, -1]) for k in range(len(cats))],
        'ap50': [mean_valid(prec[0, :, k, 0, -1]) for k in range(len(cats))],
        'ar100': [mean_valid(rec[:, k, 0, -1]) for k in range(len(cats))],
        'precision50': [[float(v) for v in prec[0, :, k, 0, -1]] for k in range(len(cats))],
        'scores50': [[float(v) for v in ev.eval['scores'][0, :, k, 0, -1]] for k in range(len(cats))],
    })
print(json.dumps(out))
`;

/** Score each (gt file, detections file) pair with pycocotools in one Python process. */
export function pycocotoolsEval(pairs: readonly { gt: string; dt: string }[]): PyCocoReference[] {
  const python = requireReference();
  const arg = JSON.stringify(pairs.map((p) => [p.gt, p.dt]));
  const res = spawnSync(python, ['-c', SNIPPET, arg], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (res.error) throw new Error(`could not run ${python}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`pycocotools reference failed (exit ${res.status}):\n${res.stderr.slice(-4000)}`);
  }
  return JSON.parse(res.stdout) as PyCocoReference[];
}
