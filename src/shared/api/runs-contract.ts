import type { BackendReason, Placement, RegMode, RunRecord, RunRobustness } from '../domain/runs';

/** One run as `ridge runs --json` prints it and the runs table shows it (services build it with toRunRow). */
export interface RunRowView {
  id: string;
  status: RunRecord['status'];
  arm: string;
  reg: RegMode;
  lambda: number;
  seed: number;
  epochs: number;
  imgSize: number;
  backend: string | null;
  backendReasons: BackendReason[];
  manifestHash: string;
  startedAt: string | null;
  endedAt: string | null;
  durationS: number | null;
  bestEpoch: number | null;
  mAP50: number | null;
  mAP50_95: number | null;
  testMAP50: number | null;
  testMAP50_95: number | null;
  gap: number | null;
  weightNorm: number | null;
  /** Mean test mAP50-95 over corruptions and severities, and that over the clean figure; null if not measured. */
  mPC: number | null;
  rPC: number | null;
  /** Saliency share inside ground-truth boxes over their area share (1 = no preference); null if not measured. */
  saliencyInBox: number | null;
  failReason: string | null;
  /** The study that made the run, or null. */
  study: string | null;
}

/** What runs.robustness answers: the run's robustness figures, as now stored with it. */
export interface RunRobustnessView extends RunRobustness {
  runId: string;
}

/**
 * One detection's input-gradient saliency map (runs.saliency), over the image as the model saw it: letterboxed
 * to the input size with the padding cut off, so it overlays the image scaled to width x height.
 */
export interface SaliencyMapView {
  width: number;
  height: number;
  /** Row-major grey levels 0..255 (255 = the map's maximum), width * height of them. */
  values: number[];
  /** The detection, in the model input's pixels, with its score. */
  detection: { classIndex: number; score: number; x1: number; y1: number; x2: number; y2: number };
  /** How input pixels map back to the image's (source size, resized size, offset on the canvas). */
  placement: Placement;
  /** saliencyInBox of this image alone (null when it has no boxes). */
  inBox: number | null;
  /** How many detections the image has: valid detection indices are 0 to this minus 1. */
  detections: number;
  /**
   * The image's detections best first (at most RANKED_DETECTIONS), so a viewer can offer them by class and score
   * and match another run's detection to the same object (boxes in the model input's pixels, like `detection`).
   */
  ranked: { classIndex: number; score: number; x1: number; y1: number; x2: number; y2: number }[];
}

/**
 * The saliency map a run keeps for its report (runs/<id>/saliency-example.json): its first evaluated test image
 * (the first with boxes and a detection, in manifest order) and that image's top detection.
 */
export interface SaliencyExampleView extends SaliencyMapView {
  imageId: number;
}

/** How many of an image's detections a saliency map lists (its `ranked`): enough to choose from, a short list. */
export const RANKED_DETECTIONS = 50;

/** The runs table's data: the CLI's rows plus what only the studio keeps (display names, downloadable models). */
export interface RunsTable {
  rows: RunRowView[];
  /** Display names a person gave runs (rename), by run id. */
  names: Record<string, string>;
  /** Run ids whose exported model exists (runs/<id>/model), so "Export model" is offered only there. */
  models: string[];
  /** Full config of each run, so "show only settings that differ" covers every field. */
  configs: Record<string, Record<string, string | number>>;
  /** Stored robustness of each run that has it (corruption x severity), so the view shows the table unasked. */
  robustness: Record<string, RunRobustness>;
}

/** Live progress of the run the queue is executing. */
export interface RunProgressView {
  runId: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  /** 0..1 of this run's steps. */
  fraction: number;
  /** Seconds left for this run, from its measured pace; null until it has one. */
  etaS: number | null;
  imagesPerSecond: number | null;
}

/** What the run queue holds: the one running run, the queued ones in order, and the batch's progress. */
export interface QueueState {
  running: string | null;
  queued: string[];
  progress: RunProgressView | null;
  /** Runs of the current batch (since the queue was last empty) and how many of them ended. */
  batchTotal: number;
  batchDone: number;
  /** Seconds left for the whole batch (remaining runs at the current run's pace); null when unknown. */
  batchEtaS: number | null;
  /** Runs of this project training in another process right now (a `ridge train` beside the app, say). */
  elsewhere: { runId: string; pid: number }[];
}

