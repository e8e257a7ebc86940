// The training panel's presets and settings, turned into the request that queues them (unit-tested): one run
// through runs.start, a comparison through runs.startCompare (the services plan arms x seeds, as for the CLI).
import type { InputOf } from '../../../../shared/api/schemas';
import {
  type BackboneName,
  type BackendRequest,
  DEFAULT_LAMBDA,
  DEFAULT_MAX_DET,
  DEFAULT_RUN_CONFIG,
  optimizerLabel,
  PRETRAINED_RECIPE,
  type RegMode,
} from '../../../../shared/domain/runs';

/** What one click sends: one run's settings, or a comparison's arms, seeds and shared settings. */
export type TrainRequest =
  | { method: 'runs.start'; args: InputOf<'runs.start'> }
  | { method: 'runs.startCompare'; args: InputOf<'runs.startCompare'> };

/** The one-click choices. */
export type PresetName = 'quick' | 'standard' | 'pretrained' | 'compare';

/** Settings every run of a click shares (the Advanced section edits these). */
export interface BaseSettings {
  epochs: number;
  imgSize: number;
  batchSize: number;
  learningRate: number;
  backend: BackendRequest;
  widthMultiplier: number;
  backbone: BackboneName;
  seed: number;
  reg: RegMode;
  lambda: number;
  maxDet: number;
}

/** Each config field, its default and one line on what it does (the Advanced section shows these). */
export const FIELD_HELP: Record<keyof BaseSettings, { label: string; help: string }> = {
  epochs: { label: 'Epochs', help: 'Passes over the training images; the best epoch on val is kept.' },
  imgSize: {
    label: 'Image size (px)',
    help: 'Images are letterboxed to this square; larger finds small objects, costs time.',
  },
  batchSize: { label: 'Batch size', help: 'Images per step; cancel stops within one batch.' },
  learningRate: {
    label: 'Learning rate',
    help: 'Step size of Adam (AdamW with decoupled weight decay), cosine decay over the run.',
  },
  backend: { label: 'Backend', help: 'auto measures each backend on this model and picks the fastest.' },
  widthMultiplier: {
    label: 'Width multiplier',
    help: 'Scales channels of every layer: 0.5 is faster, 2 has more capacity.',
  },
  backbone: {
    label: 'Backbone',
    help: 'scratch: our small net from random weights; mobilenetv2: an ImageNet-pretrained trunk; nanodet: a whole detector pretrained on COCO (the Pretrained preset).',
  },
  seed: { label: 'Seed', help: 'Initialisation and shuffling; the same seed and data give the same run.' },
  reg: { label: 'Regularization', help: 'none, L2 penalty, decoupled weight decay (wd), L1, or dropout.' },
  lambda: { label: 'Strength λ', help: 'Penalty weight of l2, wd and l1.' },
  maxDet: {
    label: 'Detections per image',
    help: 'Most detections kept per image in evaluation, export and prediction (COCO figures count 100).',
  },
};

/** A setting's label and help for the chosen mode: with dropout, `lambda` is the dropout rate (still sent as lambda). */
export function settingHelp(k: keyof BaseSettings, reg: RegMode): { label: string; help: string } {
  if (k === 'lambda' && reg === 'dropout')
    return { label: 'Dropout rate', help: 'Share of units dropped while training (0 to below 1).' };
  return FIELD_HELP[k];
}

const { epochs, imgSize, batchSize, learningRate, backend, widthMultiplier, seed, reg, lambda } =
  DEFAULT_RUN_CONFIG;
const backbone = DEFAULT_RUN_CONFIG.backbone ?? 'scratch';
/** What a plain Train click uses: the shared DEFAULT_RUN_CONFIG, so the panel and `ridge train` agree. */
export const DEFAULT_SETTINGS: BaseSettings = {
  epochs,
  imgSize,
  batchSize,
  learningRate,
  backend,
  widthMultiplier,
  backbone,
  seed,
  reg,
  lambda,
  maxDet: DEFAULT_RUN_CONFIG.maxDet ?? DEFAULT_MAX_DET,
};

