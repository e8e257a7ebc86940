import type { BackendName, BackendReason, EpochMetrics, RunRecord } from '../domain/runs';
import type { Annotation, ImageRecord, LabelClass, ProjectInfo, ProjectStats } from '../domain/types';
import type {
  StudyArmView,
  StudyDocument,
  StudySummaryView,
  StudyVerdictView,
  PrelabelReport,
  QueueState,
  RunRowView,
  RunsTable,
  PredictReport,
  RunRobustnessView,
  RunTestEval,
  SaliencyMapView,
  TrainPreflight,
} from './runs-contract';
import type { ApiErrorCode } from './errors';
import type { InputOf, MethodName } from './schemas';
import type { StudioResultMap } from './studio-contract';

/** An image with its boxes, as one page of the image list carries it. */
export interface ImageWithBoxes extends ImageRecord {
  boxes: Annotation[];
}

/** A problem reported by an import: file-level errors and box-level repairs. */
export interface ImportProblem {
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  field?: string;
  message: string;
}

/** What an import did: counts, and every warning or skipped problem with its file. */
export interface ImportReport {
  images: number;
  annotations: number;
  classesCreated: string[];
  skippedImages: number;
  duplicates: number;
  problems: ImportProblem[];
}

/** What an export wrote. */
export interface ExportReport {
  dir: string;
  format: string;
  images: number;
  annotations: number;
  skippedUnlabeled: number;
}

/** Stats plus dataset-health warnings (duplicate images, possible leakage across splits). */
export interface ProjectHealth extends ProjectStats {
  duplicateGroups: { sha256: string; imageIds: number[]; crossSplit: boolean }[];
}

/** Results per method: one place that says what each call returns. */
export interface ResultMap extends StudioResultMap {
  'project.create': ProjectInfo;
  'project.open': ProjectInfo;
  'project.info': ProjectInfo;
  'project.stats': ProjectHealth;
  'classes.list': LabelClass[];
  'classes.create': LabelClass;
  'classes.update': LabelClass;
  'classes.delete': { deletedBoxes: number };
  'classes.merge': { movedBoxes: number };
  'images.page': { items: ImageWithBoxes[]; total: number; nextAfter: number | null };
  'images.get': ImageWithBoxes;
  'images.setStatus': ImageRecord;
  'annotations.create': Annotation;
  'annotations.update': Annotation;
  'annotations.delete': { deleted: boolean };
  'datasets.import': ImportReport;
  'datasets.export': ExportReport;
  'runs.list': RunRecord[];
  'runs.epochs': EpochMetrics[];
  'images.counts': ImageCounts;
  'annotations.forClass': Annotation[];
  'annotations.createMany': Annotation[];
  'annotations.setClassMany': { updated: number };
  'runs.rows': RunsTable;
  'runs.queue': QueueState;
  'runs.preflight': TrainPreflight;
  /** `notes`: what a person should know about the data the runs train on (classes with no boxes, left-out images). */
  'runs.start': { runIds: string[]; notes: string[] };
  'runs.startCompare': { studyId: string; runIds: string[]; arms: string[]; notes: string[] };
  'studies.list': StudySummaryView[];
  'studies.show': StudyDocument;
  'studies.cancel': { cancelled: string[] };
  'studies.delete': { deleted: string[] };
  /** Runs continuing from their last checkpoint (interrupted) and runs trained again from the start. */
  'studies.resume': { resumed: string[]; restarted: string[] };
  'runs.cancel': { cancelled: boolean };
  'runs.resume': { queued: boolean };
  'runs.rename': { name: string | null };
  'runs.delete': { deleted: string[] };
  /** An ad-hoc comparison, judged by the study's one rule (seed-paired, image bootstrap, Holm). */
  'runs.compare': {
    arms: StudyArmView[];
    verdicts: StudyVerdictView[];
    /** The sentences to show: the verdicts', or why the selection cannot be judged by the paired method. */
    verdict: string[];
    comparable: boolean;
    apart: { runId: string; differs: string[] }[];
    testImages: number | null;
    resamples: number;
    rows: RunRowView[];
    /** The report.html written when asked (runs.compare with report), else null. */
    report: string | null;
  };
  'runs.testEval': RunTestEval;
  'runs.robustness': RunRobustnessView;
  'runs.saliency': SaliencyMapView;
  'runs.predict': PredictReport;
  'labeling.prelabel': PrelabelReport;
}

/** How many images each list filter holds, so the filter bar shows counts without loading pages. */
export interface ImageCounts {
  all: number;
  unlabeled: number;
  labeled: number;
  empty: number;
  reviewed: number;
  pending: number;
}

/** How a call is made: `key` is an idempotency key (a repeat of the key gets the first answer; `ridge serve`). */
export interface CallOptions {
  key?: string;
}

/** The one typed API every front door speaks: method name -> (args) => Promise<result>. */
export type StudioApi = {
  [M in MethodName]: (args: InputOf<M>, opts?: CallOptions) => Promise<ResultMap[M]>;
};

/** Events the services push to the UI. */
export interface EventMap {
  'import.progress': { done: number; total: number; phase: string };
  /** A run's trainer picked its backend: which, on what device, and why the others did not run. */
  'run.started': { runId: string; backend: BackendName; device: string; reasons: BackendReason[] };
  /** A training step of the running run (throttled by the trainer to a few per second). */
  'run.progress': { runId: string; epoch: number; step: number; steps: number; loss: number };
  'run.epoch': EpochMetrics;
  'run.ended': { runId: string; status: RunRecord['status']; failReason: string | null };
  /** The queue changed (a run was queued, started, progressed or ended): its whole state, ETA included. */
  'runs.queue': QueueState;
  /** The open project changed outside the page (Electron menu, recent projects): the UI reloads. */
  'project.changed': ProjectInfo;
  /** A native menu item the renderer acts on (undo, redo, shortcuts overlay...). */
  'menu.command': { command: string };
}

/** Expected failures cross transports as this shape; `code` (API_ERRORS) tells a mistake from a bug or a lost link. */
export interface ApiErrorShape {
  code: ApiErrorCode;
  message: string;
  file?: string;
  /** Which argument fields were refused (invalid-args). */
  issues?: { path: string; message: string }[];
  /** Every problem an aborted import found, each with its file (the CLI prints them all). */
  problems?: ImportProblem[];
  /** An aborted import: some problem concerns a whole file, so skipping bad images cannot get past it. */
  fileLevel?: boolean;
}
