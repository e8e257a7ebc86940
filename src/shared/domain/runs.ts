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
export const BACKBONES = ['scratch', 'mobilenetv2', 'nanodet'] as const;
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
   * shipped inside the nsfwjs npm package; 'nanodet': the COCO-pretrained NanoDet-g detector (backbone, neck and
   * head; model/nanodet.ts), three levels. Absent on runs made before the choice existed (= scratch).
   */
  backbone?: BackboneName;
  /**
   * Score the best checkpoint on the test split under ImageNet-C corruptions after training (15 more test
   * evaluations; see the README's Robustness). Absent on runs made before the setting existed (= off).
   */
  robustness?: boolean;
  /**
   * Test images the analyses after training (robustness, saliencyInBox) score, at most: that many spread evenly
   * over the test split (the same ones in every run of a manifest, whatever the seed), with the clean figure of
   * rPC measured on them too. The test mAP is always of the whole split. Absent (and on runs made before the
   * setting existed): every test image (saliencyInBox: the first SALIENCY_IMAGES with boxes). It exists because
   * the 15 corrupted passes and the saliency gradients cost about as much as the epochs of a short run (the quick
   * demo's), while mPC and saliencyInBox are compared between arms over seeds only (no per-image bootstrap), so a
   * fixed subset shared by every run keeps the comparison paired and fair.
   */
  analysisImages?: number;
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
  robustness: false,
  maxDet: DEFAULT_MAX_DET,
  arm: 'none',
};

/**
 * The most accurate recipe measured with 2 CPU cores: the COCO-pretrained NanoDet detector at 384 px for 20
 * epochs. On real photos (BCCD, 205 training images; trainer version 5, seeds 0, 1, 2) 20 epochs reached test
 * mAP50 0.905, 0.910, 0.903 and mAP50-95 0.612, 0.618, 0.608 in 7.5-8.1 min each (9-10 training images/s on 7
 * December). 15 epochs reached 0.896, 0.909, 0.909 / 0.599, 0.619, 0.611 with the best epoch the last or the one
 * before; chosen on val: at the best epoch 20 epochs kept or raised mAP50-95 (0.608, 0.612, 0.611 against 0.608,
 * 0.612, 0.609) and raised mAP50 (0.903, 0.898, 0.899 against 0.896, 0.895, 0.898). The ImageNet
 * MobileNetV2 trunk (version 4, seed 2, 15 epochs) reached 0.867 / 0.555 in 17.6 min and was 0.10 val mAP50
 * after its first epoch (NanoDet 0.70-0.80). 416 px was measured and gave less (0.899 / 0.594, seed 2). The
 * earlier levers (class-balanced loss weights, quality focal loss, box loss 5, 384 over 320 px) stay on; their
 * figures are in the README. The panel's Pretrained preset and the quality bench both read it, so the figure in
 * the README is what a person gets.
 */
export const PRETRAINED_RECIPE = {
  backbone: 'nanodet',
  imgSize: 384,
  epochs: 20,
} as const satisfies Partial<RunConfig>;

/**
 * How a run's optimizer is described to people: the step is AdamW (decoupled weight decay) when the mode is `wd`,
 * plain Adam otherwise. The stored config keeps `optimizer: 'adam'` either way, so old runs stay comparable.
 */
export function optimizerLabel(c: Pick<RunConfig, 'reg'>): string {
  return c.reg === 'wd' ? 'AdamW (decoupled weight decay)' : 'Adam';
}

/**
 * Whether the runs of a comparison score robustness when the caller does not say (`ridge compare`, the app's
 * Compare regularization, studies): on, since "is it more robust" is half of what a comparison asks, while a
 * plain run keeps DEFAULT_RUN_CONFIG's off (15 more test evaluations; the README's Robustness gives the cost).
 */
export const COMPARE_ROBUSTNESS = true;

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
 * ops, whichever was faster when both were timed on this machine at backend selection. The entry
 * 'FusedBatchNormV3' is training-mode batch norm: 'native' is TensorFlow's fused kernels (forward and gradient),
 * 'replacement' is tfjs-layers' plain ops (moments, batchNorm and their autodiff); 'ReluGrad' is the ReLU
 * gradient: 'native' is TensorFlow's ReluGrad kernel, 'replacement' tfjs' dy * step(x).
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
  /** On the backend that ran: where its training batches were prepared, and why (trainer/data/train-batches.ts). */
  dataPipeline?: string;
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
  /** The best checkpoint's test mAP50-95 under corruptions; null when not measured. */
  robustness: RunRobustness | null;
  /** Where the best checkpoint looks on the test images; null when not measured. */
  saliency: RunSaliency | null;
  /** The study that made this run (ridge compare, the Compare preset), or null for a single run. */
  studyId: string | null;
  /** Version of the trainer that made it (comparability.ts: TRAINER_VERSION), or null for runs made before. */
  trainerVersion: string | null;
}

/** Where the resized image lands on the square canvas (integers), and whether it is mirrored. */
export interface Placement {
  /** Source size. */
  srcW: number;
  srcH: number;
  /** Resized size. */
  nw: number;
  nh: number;
  /** Top-left of the resized image on the canvas (may be negative: cropped). */
  offX: number;
  offY: number;
  flip: boolean;
}

/** Test mAP50-95 of one corruption at one severity. */
export interface CorruptionScore {
  corruption: string;
  severity: number;
  mAP50_95: number;
}

/**
 * A run's robustness: test mAP50-95 under each corruption and severity (COCO-C style), mPC (their mean) and rPC
 * (mPC over the clean test mAP50-95 measured in the same pass; null when that is 0).
 */
export interface RunRobustness {
  clean: number;
  scores: CorruptionScore[];
  mPC: number;
  rPC: number | null;
  /** Test images scored, and the seconds the whole evaluation took. */
  images: number;
  seconds: number;
}

/**
 * A run's saliencyInBox: over test images with boxes (at most a bounded number), the mean of (share of the
 * top detection's input-gradient saliency inside the ground-truth boxes) / (share of the image they cover).
 * 1 means no preference for the objects; above 1, the detector looks at them. Null when no image qualified.
 */
export interface RunSaliency {
  saliencyInBox: number | null;
  images: number;
  seconds: number;
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
