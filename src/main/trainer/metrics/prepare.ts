// Turns COCO-shaped objects into flat typed arrays grouped in (category, image) buckets, the layout both
// evaluators work on. Mirrors what pycocotools keeps: gt whose image or category is unknown is dropped,
// detections on unknown categories are dropped, detections on unknown images are an error (loadRes asserts).

import { stableSortByScoreDesc } from './sort';
import type { CocoDetection, CocoGroundTruth } from './types';

/** Ground truth and detections bucketed by `category index * numImages + image index`. */
export interface PreparedEval {
  /** Image ids, sorted ascending and unique (COCOeval's p.imgIds). */
  imageIds: number[];
  /** Category ids, sorted ascending and unique (COCOeval's p.catIds). */
  categoryIds: number[];
  /** Category names, parallel to categoryIds. */
  categoryNames: string[];
  /** gt of bucket b is [gtStart[b], gtStart[b + 1]), in input order. */
  gtStart: Int32Array;
  gtBox: Float64Array;
  gtArea: Float64Array;
  gtCrowd: Uint8Array;
  gtIgnoreField: Uint8Array;
  gtDifficult: Uint8Array;
  /** 1 where the gt id is 0: pycocotools stores match ids in a zero-initialised array, so such a match is lost. */
  gtZeroId: Uint8Array;
  /** Detections of bucket b are [dtStart[b], dtStart[b + 1]), sorted by score descending, ties in input order. */
  dtStart: Int32Array;
  dtBox: Float64Array;
  dtScore: Float64Array;
  /** Position of each detection in the caller's list (the VOC tie-break). */
  dtInput: Int32Array;
}

/** Why an evaluation input was rejected; thrown by both evaluators. */
export class MetricsInputError extends Error {
  override name = 'MetricsInputError';
}

function flag(v: number | boolean | undefined): number {
  return v ? 1 : 0;
}

