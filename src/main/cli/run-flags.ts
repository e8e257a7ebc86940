import type { RunSettings } from '../../shared/domain/run-config';
import { BACKBONES, BACKEND_REQUESTS, DEFAULT_MAX_DET, REG_MODES } from '../../shared/domain/runs';

/** A run setting as a command-line flag: which field it sets, whether it is a number, what the help shows. */
interface RunFlag {
  field: keyof RunSettings;
  number: boolean;
  /** An on/off setting: `on` and `off` (or true/false) become booleans. */
  onOff?: boolean;
  usage: string;
}

const ON_OFF: Record<string, boolean> = { on: true, true: true, off: false, false: false };

/** The run settings `ridge train` and `ridge compare` take as flags (the values are judged by the shared schema). */
export const RUN_FLAGS: Record<string, RunFlag> = {
  reg: { field: 'reg', number: false, usage: `[--reg ${REG_MODES.join('|')}]` },
  lambda: { field: 'lambda', number: true, usage: '[--lambda X (the dropout rate with --reg dropout)]' },
  epochs: { field: 'epochs', number: true, usage: '[--epochs N]' },
  seed: { field: 'seed', number: true, usage: '[--seed S]' },
  'img-size': { field: 'imgSize', number: true, usage: '[--img-size P]' },
  'batch-size': { field: 'batchSize', number: true, usage: '[--batch-size N]' },
  lr: { field: 'learningRate', number: true, usage: '[--lr X]' },
  width: { field: 'widthMultiplier', number: true, usage: '[--width W]' },
  backbone: { field: 'backbone', number: false, usage: `[--backbone ${BACKBONES.join('|')}]` },
  backend: { field: 'backend', number: false, usage: `[--backend ${BACKEND_REQUESTS.join('|')}]` },
  robustness: {
    field: 'robustness',
    number: false,
    onOff: true,
    usage: '[--robustness on|off (score under corruptions after training)]',
  },
  'analysis-images': {
    field: 'analysisImages',
    number: true,
    usage: '[--analysis-images N (test images robustness and saliency score, spread evenly; default all)]',
  },
  'max-det': {
    field: 'maxDet',
    number: true,
    usage: `[--max-det N (detections kept per image, default ${DEFAULT_MAX_DET})]`,
  },
};

/** The flags of settings every run of a comparison shares (`ridge compare`; `ridge train` adds mode and seed). */
export const SHARED_RUN_FLAGS: readonly string[] = [
  'epochs',
  'img-size',
  'batch-size',
  'lr',
  'width',
  'backbone',
  'backend',
  'robustness',
  'analysis-images',
  'max-det',
];

/** parseArgs options for a set of run flags. */
export function runFlagOptions(names: readonly string[]): Record<string, { type: 'string' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
}

/** Usage text of a set of run flags. */
export function runFlagUsage(names: readonly string[]): string {
  return names.map((n) => RUN_FLAGS[n]!.usage).join(' ');
}

/**
 * Run settings from flags, as given: numbers where the setting is a number (text that is no number stays text, so
 * the schema says what is wrong with it), nothing filled in. The API validates and plans them like any call.
 */
export function settingsFromFlags(
  values: Record<string, string | boolean | undefined>,
  names: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const raw = values[n];
    if (typeof raw !== 'string') continue;
    const flag = RUN_FLAGS[n]!;
    const num = Number(raw);
    if (flag.onOff) out[flag.field] = ON_OFF[raw.trim().toLowerCase()] ?? raw;
    else out[flag.field] = flag.number && raw.trim() !== '' && Number.isFinite(num) ? num : raw;
  }
  return out;
}
