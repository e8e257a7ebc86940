/** How a run regularizes: the question the product exists to answer. */
export type RegMode = 'none' | 'l2' | 'wd' | 'l1' | 'dropout';
/** All regularization modes, for validation. */
export const REG_MODES: readonly RegMode[] = ['none', 'l2', 'wd', 'l1', 'dropout'];

/** Compute backends the trainer can run on. */
export type BackendName = 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'cpu';
/** Backend requests: a named backend, or `auto` to measure and pick. */
export type BackendRequest = BackendName | 'auto';

/**
 * Lifecycle of a training run. `interrupted`: the process that held it died (crash, kill, power cut); like
 * failed and cancelled it can be resumed from its last checkpoint.
 */
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** Statuses a run can be resumed from (continuing from its last checkpoint). */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['failed', 'cancelled', 'interrupted'];

/** Backbone choices of the detector (see RunConfig.backbone). */
export const BACKBONES = ['scratch', 'mobilenetv2'] as const;
/** One of BACKBONES. */
export type BackboneName = (typeof BACKBONES)[number];

/** Everything that decides what a run computes; stored whole with the run. */
export interface RunConfig {
  reg: RegMode;
  lambda: number;
  epochs: number;
  seed: number;
  imgSize: number;
  batchSize: number;
  learningRate: number;
  /** Always 'adam' (a `wd` run takes the decoupled AdamW step; see optimizerLabel): kept so old runs compare. */
  optimizer: 'adam';
  backend: BackendRequest;
  widthMultiplier: number;
  /**
   * 'scratch' (default): our own backbone from random init; 'mobilenetv2': the pretrained MobileNetV2 trunk
   * shipped inside the nsfwjs npm package. Absent on runs made before the choice existed (= scratch).
   */
  backbone?: BackboneName;
  /**
   * Detections kept per image over all classes, in evaluation, export and prediction (Ultralytics' max_det).
   * COCO figures still count at most 100 per image and class (COCOeval's maxDets). Absent on runs made before
   * the setting existed: those keep their cap of 100 over all classes.
   */
  maxDet?: number;
  /** Free-form group label so compare views can gather arms (e.g. "l2=5e-4"). */
  arm: string;
}

/** Detections kept per image by default, as Ultralytics' max_det (dense scenes hold hundreds of objects). */
export const DEFAULT_MAX_DET = 300;
/** The largest maxDet a run may ask for (a bound on decoding's work per image, not a quality choice). */
export const MAX_DET_LIMIT = 10_000;

/**
 * Defaults a person gets when they just click Train (or run `ridge train` with no options). In shared so the
 * services, the CLI and the renderer's presets read one set of values.
 */
export const DEFAULT_RUN_CONFIG: RunConfig = {
  reg: 'none',
  lambda: 0,
  epochs: 50,
  seed: 0,
  imgSize: 224,
  batchSize: 8,
  learningRate: 4e-3,
  optimizer: 'adam',
  backend: 'auto',
  widthMultiplier: 0.5,
  backbone: 'scratch',
  maxDet: DEFAULT_MAX_DET,
  arm: 'none',
};

/**
 * The most accurate recipe measured with 2 CPU cores: the pretrained trunk at 384 px for 15 epochs. On real
 * photos (BCCD, 205 training images, seed 0, class-balanced loss weights) 384 px reached test mAP50 0.861,
 * mAP50-95 0.519 (AP50 Platelets 0.788, RBC 0.822, WBC 0.984) where 320 px reached 0.831 / 0.490 (0.723 / 0.787
 * / 0.982): BCCD's Platelets are about 20 px at 320. Before the class weights: 0.272 / 0.177, WBC and Platelets
 * at 0. The BCCD targets (0.90 / 0.60, every class 0.80, in 15 minutes) are not reached. On the
 * 200-image sample, 320 px gave test mAP50 0.905/0.918/0.934 (seeds 0/1/2, mAP50-95 0.581/0.606/0.598) in
 * 8.3-9.0 min. The panel's Pretrained preset and the quality bench both read it, so the figure in the README is
 * what a person gets.
 */
export const PRETRAINED_RECIPE = {
  backbone: 'mobilenetv2',
  imgSize: 384,
  epochs: 15,
} as const satisfies Partial<RunConfig>;

/**
 * How a run's optimizer is described to people: the step is AdamW (decoupled weight decay) when the mode is `wd`,
 * plain Adam otherwise. The stored config keeps `optimizer: 'adam'` either way, so old runs stay comparable.
 */
export function optimizerLabel(c: Pick<RunConfig, 'reg'>): string {
  return c.reg === 'wd' ? 'AdamW (decoupled weight decay)' : 'Adam';
}

/** Default strength of each regularization mode (an `--arms` entry without `=value`, the panel's choices). */
export const DEFAULT_LAMBDA: Record<RegMode, number> = {
  none: 0,
  l2: 5e-4,
  wd: 5e-2,
  l1: 1e-5,
  dropout: 0.2,
};

/**
 * Which implementation of a native kernel a run used: tfjs-node's own, or Ridge's replacement spelled as plain
 * ops, whichever was faster when both were timed on this machine at backend selection.
 */
export interface KernelChoice {
  kernel: string;
  used: 'native' | 'replacement';
  nativeMs: number;
  replacementMs: number;
  /** The tensor shape both were timed on. */
  shape: number[];
}

/** Why a backend did or did not run, recorded on the run. */
export interface BackendReason {
  backend: BackendName;
  ok: boolean;
  reason: string;
  imagesPerSecond?: number;
  /** On the backend that ran, when it is native TensorFlow: the kernel implementations it used. */
  kernels?: KernelChoice[];
}

/**
 * The kernels a run used, in one line for `ridge train` and `ridge runs`, e.g. "FusedBatchNorm native 4.8 ms
 * (replacement 17.9 ms), Step replacement 15.6 ms (native 98.2 ms)"; null when none were chosen.
 */
export function kernelSummary(reasons: readonly BackendReason[]): string | null {
  const kernels = reasons.find((r) => r.kernels?.length)?.kernels;
  if (!kernels) return null;
  return kernels
    .map((k) => {
      const other = k.used === 'native' ? 'replacement' : 'native';
      const [mine, theirs] =
        k.used === 'native' ? [k.nativeMs, k.replacementMs] : [k.replacementMs, k.nativeMs];
      return `${k.kernel} ${k.used} ${mine.toFixed(1)} ms (${other} ${theirs.toFixed(1)} ms)`;
    })
    .join(', ');
}

/** A stored run, as `ridge runs --json` and the runs table show it. */
export interface RunRecord {
  id: string;
  status: RunStatus;
  config: RunConfig;
  manifestHash: string;
  backend: BackendName | null;
  backendReasons: BackendReason[];
  device: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  bestEpoch: number | null;
  failReason: string | null;
  /** Test-split evaluation of the best checkpoint, reported apart from validation. */
  testMetrics: Record<string, number> | null;
}

/** One epoch of a run: data loss and penalty apart, measured in eval mode at the epoch's end. */
export interface EpochMetrics {
  runId: string;
  epoch: number;
  trainDataLoss: number;
  /** The regularization penalty of the weights (0 for none, wd and dropout): one number, train and val alike. */
  regLoss: number;
  valDataLoss: number;
  mAP50: number;
  mAP50_95: number;
  weightNorm: number;
  learningRate: number;
  seconds: number;
}

/** Every backend request a person can make, for validation. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = [
  'auto',
  'tfjs-node-gpu',
  'webgpu',
  'tfjs-node',
  'cpu',
];
