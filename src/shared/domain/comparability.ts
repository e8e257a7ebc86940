// Which runs may be pooled into one arm: runs are comparable when their configs agree on every setting except the
// regularization mode, its strength and the seed (and the arm label, which names the mode and strength), and when
// the same trainer trained them. The fields come from the run-config schema itself, so a setting added there is
// part of the key without anyone remembering to add it here.
import { runConfigSchema } from './run-config';
import { DEFAULT_RUN_CONFIG, type RegMode, type RunConfig } from './runs';

/**
 * Version of the training recipe (model, loss, augmentation, evaluation). Bump it when a change makes new runs'
 * numbers incomparable with old ones: runs of different versions are never pooled. 2: the class loss became
 * quality focal loss (model/loss.ts); 3: the box loss weighs 5 instead of 2 (model/loss.ts: BOX_LOSS_WEIGHT);
 * 4: the per-epoch val figures (and so the best checkpoint) are without flip TTA (engine.ts: epochValDecodeOf);
 * 5: the NanoDet detector's pretrained layers learn at 0.3 of the rate instead of 0.1 (step.ts: NANODET_LR_SCALE)
 * and its stride-8 stage trains (model/detector.ts: NANODET_FROZEN_THROUGH).
 */
export const TRAINER_VERSION = '5';

/** Settings that may differ inside a study: what an arm is (mode, strength, its label) and the seed. */
export const ARM_FIELDS: readonly string[] = ['reg', 'lambda', 'seed', 'arm'];

/** Every run-config field that must be equal for two runs to be pooled, in schema order. */
export const COMPARABLE_FIELDS: readonly string[] = Object.keys(runConfigSchema.shape).filter(
  (f) => !ARM_FIELDS.includes(f),
);

/** What a run contributes to the key: its config and the trainer version that trained it (null: unknown/old). */
export interface KeyedRun {
  config: RunConfig;
  trainerVersion: string | null;
}

function fieldValue(config: RunConfig, field: string): unknown {
  const own = (config as unknown as Record<string, unknown>)[field];
  // A field absent on an old run means its default (e.g. backbone before the choice existed: scratch).
  return own ?? (DEFAULT_RUN_CONFIG as unknown as Record<string, unknown>)[field] ?? null;
}

/** The comparability key of a run: equal keys, and only equal keys, may be pooled. */
export function comparabilityKey(run: KeyedRun): string {
  const parts = COMPARABLE_FIELDS.map((f) => [f, fieldValue(run.config, f)]);
  return JSON.stringify([['trainer', run.trainerVersion ?? 'unknown'], ...parts]);
}

/** The settings (and trainer version) in which two runs differ, for "not comparable: imgSize 64 vs 96". */
export function keyDifferences(a: KeyedRun, b: KeyedRun): string[] {
  const out: string[] = [];
  if ((a.trainerVersion ?? 'unknown') !== (b.trainerVersion ?? 'unknown'))
    out.push(`trainer ${a.trainerVersion ?? 'unknown'} vs ${b.trainerVersion ?? 'unknown'}`);
  for (const f of COMPARABLE_FIELDS) {
    const x = fieldValue(a.config, f);
    const y = fieldValue(b.config, f);
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${f} ${String(x)} vs ${String(y)}`);
  }
  return out;
}

/** An arm's identity: the numeric mode and strength (never the label, which a person may have typed). */
export function armKey(config: Pick<RunConfig, 'reg' | 'lambda'>): string {
  return `${config.reg}:${config.reg === 'none' ? 0 : config.lambda}`;
}

/** One pool of comparable runs and their arms, each arm keyed by (mode, strength). */
export interface ComparableGroup<R extends KeyedRun> {
  key: string;
  arms: { reg: RegMode; lambda: number; runs: R[] }[];
}

/** Split runs into groups of equal comparability key, and each group into arms by numeric (mode, strength). */
export function groupComparable<R extends KeyedRun>(runs: readonly R[]): ComparableGroup<R>[] {
  const groups = new Map<string, Map<string, { reg: RegMode; lambda: number; runs: R[] }>>();
  for (const r of runs) {
    const key = comparabilityKey(r);
    const arms = groups.get(key) ?? new Map<string, { reg: RegMode; lambda: number; runs: R[] }>();
    groups.set(key, arms);
    const a = armKey(r.config);
    const arm = arms.get(a) ?? {
      reg: r.config.reg,
      lambda: r.config.reg === 'none' ? 0 : r.config.lambda,
      runs: [],
    };
    arms.set(a, arm);
    arm.runs.push(r);
  }
  return [...groups].map(([key, arms]) => ({ key, arms: [...arms.values()] }));
}
