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
import type { Project } from '../project/project';
import { assertTrainable } from './data-checks';
import { freezeManifest } from './manifest';
import { createRun } from './runs';

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

/** Runs created by createPlannedRuns, with what a person should know about their data (dataNotes). */
export interface PlannedRuns {
  runs: RunRecord[];
  notes: string[];
}

/**
 * Create the planned runs, queued and held by `owner` (a queue's lease key), on ONE frozen manifest (so every
 * arm and seed trains on exactly the same data). The data is checked first (data-checks.ts: assertTrainable):
 * nothing is created when it cannot train.
 */
export function createPlannedRuns(p: Project, configs: RunConfig[], owner: string | null): PlannedRuns {
  const manifest = freezeManifest(p);
  // The one place every door's runs are checked for data before they exist (runs.start, runs.startCompare, and
  // through them ridge train / compare): further up-front data checks belong in data-checks.ts.
  const notes = assertTrainable(manifest);
  return { runs: configs.map((c) => createRun(p, c, manifest, owner)), notes };
}
