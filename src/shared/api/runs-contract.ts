import type { BackendReason, RegMode, RunRecord } from '../domain/runs';

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
  failReason: string | null;
}

/** The runs table's data: the CLI's rows plus what only the studio keeps (display names, downloadable models). */
export interface RunsTable {
  rows: RunRowView[];
  /** Display names a person gave runs (rename), by run id. */
  names: Record<string, string>;
  /** Run ids whose exported model exists (runs/<id>/model), so "Export model" is offered only there. */
  models: string[];
  /** Full config of each run, so "show only settings that differ" covers every field. */
  configs: Record<string, Record<string, string | number>>;
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

/** One arm's summary over seeds (mirrors the services' ArmSummary). */
export interface ArmSummaryView {
  arm: string;
  reg: RegMode;
  lambda: number;
  runs: number;
  testMAP50: { mean: number; sd: number; n: number };
  testMAP50_95: { mean: number; sd: number; n: number };
  gap: { mean: number; sd: number; n: number };
  weightNorm: { mean: number; sd: number; n: number };
  seconds: { mean: number; sd: number; n: number };
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
  images: { id: number; width: number; height: number; gt: EvalBox[]; predictions: EvalBox[] }[];
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
}
