import type {
  BackendName,
  BackendReason,
  BackendRequest,
  EpochMetrics,
  RunConfig,
  RunRobustness,
  RunSaliency,
} from '../../shared/domain/runs';
import type { SaliencyMap } from './robustness/saliency';
import type { Split } from '../../shared/domain/types';

/** One image of a frozen training manifest: an absolute file path, its size and its accepted boxes. */
export interface ManifestImage {
  /** The project's image id (COCO image_id in exports and predictions). */
  id: number;
  file: string;
  width: number;
  height: number;
  split: Split;
  boxes: { classIndex: number; x: number; y: number; w: number; h: number; difficult: boolean }[];
}

/**
 * What a run trains and evaluates on, frozen when the run is created: label edits made afterwards never change a
 * run. The trainer reads only this (never the database).
 */
export interface Manifest {
  classes: string[];
  images: ManifestImage[];
  /** Images with no boxes that are not marked empty, left out when the manifest was frozen (a count to report). */
  leftOut?: number;
}

/** Messages main sends to a trainer process. */
export type TrainerCommand =
  | {
      type: 'start';
      runId: string;
      manifestPath: string;
      config: RunConfig;
      /** The run's folder: checkpoints, the exported model, logs. */
      outDir: string;
      /** Continue from the last checkpoint in outDir instead of starting over. */
      resume: boolean;
    }
  | {
      /** Run an exported model on image files (pre-label, test evaluation) away from the caller's process. */
      type: 'predict';
      /** The exported model's folder (a run's model/); ignored when `builtin` names a model. */
      modelDir: string;
      /** A model the trainer builds itself: the COCO-pretrained detector (pre-labeling before any training). */
      builtin?: 'coco-nanodet';
      images: { id: number; file: string }[];
      /** Keep boxes scoring at least this (the engine's default when absent). */
      scoreThreshold?: number;
      /** The engine's default (tfjs-node) when absent. */
      backend?: BackendRequest;
      /** Flip test-time augmentation as the model was evaluated unless false (half the time when off). */
      flipTta?: boolean;
    }
  | {
      /** Score an exported model on a manifest's test split under the corruptions (`ridge robustness`). */
      type: 'robustness';
      modelDir: string;
      manifestPath: string;
      /** The run's seed (the noise is drawn from it). */
      seed: number;
    }
  | {
      /** The input-gradient saliency map of one detection of one image (runs.saliency). */
      type: 'saliency';
      modelDir: string;
      image: ManifestImage;
      /** Which detection, best first as decoded. */
      detection: number;
    }
  | { type: 'cancel' };

/** One predicted box in its image's source pixels (what the engine's predictImages returns). */
export interface PredictedBox {
  imageId: number;
  classIndex: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** The answer to a 'predict' command: every box of every image, or why there are none. */
export type PredictReply =
  { type: 'predictions'; predictions: PredictedBox[] } | { type: 'failed'; reason: string };

/** The answer to a 'robustness' or 'saliency' command (or 'failed'). */
export type AnalysisReply =
  { type: 'robustnessResult'; robustness: RunRobustness } | { type: 'saliencyMap'; map: SaliencyMap };

/** Types of the messages that answer a one-off job, never part of a run's events. */
export const JOB_REPLY_TYPES: readonly string[] = ['predictions', 'robustnessResult', 'saliencyMap'];

/** The final evaluation of the best checkpoint on the test split (reported apart from validation). */
export type TestMetrics = Record<string, number>;

/** What one epoch used: carried in the trainer's epoch event, kept in the run folder (epoch-memory.jsonl). */
export interface EpochMemory {
  /** The highest resident set size of the trainer process sampled during the epoch (every step and its end). */
  peakRssBytes: number;
  /** tf.memory().numTensors after the epoch's metrics, before its checkpoint. */
  numTensors: number;
}

/** Messages a trainer process sends back; main stores them in SQLite. Epoch numbers count from 1. */
export type TrainerEvent =
  | { type: 'backend'; backend: BackendName; reasons: BackendReason[]; device: string }
  | { type: 'progress'; epoch: number; step: number; steps: number; loss: number; imagesPerSecond: number }
  | { type: 'epoch'; metrics: Omit<EpochMetrics, 'runId'>; memory?: EpochMemory }
  | { type: 'checkpoint'; epoch: number; path: string; best: boolean }
  | {
      type: 'done';
      bestEpoch: number;
      testMetrics: TestMetrics;
      modelDir: string;
      /** Test mAP50-95 under corruptions, when the run's config asks for it. */
      robustness?: RunRobustness;
      /** saliencyInBox over (up to SALIENCY_IMAGES) test images. */
      saliency?: RunSaliency;
    }
  | { type: 'failed'; reason: string }
  | { type: 'cancelled'; epoch: number };

/** Anything a trainer process sends: training events, or the reply to a one-off job. */
export type TrainerMessage = TrainerEvent | PredictReply | AnalysisReply;

/** Where the trainer leaves every test detection of the best checkpoint (COCO results, source pixels) in outDir. */
export const TEST_DETECTIONS_FILE = 'test-detections.json';
/** The run's saliency example for report.html (SaliencyExampleView), written beside TEST_DETECTIONS_FILE. */
export const SALIENCY_EXAMPLE_FILE = 'saliency-example.json';