function readBox(bbox: readonly number[] | undefined, what: string, out: Float64Array, at: number): void {
  if (!Array.isArray(bbox) || bbox.length !== 4)
    throw new MetricsInputError(`${what}: bbox must be [x, y, w, h]`);
  for (let i = 0; i < 4; i++) {
    const v = bbox[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new MetricsInputError(`${what}: bbox has a non-number`);
    out[at * 4 + i] = v;
  }
}

/** Counting sort of item -> bucket (-1 = dropped); returns bucket starts and the items in bucket order. */
function bucketize(bucketOf: Int32Array, numBuckets: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(numBuckets + 1);
  let kept = 0;
  for (let i = 0; i < bucketOf.length; i++) {
    const b = bucketOf[i]!;
    if (b >= 0) {
      start[b + 1]!++;
      kept++;
    }
  }
  for (let b = 0; b < numBuckets; b++) start[b + 1]! += start[b]!;
  const fill = start.slice(0, numBuckets);
  const order = new Int32Array(kept);
  for (let i = 0; i < bucketOf.length; i++) {
    const b = bucketOf[i]!;
    if (b >= 0) order[fill[b]!++] = i;
  }
  return { start, order };
}

/** Stable sort of order[from, to) by score descending (numpy argsort(-score, kind='mergesort')). */
function sortByScore(order: Int32Array, from: number, to: number, score: Float64Array): void {
  const n = to - from;
  if (n < 2) return;
  if (n <= 24) {
    for (let i = from + 1; i < to; i++) {
      const v = order[i]!;
      const s = score[v]!;
      let j = i - 1;
      while (j >= from && score[order[j]!]! < s) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = v;
    }
    return;
  }
  // Input indices grow along the bucket, so a stable sort keeps ties in input order.
  order.set(stableSortByScoreDesc(order.subarray(from, to), score), from);
}

/** Index the ground truth and detections once; both evaluators start here. */
export function prepareEval(gt: CocoGroundTruth, dets: readonly CocoDetection[]): PreparedEval {
  if (!gt || !Array.isArray(gt.images) || !Array.isArray(gt.categories) || !Array.isArray(gt.annotations)) {
    throw new MetricsInputError('ground truth needs images, categories and annotations arrays');
  }
  if (!Array.isArray(dets)) throw new MetricsInputError('detections must be an array');
  const imageIds = [...new Set(gt.images.map((im) => im.id))].sort((a, b) => a - b);
  const names = new Map<number, string>();
  for (const c of gt.categories) names.set(c.id, c.name);
  const categoryIds = [...names.keys()].sort((a, b) => a - b);
  const imgIndex = new Map<number, number>();
  imageIds.forEach((id, i) => imgIndex.set(id, i));
  const catIndex = new Map<number, number>();
  categoryIds.forEach((id, i) => catIndex.set(id, i));
  const nImg = imageIds.length;
  const numBuckets = nImg * categoryIds.length;

  const anns = gt.annotations;
  const seen = new Set<number>();
  const gtBucket = new Int32Array(anns.length);
  const rawBox = new Float64Array(anns.length * 4);
  for (let i = 0; i < anns.length; i++) {
    const a = anns[i]!;
    if (seen.has(a.id)) throw new MetricsInputError(`duplicate ground-truth annotation id ${a.id}`);
    seen.add(a.id);
    readBox(a.bbox, `annotation ${a.id}`, rawBox, i);
    if (a.area != null && !Number.isFinite(a.area)) {
      throw new MetricsInputError(`annotation ${a.id}: area must be a finite number`);
    }
    const im = imgIndex.get(a.image_id);
    const c = catIndex.get(a.category_id);
    gtBucket[i] = im === undefined || c === undefined ? -1 : c * nImg + im;
  }
  const g = bucketize(gtBucket, numBuckets);
  const nGt = g.order.length;
  const gtBox = new Float64Array(nGt * 4);
  const gtArea = new Float64Array(nGt);
  const gtCrowd = new Uint8Array(nGt);
  const gtIgnoreField = new Uint8Array(nGt);
  const gtDifficult = new Uint8Array(nGt);
  const gtZeroId = new Uint8Array(nGt);
  for (let j = 0; j < nGt; j++) {
    const i = g.order[j]!;
    const a = anns[i]!;
    for (let q = 0; q < 4; q++) gtBox[j * 4 + q] = rawBox[i * 4 + q]!;
    gtArea[j] = a.area ?? rawBox[i * 4 + 2]! * rawBox[i * 4 + 3]!;
    gtCrowd[j] = flag(a.iscrowd);
    gtIgnoreField[j] = flag(a.ignore);
    gtDifficult[j] = flag(a.difficult);
    gtZeroId[j] = a.id === 0 ? 1 : 0;
  }

  const dtBucket = new Int32Array(dets.length);
  const dtRawBox = new Float64Array(dets.length * 4);
  const dtRawScore = new Float64Array(dets.length);
  for (let i = 0; i < dets.length; i++) {
    const d = dets[i]!;
    const im = imgIndex.get(d.image_id);
    if (im === undefined) {
      throw new MetricsInputError(`detection ${i}: image_id ${d.image_id} is not in the ground truth`);
    }
    readBox(d.bbox, `detection ${i}`, dtRawBox, i);
    if (typeof d.score !== 'number' || !Number.isFinite(d.score)) {
      throw new MetricsInputError(`detection ${i}: score must be a finite number`);
    }
    dtRawScore[i] = d.score;
    const c = catIndex.get(d.category_id);
    dtBucket[i] = c === undefined ? -1 : c * nImg + im;
  }
  const d = bucketize(dtBucket, numBuckets);
  for (let b = 0; b < numBuckets; b++) sortByScore(d.order, d.start[b]!, d.start[b + 1]!, dtRawScore);
  const nDt = d.order.length;
  const dtBox = new Float64Array(nDt * 4);
  const dtScore = new Float64Array(nDt);
  for (let j = 0; j < nDt; j++) {
    const i = d.order[j]!;
    for (let q = 0; q < 4; q++) dtBox[j * 4 + q] = dtRawBox[i * 4 + q]!;
    dtScore[j] = dtRawScore[i]!;
  }
  return {
    imageIds,
    categoryIds,
    categoryNames: categoryIds.map((id) => names.get(id)!),
    gtStart: g.start,
    gtBox,
    gtArea,
    gtCrowd,
    gtIgnoreField,
    gtDifficult,
    gtZeroId,
    dtStart: d.start,
    dtBox,
    dtScore,
    dtInput: d.order,
  };
}