/** Strengths of the optional L2 lambda sweep. */
export const L2_SWEEP = [1e-4, 5e-4, 2e-3];

const QUICK: Partial<BaseSettings> = { epochs: 10, imgSize: 160 };
const COMPARE: Partial<BaseSettings> = { epochs: 20, imgSize: 224 };

/** "N epochs at P px" of a preset (defaults filled in), written from the values so the text cannot drift. */
export function epochsAt(base: Partial<BaseSettings>): string {
  const s = { ...DEFAULT_SETTINGS, ...base };
  return `${s.epochs} epochs at ${s.imgSize} px`;
}

/** What each preset sets on top of the defaults. */
export const PRESETS: Record<PresetName, { title: string; blurb: string; base: Partial<BaseSettings> }> = {
  quick: { title: 'Quick', blurb: `1 run, ${epochsAt(QUICK)}: a first look in minutes.`, base: QUICK },
  standard: { title: 'Standard', blurb: `1 run, ${epochsAt({})}: the default detector.`, base: {} },
  pretrained: {
    title: 'Pretrained',
    blurb: `1 run, the COCO-pretrained NanoDet detector, ${epochsAt(PRETRAINED_RECIPE)}: the most accurate on small projects.`,
    base: PRETRAINED_RECIPE,
  },
  compare: {
    title: 'Compare regularization',
    blurb: `none vs L2 over several seeds, ${epochsAt(COMPARE)}, on the same frozen data, judged on the test split.`,
    base: COMPARE,
  },
};

/** Options of the compare preset. */
export interface CompareOptions {
  seeds: number;
  wd: boolean;
  l1: boolean;
  dropout: boolean;
  sweep: boolean;
}

/** Default compare options: none vs L2, 3 seeds. */
export const DEFAULT_COMPARE: CompareOptions = {
  seeds: 3,
  wd: false,
  l1: false,
  dropout: false,
  sweep: false,
};

/** The arms of a comparison: none, L2 (or an L2 sweep) and the optional modes. */
export function compareArms(o: CompareOptions): { reg: RegMode; lambda: number }[] {
  const arms: { reg: RegMode; lambda: number }[] = [{ reg: 'none', lambda: 0 }];
  if (o.sweep) for (const l of L2_SWEEP) arms.push({ reg: 'l2', lambda: l });
  else arms.push({ reg: 'l2', lambda: DEFAULT_LAMBDA.l2 });
  if (o.wd) arms.push({ reg: 'wd', lambda: DEFAULT_LAMBDA.wd });
  if (o.l1) arms.push({ reg: 'l1', lambda: DEFAULT_LAMBDA.l1 });
  if (o.dropout) arms.push({ reg: 'dropout', lambda: DEFAULT_LAMBDA.dropout });
  return arms;
}

/** The request one click sends: one run for Quick/Standard/Pretrained, arms over seeds for a comparison. */
export function trainRequest(preset: PresetName, s: BaseSettings, o: CompareOptions): TrainRequest {
  const shared = {
    epochs: s.epochs,
    imgSize: s.imgSize,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    backend: s.backend,
    widthMultiplier: s.widthMultiplier,
    backbone: s.backbone,
    maxDet: s.maxDet,
  };
  if (preset !== 'compare') {
    const one = { ...shared, seed: s.seed, reg: s.reg, lambda: s.reg === 'none' ? 0 : s.lambda };
    return { method: 'runs.start', args: { configs: [one] } };
  }
  return { method: 'runs.startCompare', args: { arms: compareArms(o), seeds: o.seeds, base: shared } };
}

/** How many runs a request queues. */
export function runCount(r: TrainRequest): number {
  return r.method === 'runs.start' ? r.args.configs.length : r.args.arms.length * r.args.seeds;
}

/** How the runs of a request are optimized, as people read it ("Adam", "AdamW (decoupled weight decay)"). */
export function optimizersOf(r: TrainRequest): string {
  const regs =
    r.method === 'runs.start' ? r.args.configs.map((c) => c.reg ?? 'none') : r.args.arms.map((a) => a.reg);
  return [...new Set(regs.map((reg) => optimizerLabel({ reg })))].join(', ');
}
