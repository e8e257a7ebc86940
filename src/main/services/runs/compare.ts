// An ad-hoc comparison: runs a person selected that need not be one study. They are judged by the one verdict
// path a study uses (study-analysis.ts: seed-paired differences, image bootstrap, Holm); when they cannot be
// paired by seed, the verdict says so in plain words instead of falling back to a cruder rule.
import type { StudyArmView } from '../../../shared/api/runs-contract';
import { groupComparable } from '../../../shared/domain/comparability';
import type { EpochMetrics, RunRecord } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import type { Verdict } from '../../../shared/stats/verdicts';
import type { Project } from '../project/project';
import { type ArmSpec, judgeRuns, seedOf } from './study-analysis';

/** A comparison of stored runs: arms in order (baseline first), their figures and the verdict sentences. */
export interface Comparison {
  runs: RunRecord[];
  epochs: Map<string, EpochMetrics[]>;
  baseline: string | undefined;
  arms: StudyArmView[];
  verdicts: Verdict[];
  /** The sentences people read: the verdicts', or why these runs cannot be judged. */
  verdict: string[];
  comparable: boolean;
  apart: { runId: string; differs: string[] }[];
  testImages: number | null;
  resamples: number;
}

/**
 * Compare runs of a project by arm, keyed by numeric (mode, strength) inside the largest comparable group: the
 * baseline (asked for by arm name, else `none` when present, else the first arm) comes first and every other arm
 * is judged against it. Unknown run ids are refused.
 */
export function compareRuns(p: Project, runIds: string[], baseline?: string): Comparison {
  const runs = runIds.map((id) => {
    const r = p.runs.byId(id);
    if (!r) throw new UserError(`no run ${id} in this project`);
    return r;
  });
  const groups = groupComparable(runs).sort(
    (a, b) => b.arms.reduce((n, x) => n + x.runs.length, 0) - a.arms.reduce((n, x) => n + x.runs.length, 0),
  );
  const specs: ArmSpec[] = (groups[0]?.arms ?? []).map((a) => ({
    arm: a.runs[0]!.config.arm,
    reg: a.reg,
    lambda: a.lambda,
  }));
  const names = specs.map((a) => a.arm);
  const base = baseline ?? (names.includes('none') ? 'none' : names[0]);
  if (base !== undefined && !names.includes(base))
    throw new UserError(`baseline '${base}' is not one of the arms (${names.join(', ')})`);
  specs.sort((x, y) => +(y.arm === base) - +(x.arm === base));
  const j = judgeRuns(p, runs, specs, base ?? '', seedOf([...runIds].sort().join(',')));
  const verdict = j.unpaired
    ? [j.unpaired]
    : specs.length < 2
      ? ['no verdict: the selection holds one arm; select runs of at least two arms']
      : j.verdicts.map((v) => v.sentence);
  return {
    runs,
    epochs: new Map(runs.map((r) => [r.id, p.runs.epochs(r.id)])),
    baseline: base,
    arms: j.arms,
    verdicts: j.verdicts,
    verdict,
    comparable: j.comparable,
    apart: j.apart,
    testImages: j.testImages,
    resamples: j.resamples,
  };
}
