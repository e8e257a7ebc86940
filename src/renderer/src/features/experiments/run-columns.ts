// The runs table's columns: which exist, which are shown by default (they fit at 1280 px), and the extra ones a
// person chose in the column chooser (remembered in localStorage).
import type { RunRowView } from '../../../../shared/api/runs-contract';
import { formatLambda } from '../training/reg-help';
import { armLabel } from './run-names';
import { formatDuration, formatPct } from './view-model';

/** What a cell is computed from: its row and that run's full config. */
export interface CellInput {
  row: RunRowView;
  config: Readonly<Record<string, string | number>>;
}

/** One data column of the runs table (name, status and actions are drawn by the table itself). */
export interface RunColumn {
  key: string;
  title: string;
  tip?: string;
  /** Right-aligned numbers. */
  num?: boolean;
  text(c: CellInput): string;
  /** What the column sorts by. */
  sortValue(c: CellInput): string | number | null;
}

const f3 = (v: number | null) => (v === null ? '–' : v.toFixed(3));
const cfg = (key: string, title: string, tip?: string): RunColumn => ({
  key,
  title,
  ...(tip ? { tip } : {}),
  text: ({ config }) => (config[key] === undefined ? '–' : String(config[key])),
  sortValue: ({ config }) => config[key] ?? null,
});
const result = (
  key: keyof RunRowView,
  title: string,
  tip: string,
  fmt: (v: number | null) => string,
): RunColumn => ({
  key,
  title,
  tip,
  num: true,
  text: ({ row }) => fmt(row[key] as number | null),
  sortValue: ({ row }) => row[key] as number | null,
});

/** Every data column; `ridge runs --json` prints the same figures (mAP there as fractions, here as percent). */
export const RUN_COLUMNS: readonly RunColumn[] = [
  {
    key: 'arm',
    title: 'arm',
    tip: 'regularization mode and strength',
    text: ({ row }) => armLabel(row.reg, row.lambda),
    sortValue: ({ row }) => `${row.reg} ${String(row.lambda).padStart(12, '0')}`,
  },
  {
    key: 'seed',
    title: 'seed',
    num: true,
    text: ({ row }) => String(row.seed),
    sortValue: ({ row }) => row.seed,
  },
  result('testMAP50', 'test mAP50 %', 'best checkpoint on the test split', formatPct),
  result('testMAP50_95', 'test mAP50-95 %', 'best checkpoint on the test split', formatPct),
  result('gap', 'gap', 'val minus train data loss at the best epoch', f3),
  result('weightNorm', '|w|', 'L2 norm of kernels at the end', (v) => (v === null ? '–' : v.toFixed(1))),
  result('durationS', 'duration', 'wall time from start to end', formatDuration),
  result('mAP50', 'val mAP50 %', 'validation mAP50 at the best epoch', formatPct),
  result('mAP50_95', 'val mAP50-95 %', 'validation mAP50-95 at the best epoch', formatPct),
  result('bestEpoch', 'best epoch', 'epoch of the best validation mAP50-95', (v) =>
    v === null ? '–' : String(v),
  ),
  result('mPC', 'mPC %', 'mean test mAP50-95 under 5 corruptions x 3 severities (robustness)', formatPct),
  result('rPC', 'rPC %', 'mPC over the clean test mAP50-95 (100 = no loss under corruption)', formatPct),
  result(
    'saliencyInBox',
    'saliency in box',
    'saliency share inside the ground-truth boxes over their area share (1 = uniform)',
    (v) => (v === null ? '–' : v.toFixed(2)),
  ),
  {
    key: 'lambda',
    title: 'λ',
    tip: 'strength (the rate for dropout)',
    num: true,
    text: ({ row }) => formatLambda(row.reg, row.lambda),
    sortValue: ({ row }) => row.lambda,
  },
  cfg('reg', 'mode'),
  cfg('epochs', 'epochs'),
  cfg('imgSize', 'image px'),
  cfg('batchSize', 'batch'),
  cfg('learningRate', 'learning rate'),
  cfg('widthMultiplier', 'width'),
  cfg('backbone', 'backbone'),
  {
    key: 'backend',
    title: 'backend',
    tip: 'the backend the run trained on',
    text: ({ row }) => row.backend ?? '–',
    sortValue: ({ row }) => row.backend,
  },
];

/** Columns shown before anything is chosen: with name, status and actions they fit a 1280 px window. */
export const DEFAULT_COLUMNS: readonly string[] = [
  'arm',
  'seed',
  'testMAP50',
  'testMAP50_95',
  'gap',
  'weightNorm',
  'durationS',
];

const STORE_KEY = 'ridge.runs.columns';

/** The columns a person chose (default ones included), as remembered in this browser; the defaults when none. */
export function loadColumns(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as unknown;
    if (Array.isArray(v) && v.every((k) => typeof k === 'string'))
      return RUN_COLUMNS.map((c) => c.key).filter((k) => v.includes(k));
  } catch {
    // A damaged entry falls back to the defaults.
  }
  return [...DEFAULT_COLUMNS];
}

/** Remember the chosen columns (kept in the table's column order). */
export function saveColumns(keys: readonly string[]): string[] {
  const ordered = RUN_COLUMNS.map((c) => c.key).filter((k) => keys.includes(k));
  localStorage.setItem(STORE_KEY, JSON.stringify(ordered));
  return ordered;
}
