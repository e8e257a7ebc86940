import type { EpochMetrics, RegMode, RunRecord } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';

/** Mean and sample standard deviation (0 for a single value). */
export interface Spread {
  mean: number;
  sd: number;
  n: number;
}

/** Mean and sample standard deviation of some numbers. */
export function spread(values: number[]): Spread {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

/** One arm's results over its seeds, as `ridge compare` prints them. */
export interface ArmSummary {
  arm: string;
  reg: RegMode;
  lambda: number;
  runs: number;
  testMAP50: Spread;
  testMAP50_95: Spread;
  /** Val data loss minus train data loss at the best epoch (eval mode). */
  gap: Spread;
  /** L2 norm of conv/dense kernels at the end of training. */
  weightNorm: Spread;
  seconds: Spread;
}

/** Gather finished runs by arm (config.arm) into means and spreads. */
export function summarizeArms(
  runs: RunRecord[],
  epochs: ReadonlyMap<string, EpochMetrics[]>,
  order: string[],
): ArmSummary[] {
  return order.map((arm) => {
    const mine = runs.filter((r) => r.config.arm === arm && r.status === 'done');
    const pick = (f: (r: RunRecord, ep: EpochMetrics[]) => number | undefined) =>
      spread(
        mine
          .map((r) => f(r, epochs.get(r.id) ?? []))
          .filter((v): v is number => v !== undefined && Number.isFinite(v)),
      );
    const first = mine[0] ?? runs.find((r) => r.config.arm === arm);
    return {
      arm,
      reg: first?.config.reg ?? 'none',
      lambda: first?.config.lambda ?? 0,
      runs: mine.length,
      testMAP50: pick((r) => r.testMetrics?.AP50),
      testMAP50_95: pick((r) => r.testMetrics?.AP),
      gap: pick((r, ep) => {
        const best = ep.find((e) => e.epoch === r.bestEpoch) ?? ep[ep.length - 1];
        return best ? best.valDataLoss - best.trainDataLoss : undefined;
      }),
      weightNorm: pick((_r, ep) => ep[ep.length - 1]?.weightNorm),
      seconds: pick((_r, ep) => ep.reduce((s, e) => s + e.seconds, 0)),
    };
  });
}

/**
 * A plain-language verdict on the test split that claims a difference only where it exceeds the spread between
 * seeds: arm and baseline differ when their mean +- sd intervals do not overlap, with at least two seeds each.
 */
export function verdict(arms: ArmSummary[], baseline = arms[0]?.arm): string[] {
  const base = arms.find((a) => a.arm === baseline);
  if (!base) return ['no baseline arm to compare against: no claim'];
  const pct = (v: number) => (100 * v).toFixed(1);
  const lines: string[] = [];
  for (const a of arms) {
    if (a === base) continue;
    const x = a.testMAP50_95;
    const y = base.testMAP50_95;
    if (x.n < 2 || y.n < 2) {
      lines.push(
        `${a.arm} vs ${base.arm}: no claim (fewer than 2 finished seeds per arm, so no spread to judge against)`,
      );
      continue;
    }
    const diff = x.mean - y.mean;
    const margin = x.sd + y.sd;
    if (Math.abs(diff) > margin) {
      lines.push(
        `${a.arm} vs ${base.arm}: test mAP50-95 ${diff > 0 ? 'higher' : 'lower'} by ${pct(Math.abs(diff))} points ` +
          `(${pct(x.mean)} +- ${pct(x.sd)} vs ${pct(y.mean)} +- ${pct(y.sd)}), more than the spread between seeds`,
      );
    } else {
      lines.push(
        `${a.arm} vs ${base.arm}: no claim: the difference (${pct(diff)} points of test mAP50-95) is within the ` +
          `spread between seeds (${pct(x.sd)} and ${pct(y.sd)})`,
      );
    }
  }
  return lines;
}

/** A comparison of stored runs: arms in order (baseline first), their summaries and the verdict. */
export interface Comparison {
  runs: RunRecord[];
  epochs: Map<string, EpochMetrics[]>;
  baseline: string | undefined;
  arms: ArmSummary[];
  verdict: string[];
}

/**
 * Compare runs of a project by arm: the baseline (asked for, else `none` when present, else the first arm) comes
 * first and every other arm is judged against it. Unknown run ids are refused.
 */
export function compareRuns(p: Project, runIds: string[], baseline?: string): Comparison {
  const runs = runIds.map((id) => {
    const r = p.runs.byId(id);
    if (!r) throw new UserError(`no run ${id} in this project`);
    return r;
  });
  const order = [...new Set(runs.map((r) => r.config.arm))];
  const base = baseline ?? (order.includes('none') ? 'none' : order[0]);
  if (base && order.includes(base)) order.sort((x, y) => +(y === base) - +(x === base));
  const epochs = new Map(runs.map((r) => [r.id, p.runs.epochs(r.id)]));
  const arms = summarizeArms(runs, epochs, order);
  return { runs, epochs, baseline: base, arms, verdict: verdict(arms, base) };
}
