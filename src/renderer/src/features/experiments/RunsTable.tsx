import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunsTable as RunsTableData } from '../../../../shared/api/runs-contract';
import { RESUMABLE_STATUSES } from '../../../../shared/domain/runs';
import { DEFAULT_COLUMNS, loadColumns, RUN_COLUMNS, saveColumns } from './run-columns';
import { displayName, shortRunNames } from './run-names';
import { differingKeys, sortRows } from './view-model';

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
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null);
  const [cols, setCols] = useState(loadColumns);
  const [editing, setEditing] = useState<string | null>(null);
  // The column chooser closes on a click anywhere outside it, as a menu does.
  const chooser = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => {
      const el = chooser.current;
      if (el?.open && !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);
  const short = useMemo(() => shortRunNames(p.data.rows), [p.data.rows]);
  const columns = RUN_COLUMNS.filter((c) => cols.includes(c.key));
  const rows = useMemo(
    () =>
      p.data.rows
        .filter((r) => !p.hidden.has(r.id))
        .map((row) => {
          const c = { row, config: p.data.configs[row.id] ?? {} };
          const keys: Record<string, unknown> = {
            name: displayName(row.id, p.data.names, short),
            status: row.status,
          };
          for (const col of RUN_COLUMNS) keys[col.key] = col.sortValue(c);
          return { ...c, keys };
        }),
    [p.data, p.hidden, short],
  );
  // Sorted by the column's own sort value; unsorted, the runs keep their creation order.
  const shown = sort
    ? sortRows(
        rows.map((r): Record<string, unknown> => ({ ...r.keys, __row: r })),
        sort.key,
        sort.dir,
      ).map((x) => x.__row as (typeof rows)[number])
    : rows;
  const toggleCol = (key: string, on: boolean) =>
    setCols(saveColumns(on ? [...cols, key] : cols.filter((k) => k !== key)));
  const showDiffering = () => {
    const cfgs = rows.map((r) => ({ ...r.config, backend: r.row.backend ?? '–' }));
    const diff = differingKeys(cfgs).filter((k) => k !== 'arm');
    setCols(saveColumns([...cols, ...diff]));
  };
  const header = (key: string, title: string, tip?: string, num?: boolean) => (
    <th
      key={key}
      data-col={key}
      title={tip}
      className={`${sort?.key === key ? 'sorted' : ''}${num ? ' num' : ''}`}
      onClick={() => setSort({ key, dir: sort?.key === key ? (-sort.dir as 1 | -1) : -1 })}
    >
      {title}
      {sort?.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
    </th>
  );
  const allOn = shown.length > 0 && shown.every((r) => p.selected.has(r.row.id));
  return (
    <div className="card runs-card">
      <div className="xrow">
        <h2>Runs</h2>
        <details className="column-chooser" data-testid="column-chooser" ref={chooser}>
          <summary>Columns</summary>
          <div className="chooser-menu">
            {RUN_COLUMNS.map((c) => (
              <label key={c.key} title={c.tip}>
                <input
                  type="checkbox"
                  data-col={c.key}
                  checked={cols.includes(c.key)}
                  onChange={(e) => toggleCol(c.key, e.target.checked)}
                />{' '}
                {c.title}
              </label>
            ))}
            <button onClick={showDiffering} title="add every setting whose value differs between the runs">
              Add settings that differ
            </button>
            <button onClick={() => setCols(saveColumns(DEFAULT_COLUMNS))}>Default columns</button>
          </div>
        </details>
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
                  onChange={() => p.onSelect(allOn ? new Set() : new Set(shown.map((r) => r.row.id)))}
                />
              </th>
              {header(
                'name',
                'run',
                'the name you gave it, else mode · seed · number; below, the id for the CLI',
              )}
              {header('status', 'status')}
              {columns.map((c) => header(c.key, c.title, c.tip, c.num))}
              <th data-col="actions" />
            </tr>
          </thead>
          <tbody>
            {shown.map(({ row: r, config }) => (
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
                <td className="name" data-col="name">
                  {editing === r.id ? (
                    <RenameInput
                      initial={p.data.names[r.id] ?? ''}
                      placeholder={short.get(r.id) ?? r.id}
                      onDone={(name) => {
                        setEditing(null);
                        if (name !== null && name !== (p.data.names[r.id] ?? '')) p.onRename(r.id, name);
                      }}
                    />
                  ) : (
                    <span data-testid="run-name">{displayName(r.id, p.data.names, short)}</span>
                  )}
                  <small className="run-id" title="the run id, for the CLI (ridge predict --run <id>)">
                    {r.id}
                  </small>
                </td>
                <td className={`status ${r.status}`} data-col="status" title={r.failReason ?? ''}>
                  {r.status}
                </td>
                {columns.map((c) => (
                  <td key={c.key} data-col={c.key} className={c.num ? 'num' : ''}>
                    {c.text({ row: r, config })}
                  </td>
                ))}
                <td className="actions" data-col="actions">
                  <button title="rename (empty clears the name)" onClick={() => setEditing(r.id)}>
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
                      Export
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

/** The inline name editor: Enter or leaving the field keeps the name, Escape drops the edit. */
function RenameInput(p: { initial: string; placeholder: string; onDone(name: string | null): void }) {
  const [v, setV] = useState(p.initial);
  // Enter ends the edit and unmounts the field, which may blur it: only the first end counts.
  const ended = useRef(false);
  const end = (name: string | null) => {
    if (ended.current) return;
    ended.current = true;
    p.onDone(name);
  };
  return (
    <input
      aria-label="run name"
      className="rename"
      autoFocus
      value={v}
      placeholder={p.placeholder}
      onChange={(e) => setV(e.target.value)}
      onBlur={() => end(v.trim())}
      onKeyDown={(e) => {
        if (e.key === 'Enter') end(v.trim());
        if (e.key === 'Escape') end(null);
      }}
    />
  );
}
