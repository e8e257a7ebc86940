// Run planning: from validated settings to the run configs that get queued. Every front door (the API's
// runs.start / runs.startCompare, and through them the CLI and the app) plans here, so defaults, arm names and
// comparison plans exist once. Validation itself is the shared schema's (src/shared/domain/run-config.ts).
import type { z } from 'zod';
import {
  type armSettingsSchema,
  type compareBaseSchema,
  defaultLambda,
  type RunSettings,
  withDefaults,
} from '../../../shared/domain/run-config';
import type { RegMode, RunConfig, RunRecord } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import type { Manifest } from '../../trainer/protocol';
import type { Project } from '../project/project';
import { freezeManifest, manifestSummary } from './manifest';
import { createRun } from './runs';

/** Fewer training images than this (or no boxes) and training is refused: the numbers would mean nothing. */
export const MIN_TRAIN_IMAGES = 4;

/** The arm name a mode and strength get (`none`, `l2=0.0005`): compare views gather runs by it. */
export function armName(reg: RegMode, lambda: number): string {
  return reg === 'none' ? 'none' : `${reg}=${lambda}`;
}

/** A full run config from validated settings: a plain Train click's defaults, the mode's strength, the arm name. */
export function planRun(s: RunSettings): RunConfig {
  const c = withDefaults(s);
  return { ...c, arm: s.arm ?? armName(c.reg, c.lambda) };
}

/** A comparison's plan: the arm names in order and every run, seed-major (all arms of seed 0 first). */
export interface ComparisonPlan {
  arms: string[];
  configs: RunConfig[];
}

/** Every arm over seeds 0..seeds-1 on one base; an arm listed twice is refused. */
export function planComparison(
  arms: z.output<typeof armSettingsSchema>[],
  seeds: number,
  base: z.output<typeof compareBaseSchema>,
): ComparisonPlan {
  const specs = arms.map((a) => {
    const lambda = a.lambda ?? defaultLambda(a.reg);
    return { reg: a.reg, lambda, name: armName(a.reg, lambda) };
  });
  const names = specs.map((a) => a.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UserError(`arm '${dup}' is listed twice`);
  const configs: RunConfig[] = [];
  for (let seed = 0; seed < seeds; seed++)
    for (const a of specs)
      configs.push(planRun({ ...base, seed, reg: a.reg, lambda: a.lambda, arm: a.name }));
  return { arms: names, configs };
}

/** Why this data cannot train a run (null when it can): too few labeled training images, or no val split. */
export function tooLittleData(m: Manifest): string | null {
  const s = manifestSummary(m);
  if (s.train.images < MIN_TRAIN_IMAGES || s.train.boxes === 0)
    return (
      `not enough labeled data to train: ${s.train.images} training images with ${s.train.boxes} boxes ` +
      `(need at least ${MIN_TRAIN_IMAGES} images with boxes in the train split)`
    );
  if (s.val.images === 0) return 'the val split is empty: the best checkpoint is chosen on val';
  return null;
}

/**
 * Create the planned runs, queued and held by `owner` (a queue's lease key), on ONE frozen manifest (so every
 * arm and seed trains on exactly the same data). The data is checked first: nothing is created when it cannot
 * train.
 */
export function createPlannedRuns(p: Project, configs: RunConfig[], owner: string | null): RunRecord[] {
  const manifest = freezeManifest(p);
  // The one place every door's runs are checked for data before they exist (runs.start, runs.startCompare, and
  // through them ridge train / compare): further up-front data checks belong here too.
  const refusal = tooLittleData(manifest);
  if (refusal) throw new UserError(refusal);
  return configs.map((c) => createRun(p, c, manifest, owner));
}
