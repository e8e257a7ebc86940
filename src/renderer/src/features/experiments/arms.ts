// Arms of a comparison as the compare view shows them: runs gathered by the numeric (mode, strength), each
// figure summarised over seeds from the same row values the runs table shows (so one run reads the same in both).
import type { RunRowView } from '../../../../shared/api/runs-contract';
import { figure, type Figure } from '../../../../shared/stats/study-stats';
import { armKey } from './comparable';
import { armLabel } from './run-names';

/** Figures summarised per arm, named as the runs table's columns. */
export const ARM_FIGURES = ['testMAP50', 'testMAP50_95', 'gap', 'weightNorm', 'durationS'] as const;

/** One arm: its key, label, runs and each figure's mean, sd and 95% t-interval over its runs (as a study's). */
export interface Arm {
  key: string;
  label: string;
  rows: RunRowView[];
  figures: Record<(typeof ARM_FIGURES)[number], Figure>;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** Rows gathered into arms by (mode, strength), in the order the arms first appear. */
export function armsOf(rows: readonly RunRowView[]): Arm[] {
  const byKey = new Map<string, RunRowView[]>();
  for (const r of rows) byKey.set(armKey(r), [...(byKey.get(armKey(r)) ?? []), r]);
  return [...byKey].map(([key, rs]) => ({
    key,
    label: armLabel(rs[0]!.reg, rs[0]!.lambda),
    rows: rs,
    figures: Object.fromEntries(
      ARM_FIGURES.map((f) => [f, figure(rs.map((r) => r[f]).filter(finite))]),
    ) as Arm['figures'],
  }));
}
