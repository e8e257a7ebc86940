// How the study panel writes a figure over seeds (mean, sd, 95% interval), from studies.show's document: mAP-like
// figures in percent (the API keeps fractions), the others in their own units. Over JSON an unknown value is null.
import type { FigureView } from '../../../../shared/api/runs-contract';

/** A number that is known (not NaN, not null after JSON). */
export function known(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The per-arm columns of the study table, in the order the CLI and the report print them. */
export const STUDY_COLUMNS = [
  { key: 'testMAP50', title: 'test mAP50 %', scale: 100, digits: 1 },
  { key: 'testMAP50_95', title: 'test mAP50-95 %', scale: 100, digits: 1 },
  { key: 'mPC', title: 'mPC %', scale: 100, digits: 1 },
  { key: 'rPC', title: 'rPC', scale: 1, digits: 2 },
  { key: 'gap', title: 'gap', scale: 1, digits: 3 },
  { key: 'weightNorm', title: '|w|', scale: 1, digits: 1 },
  { key: 'saliencyInBox', title: 'saliencyInBox', scale: 1, digits: 2 },
] as const;

/** One column of STUDY_COLUMNS. */
export type StudyColumn = (typeof STUDY_COLUMNS)[number];

/**
 * A figure over seeds as "41.2 ± 1.3" and "[38.0, 44.4]" in the caller's number format (empty when unknown: one
 * seed has no sd or interval); "–" with no value. The study panel and the ad-hoc compare table both write it.
 */
export function figureParts(
  f: Pick<FigureView, 'mean' | 'sd' | 'ci'>,
  v: (x: number) => string,
): { main: string; ci: string } {
  if (!known(f.mean)) return { main: '–', ci: '' };
  return {
    main: known(f.sd) ? `${v(f.mean)} ± ${v(f.sd)}` : v(f.mean),
    ci: known(f.ci[0]) && known(f.ci[1]) ? `[${v(f.ci[0])}, ${v(f.ci[1])}]` : '',
  };
}

/** figureParts in a study column's scale and digits (mAP-like figures in percent). */
export function figureText(
  f: FigureView,
  c: Pick<StudyColumn, 'scale' | 'digits'>,
): { main: string; ci: string } {
  return figureParts(f, (x) => (x * c.scale).toFixed(c.digits));
}
