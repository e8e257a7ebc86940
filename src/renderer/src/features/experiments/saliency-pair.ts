// Which two runs the saliency comparison opens on, which detection of the second matches the first's object, and
// how a failed map reads in plain words.
import type { RunRowView } from '../../../../shared/api/runs-contract';
import type { Placement } from '../../../../shared/domain/runs';
import { iou } from '../../../../shared/geometry';
import { inputBoxOnImage } from './heatmap';

/**
 * The two runs to compare at first: the side-by-side pair when it names two runs; else the baseline arm's run
 * (no regularization) and a run of another arm with the same seed (paired: same initialisation and data order);
 * else any two finished runs with models. Empty strings where there is no such run.
 */
export function defaultSaliencyPair(
  rows: readonly RunRowView[],
  models: readonly string[],
  sideBySide: readonly [string, string] | null,
): [string, string] {
  if (sideBySide && sideBySide[0] && sideBySide[1]) return [sideBySide[0], sideBySide[1]];
  const usable = rows.filter((r) => r.status === 'done' && models.includes(r.id));
  const sameArm = (a: RunRowView, b: RunRowView) => a.reg === b.reg && a.lambda === b.lambda;
  for (const base of usable.filter((r) => r.reg === 'none')) {
    const other = usable.find((r) => r.seed === base.seed && !sameArm(r, base));
    if (other) return [base.id, other.id];
  }
  const first = sideBySide?.[0] || usable[0]?.id || '';
  const firstRow = usable.find((r) => r.id === first);
  const second =
    usable.find((r) => r.id !== first && firstRow && !sameArm(r, firstRow))?.id ??
    usable.find((r) => r.id !== first)?.id ??
    '';
  return [first, second];
}

/**
 * Why a run cannot be analysed (saliency maps, robustness), in plain words, or null when it can: only a finished
 * run with its exported model can. `needs` names the analysis ("Saliency maps need").
 */
export function analysisBlocker(
  row: RunRowView | undefined,
  models: readonly string[],
  needs: string,
): string | null {
  if (!row) return 'Choose a run.';
  if (row.status === 'queued' || row.status === 'running')
    return `This run is still ${row.status === 'queued' ? 'waiting to train' : 'training'}: ${needs} a finished run.`;
  if (row.status !== 'done')
    return `This run ${row.status === 'failed' ? 'failed' : `was ${row.status}`}: it has no trained model.`;
  if (!models.includes(row.id)) return `This run's model file is missing (runs/${row.id}/model).`;
  return null;
}

/** A failed runs.saliency call in plain words: "no detection" read as what it means, anything else as said. */
export function saliencyError(message: string): string {
  const none = /has 0 detection\(s\) at score >= ([\d.]+)/.exec(message);
  if (none)
    return `The model finds nothing on this image (no detection scoring ${Math.round(
      100 * Number(none[1]),
    )}% or more), so there is no detection to explain.`;
  if (/is not in the data run/.test(message))
    return 'This image is not in the data this run was trained and tested on.';
  return `The saliency map could not be computed: ${message}`;
}

/** A detection of a saliency map's list (input pixels of its run) and how that run placed the image. */
interface PlacedDetection {
  det: { classIndex: number; x1: number; y1: number; x2: number; y2: number };
  placement: Placement;
}

/**
 * Which of the other run's detections (its map's `ranked`, best first) is the object the first run's detection
 * is on, so the two maps explain the same object: the largest overlap on the source image among detections of the
 * same class, else of any class; 0 (its best) when none overlaps. Runs may differ in input size, so boxes are
 * compared in source-image pixels. Returns the index and its IoU.
 */
export function matchingDetection(
  target: PlacedDetection,
  ranked: readonly PlacedDetection['det'][],
  placement: Placement,
): { index: number; iou: number } {
  const t = inputBoxOnImage(target.det, target.placement);
  let best = { index: 0, iou: 0, same: false };
  ranked.forEach((d, index) => {
    const overlap = iou(t, inputBoxOnImage(d, placement));
    const same = d.classIndex === target.det.classIndex;
    if (overlap <= 0) return;
    if ((same && !best.same) || (same === best.same && overlap > best.iou))
      best = { index, iou: overlap, same };
  });
  return { index: best.index, iou: best.iou };
}