/** What a person checks before training: data per split, warnings, and which backend will (probably) run. */
export interface TrainPreflight {
  splits: Record<'train' | 'val' | 'test', { images: number; boxes: number }>;
  warnings: string[];
  /** Training is refused (too little data); `warnings` says why. */
  blocked: boolean;
  /** The backend the last run recorded, with the measured reasons; null when there is no run yet. */
  lastBackend: { runId: string; backend: string; device: string | null; reasons: BackendReason[] } | null;
  /** CPU threads of the machine that trains (the server's, in web mode). */
  cpus: number;
}

/** A box in image pixels with a class index (a run's class order) and, for predictions, a score. */
export interface EvalBox {
  classIndex: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score?: number;
}

/** A run's evaluation on its frozen test split: per-class AP, PR curves at IoU .5, and the boxes behind them. */
export interface RunTestEval {
  runId: string;
  classes: string[];
  recallThresholds: number[];
  perClass: { name: string; AP: number; AP50: number; numGt: number; precision50: number[] }[];
  /** `file`: the image's path in the project (as the manifest froze it), so viewers name images by file. */
  images: {
    id: number;
    file: string;
    width: number;
    height: number;
    gt: EvalBox[];
    predictions: EvalBox[];
  }[];
  /** Score threshold the stored predictions were cut at (the viewer's slider starts here). */
  minScore: number;
}

/** One detection as `ridge predict` writes it: COCO results format, plus the file and class by name. */
export interface PredictedDetection {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
  file_name: string;
  category_name: string;
}

/** What runs.predict found: image ids are the project's where the file's content is in it, else above them. */
export interface PredictReport {
  images: number;
  detections: PredictedDetection[];
}

/** What a pre-label pass did. */
export interface PrelabelReport {
  images: number;
  boxes: number;
  /** Images that received pending boxes (the labeling view reloads them). */
  imageIds: number[];
  skippedImages: number;
  /** Classes of the run that the project no longer has (their predictions were dropped). */
  missingClasses: string[];
  /** With the COCO model: which COCO class became which project class (the others were not stored). */
  cocoMapping?: Record<string, string>;
}

/** A figure over an arm's seeds: mean, sd, 95% t-interval and how many seeds (NaN, as null in JSON: unknown). */
export interface FigureView {
  mean: number;
  sd: number;
  ci: [number, number];
  n: number;
}

/** One arm of a study: `runs` is the count of finished runs, mAP figures are fractions (0-1). */
export interface StudyArmView {
  arm: string;
  reg: RegMode;
  lambda: number;
  runs: number;
  runIds: string[];
  testMAP50: FigureView;
  testMAP50_95: FigureView;
  mPC: FigureView;
  rPC: FigureView;
  gap: FigureView;
  weightNorm: FigureView;
  saliencyInBox: FigureView;
}

/** A verdict of a study: one arm against the baseline on one metric. */
export interface StudyVerdictView {
  arm: string;
  baseline: string;
  metric: 'testMAP50_95' | 'mPC' | 'saliencyInBox';
  diff: number;
  ci: [number, number];
  claim: boolean;
  sentence: string;
}

/** A study's record as the list shows it. */
export interface StudySummaryView {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'done' | 'partial' | 'cancelled' | 'failed';
  seeds: number;
  baseline: string;
  base: Record<string, unknown>;
  createdAt: string;
  endedAt: string | null;
  arms: string[];
  runIds: string[];
  /** How far it got: runs done, runs ended (done, failed, cancelled or interrupted), runs in all. */
  progress: { done: number; ended: number; total: number };
  /** Files on disk that deleting the study removes (its runs' folders and its report). */
  files: number;
}

/** The study document of `ridge compare --json`, `ridge study show --json` and studies.show. */
export interface StudyDocument {
  study: Omit<StudySummaryView, 'arms' | 'runIds' | 'progress' | 'files'> & {
    testImages: number | null;
    resamples: number;
  };
  manifestHash: string;
  /** True when every run of the study shares the comparability key. */
  comparable: boolean;
  /** Runs left out of the pooling, with the settings in which they differ. */
  apart: { runId: string; differs: string[] }[];
  arms: StudyArmView[];
  verdicts: StudyVerdictView[];
  /** The report.html written when asked, else null. */
  report: string | null;
}
