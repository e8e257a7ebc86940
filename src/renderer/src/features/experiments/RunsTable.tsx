import { useMemo, useState } from 'react';
import type { RunRowView, RunsTable as RunsTableData } from '../../../../shared/api/runs-contract';
import { RESUMABLE_STATUSES } from '../../../../shared/domain/runs';
import { differingKeys, formatDuration, sortRows } from './view-model';

const pct = (v: number | null) => (v === null ? '–' : (100 * v).toFixed(1));
const f3 = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/** A row with its display name, for sorting by name. */
type Row = RunRowView & { name: string };

/** Setting columns the table can show; "show only settings that differ" keeps those whose values differ. */
const SETTING_COLS = [
  'arm',
  'reg',
  'lambda',
  'seed',
  'epochs',
  'imgSize',
  'batchSize',
  'learningRate',
  'widthMultiplier',
  'backbone',
  'backend',
];
const DEFAULT_SETTING_COLS = ['arm', 'lambda', 'seed', 'backend'];

/** Result columns: the numbers `ridge runs --json` prints, with the same definitions. */
const RESULT_COLS: { key: keyof RunRowView; title: string; fmt(r: RunRowView): string; tip: string }[] = [
  {
    key: 'mAP50',
    title: 'best val mAP50 %',
    fmt: (r) => pct(r.mAP50),
    tip: 'validation mAP50 at the best epoch',
  },
  {
    key: 'mAP50_95',
    title: 'best val mAP50-95 %',
    fmt: (r) => pct(r.mAP50_95),
    tip: 'validation mAP50-95 at the best epoch',
  },
  {
    key: 'testMAP50',
    title: 'test mAP50 %',
    fmt: (r) => pct(r.testMAP50),
    tip: 'best checkpoint on the test split',
  },
  {
    key: 'testMAP50_95',
    title: 'test mAP50-95 %',
    fmt: (r) => pct(r.testMAP50_95),
    tip: 'best checkpoint on the test split',
  },
  { key: 'gap', title: 'gap', fmt: (r) => f3(r.gap), tip: 'val minus train data loss at the best epoch' },
  {
    key: 'weightNorm',
    title: '|w|',
    fmt: (r) => (r.weightNorm === null ? '–' : r.weightNorm.toFixed(1)),
    tip: 'L2 norm of kernels at the end',
  },
  {
    key: 'durationS',
    title: 'duration',
    fmt: (r) => formatDuration(r.durationS),
    tip: 'wall time from start to end',
  },
];

/** Props of the runs table. */
export interface RunsTableProps {
  data: RunsTableData;
  hidden: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  onSelect(ids: Set<string>): void;
  onRename(id: string, name: string): void;
  onDelete(ids: string[]): void;
  onResume(id: string): void;
  modelUrl?: (runId: string) => string;
}

/** Every run with its settings and results: sortable, selectable for the compare view, rename/delete/export. */
export function RunsTable(p: RunsTableProps) {
  const [sort, setSort] = useState<{ key: keyof Row; dir: 1 | -1 }>({ key: 'startedAt', dir: 1 });
  const [onlyDiff, setOnlyDiff] = useState(false);
  const rows = useMemo(
    () =>
      p.data.rows.filter((r) => !p.hidden.has(r.id)).map((r) => ({ ...r, name: p.data.names[r.id] ?? '' })),
    [p.data, p.hidden],
  );
  const settingCols = useMemo(() => {
    if (!onlyDiff) return DEFAULT_SETTING_COLS;
    const cfgs = rows.map((r) => ({ ...(p.data.configs[r.id] ?? {}), backend: r.backend ?? '–' }));
    const diff = new Set(differingKeys(cfgs));
    return SETTING_COLS.filter((k) => diff.has(k));
  }, [onlyDiff, rows, p.data.configs]);
  const shown = sortRows(rows, sort.key, sort.dir);
  const header = (key: keyof Row, title: string, tip?: string) => (
    <th
      key={String(key)}
      title={tip}
      className={sort.key === key ? 'sorted' : ''}
      onClick={() => setSort({ key, dir: sort.key === key ? (-sort.dir as 1 | -1) : -1 })}
    >
      {title}
      {sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
    </th>
  );
  const setting = (r: Row, k: string) => {
    const v = k === 'backend' ? r.backend : p.data.configs[r.id]?.[k];
    return v === undefined || v === null ? '–' : String(v);
  };
  const allOn = shown.length > 0 && shown.every((r) => p.selected.has(r.id));
  return (
    <div className="card runs-card">
      <div className="xrow">
        <h2>Runs</h2>
        <label className="hint">
          <input
            type="checkbox"
            data-testid="only-differ"
            checked={onlyDiff}
            onChange={(e) => setOnlyDiff(e.target.checked)}
          />{' '}
          show only settings that differ
        </label>
        <span className="spacer" />
        {p.selected.size > 0 && (
          <button className="danger" onClick={() => p.onDelete([...p.selected])}>
            Delete {p.selected.size} selected
          </button>
        )}
      </div>
      <div className="table-scroll">
        <table className="runs" data-testid="runs-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="select all runs"
                  checked={allOn}
                  onChange={() => p.onSelect(allOn ? new Set() : new Set(shown.map((r) => r.id)))}
                />
              </th>
              {header('name', 'run')}
              {header('status', 'status')}
              {settingCols.map((k) => header(k as keyof Row, k === 'lambda' ? 'λ' : k))}
              {RESULT_COLS.map((c) => header(c.key, c.title, c.tip))}
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr
                key={r.id}
                data-testid="run-row"
                data-run-id={r.id}
                className={p.selected.has(r.id) ? 'on' : ''}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={`select ${r.id}`}
                    checked={p.selected.has(r.id)}
                    onChange={() => {
                      const next = new Set(p.selected);
                      if (next.has(r.id)) next.delete(r.id);
                      else next.add(r.id);
                      p.onSelect(next);
                    }}
                  />
                </td>
                <td className="name" title={r.id}>
                  {r.name || r.id}
                </td>
                <td className={`status ${r.status}`} title={r.failReason ?? ''}>
                  {r.status}
                </td>
                {settingCols.map((k) => (
                  <td key={k}>{setting(r, k)}</td>
                ))}
                {RESULT_COLS.map((c) => (
                  <td key={c.key} className="num">
                    {c.fmt(r)}
                  </td>
                ))}
                <td className="actions">
                  <button
                    title="rename"
                    onClick={() => {
                      const n = window.prompt(`Name for run ${r.id} (empty clears it)`, r.name);
                      if (n !== null) p.onRename(r.id, n);
                    }}
                  >
                    Rename
                  </button>
                  <button
                    className="danger"
                    title="delete (undoable for a few seconds)"
                    onClick={() => p.onDelete([r.id])}
                  >
                    Delete
                  </button>
                  {p.modelUrl && p.data.models.includes(r.id) && (
                    <a
                      className="button"
                      href={p.modelUrl(r.id)}
                      download
                      title="download the exported tfjs model (tar)"
                    >
                      Export model
                    </a>
                  )}
                  {RESUMABLE_STATUSES.includes(r.status) && (
                    <button title="continue from the last checkpoint" onClick={() => p.onResume(r.id)}>
                      Resume
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p className="hint">No runs yet: start one in the Train tab.</p>}
      </div>
    </div>
  );
}
