// Input and result types of the detection metrics. Pure data: the trainer, the `ridge eval` CLI and the
// renderer all read them, so nothing here touches Node.

/** A box as COCO writes it: [x, y, width, height] in pixels from the top-left corner. */
export type CocoBbox = readonly number[];

/** One image of the ground truth; only `id` matters to the metrics, the rest is carried for callers. */
export interface CocoImage {
  id: number;
  width: number;
  height: number;
  file_name?: string;
}

/** One class of the ground truth; evaluation runs over every category listed here, sorted by id. */
export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
}

/** One ground-truth box, as in a COCO `instances` file plus the VOC `difficult` flag. */
export interface CocoGtAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: CocoBbox;
  /** Area used for the small/medium/large ranges; w*h when absent (pycocotools requires it). */
  area?: number;
  /** Crowd regions never count as objects: detections on them are ignored (IoU = inter / area(det)). */
  iscrowd?: number | boolean;
  /**
   * pycocotools overwrites this field with `iscrowd` before matching, so it has no effect unless
   * `CocoEvalOptions.useIgnoreFlag` is set.
   */
  ignore?: number | boolean;
  /** PASCAL VOC "difficult": read by `evaluateVoc` when `ignoreDifficult` is set, never by COCO. */
  difficult?: number | boolean;
}

/** A COCO ground-truth file: the parts the evaluators read. */
export interface CocoGroundTruth {
  images: readonly CocoImage[];
  categories: readonly CocoCategory[];
  annotations: readonly CocoGtAnnotation[];
}

/** One detection in the COCO results format (what a detector writes and `loadRes` reads). */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  bbox: CocoBbox;
  score: number;
}

/** Knobs of `evaluateCoco`; the defaults give pycocotools' COCOeval(iouType='bbox') exactly. */
export interface CocoEvalOptions {
  /** IoU thresholds (from .50:.05:.95) whose per-class PR curves are returned; default [0.5, 0.75]. */
  curveIouThresholds?: readonly number[];
  /** Also ignore gt boxes with `ignore` set (pycocotools discards that field; default false). */
  useIgnoreFlag?: boolean;
}

/** The 12 COCOeval bbox statistics, unrounded; -1 exactly where pycocotools prints -1. */
export interface CocoStats {
  AP: number;
  AP50: number;
  AP75: number;
  APsmall: number;
  APmedium: number;
  APlarge: number;
  AR1: number;
  AR10: number;
  AR100: number;
  ARsmall: number;
  ARmedium: number;
  ARlarge: number;
}

/** Interpolated precision of one class at one IoU threshold, sampled at `CocoEvalResult.recallThresholds`. */
export interface PrCurve {
  iouThreshold: number;
  /** 101 values (pycocotools `precision[t, :, k, all, 100]`); all -1 when the class has no gt. */
  precision: number[];
  /** Score of the detection reached at each recall threshold (0 past the last one; -1 when no gt). */
  scores: number[];
}

/** Per-category results (area "all", 100 detections per image); -1 where the class has no gt. */
export interface CocoClassResult {
  categoryId: number;
  name: string;
  AP: number;
  AP50: number;
  AP75: number;
  AR100: number;
  /** Non-crowd gt boxes of this class (the denominator of recall). */
  numGt: number;
  /** Detections of this class that entered the evaluation (after the 100-per-image cap). */
  numDetections: number;
  curves: PrCurve[];
}

/** What `evaluateCoco` returns: the summary stats, the per-class table and the PR curves. */
export interface CocoEvalResult {
  stats: CocoStats;
  perClass: CocoClassResult[];
  /** The 101 recall thresholds 0:.01:1 the curves are sampled at (bit-equal to numpy's linspace). */
  recallThresholds: number[];
}

/** How `evaluateVoc` turns a PR curve into AP. */
export type VocInterpolation = 'all-point' | '11-point';

/** Knobs of `evaluateVoc`. */
export interface VocEvalOptions {
  /** A detection is a true positive at IoU >= this; default 0.5. */
  iouThreshold?: number;
  /** Difficult gt boxes are not counted and detections on them are neither TP nor FP; default false. */
  ignoreDifficult?: boolean;
  /** 'all-point' (VOC2010+, default) or '11-point' (VOC2007). */
  interpolation?: VocInterpolation;
  /** VOC devkit pixel convention: widths and intersections get +1 (x2 = x + w is inclusive); default true. */
  pixelInclusive?: boolean;
}

/** One class of a VOC evaluation; `ap` is -1 when the class has no (counted) gt box. */
export interface VocClassResult {
  categoryId: number;
  name: string;
  ap: number;
  numGt: number;
  numDetections: number;
  truePositives: number;
  falsePositives: number;
}

/** What `evaluateVoc` returns; `mAP` is the mean over classes with gt (-1 when there are none). */
export interface VocEvalResult {
  mAP: number;
  iouThreshold: number;
  interpolation: VocInterpolation;
  perClass: VocClassResult[];
}
