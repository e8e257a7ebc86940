import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunsTable as RunsTableData, RunTestEval } from '../../../../shared/api/runs-contract';
import type { Connection } from '../../api/client';
import { CompareView } from './CompareView';
import './experiments.css';
import { PrelabelCard } from './PrelabelCard';
import { RunsTable } from './RunsTable';
import { SideBySide } from './SideBySide';

/** How long a delete can be undone before it reaches the project. */
const UNDO_MS = 8000;

/** The Experiments tab: the runs table, the compare view of the selection, side-by-side predictions, pre-label. */
export function ExperimentsView({
  conn,
  onPrelabeled,
}: {
  conn: Connection;
  onPrelabeled(imageIds: number[]): void;
}) {
  const [data, setData] = useState<RunsTableData | null>(null);
  const [selected, setSelected] = useState<Set<string> | null>(null);
  const [pendingDelete, setPendingDelete] = useState<{ ids: string[]; timer: number } | null>(null);
  const [evals, setEvals] = useState<Map<string, RunTestEval>>(new Map());
  const [evalErr, setEvalErr] = useState<string | null>(null);
  const [pair, setPair] = useState<[string, string] | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const loading = useRef(new Set<string>());
  const refresh = useCallback(() => void conn.api['runs.rows']({}).then(setData), [conn]);
  useEffect(() => {
    refresh();
    return conn.on('run.ended', refresh);
  }, [conn, refresh]);
  const sel = selected ?? new Set(data?.rows.filter((r) => r.status === 'done').map((r) => r.id) ?? []);
  const hidden = new Set(pendingDelete?.ids ?? []);
  const chosen = (data?.rows ?? []).filter((r) => sel.has(r.id) && !hidden.has(r.id));
  const doneChosen = chosen.filter((r) => r.status === 'done' && data?.models.includes(r.id));
  const doneKey = doneChosen.map((r) => r.id).join(',');

  // Test-split evaluations (per-class AP, PR curves, predictions) of the selected done runs, one at a time.
  useEffect(() => {
    let live = true;
    void (async () => {
      for (const id of doneKey ? doneKey.split(',') : []) {
        if (!live) return;
        if (evals.has(id) || loading.current.has(id)) continue;
        loading.current.add(id);
        try {
          const e = await conn.api['runs.testEval']({ runId: id });
          if (live) setEvals((cur) => new Map(cur).set(id, e));
        } catch (err) {
          if (live) setEvalErr((err as Error).message);
        } finally {
          loading.current.delete(id);
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [conn, doneKey, evals]);

  const commitDelete = useCallback(
    (ids: string[]) =>
      void conn.api['runs.delete']({ runIds: ids }).then(
        () => refresh(),
        (e: Error) => setMsg(e.message),
      ),
    [conn, refresh],
  );
  const del = (ids: string[]) => {
    if (pendingDelete) {
      window.clearTimeout(pendingDelete.timer);
      commitDelete(pendingDelete.ids);
    }
    const timer = window.setTimeout(() => {
      commitDelete(ids);
      setPendingDelete(null);
    }, UNDO_MS);
    setPendingDelete({ ids, timer });
  };
  const undo = () => {
    if (pendingDelete) window.clearTimeout(pendingDelete.timer);
    setPendingDelete(null);
  };
  // Leaving the tab during the undo window keeps the delete (the toast said it happened).
  const pendingRef = useRef(pendingDelete);
  pendingRef.current = pendingDelete;
  useEffect(
    () => () => {
      const pd = pendingRef.current;
      if (!pd) return;
      window.clearTimeout(pd.timer);
      commitDelete(pd.ids);
    },
    [commitDelete],
  );

  if (!data) return <div className="empty-state">Loading runs…</div>;
  const withModel = doneChosen.filter((r) => evals.has(r.id));
  const arms = [...new Set(withModel.map((r) => r.arm))];
  const defaultPair: [string, string] | null =
    withModel.length >= 2
      ? [
          withModel.find((r) => r.arm === arms[0])!.id,
          (withModel.find((r) => r.arm !== arms[0]) ?? withModel[1]!).id,
        ]
      : null;
  const shownPair = pair && evals.has(pair[0]) && evals.has(pair[1]) ? pair : defaultPair;
  return (
    <div className="experiments" data-testid="experiments">
      {pendingDelete && (
        <div className="toast" data-testid="undo-toast">
          Deleted {pendingDelete.ids.length} run{pendingDelete.ids.length > 1 ? 's' : ''}.{' '}
          <button onClick={undo}>Undo</button>
        </div>
      )}
      {msg && <p className="err">{msg}</p>}
      <RunsTable
        data={data}
        hidden={hidden}
        selected={sel}
        onSelect={setSelected}
        onRename={(runId, name) =>
          void conn.api['runs.rename']({ runId, name }).then(refresh, (e: Error) => setMsg(e.message))
        }
        onDelete={del}
        onResume={(runId) =>
          void conn.api['runs.resume']({ runId }).then(
            () => setMsg(`Run ${runId} queued to resume; follow it in the Train tab.`),
            (e: Error) => setMsg(e.message),
          )
        }
        {...(conn.modelUrl ? { modelUrl: conn.modelUrl } : {})}
      />
      <CompareView conn={conn} runIds={chosen.map((r) => r.id)} evals={evals} />
      {evalErr && <p className="err">{evalErr}</p>}
      {shownPair && (
        <>
          <div className="card xrow">
            <span>Side by side:</span>
            {[0, 1].map((k) => (
              <select
                key={k}
                aria-label={`side-by-side run ${k + 1}`}
                value={shownPair[k]}
                onChange={(e) => {
                  const next: [string, string] = [...shownPair];
                  next[k] = e.target.value;
                  setPair(next);
                }}
              >
                {withModel.map((r) => (
                  <option key={r.id} value={r.id}>
                    {data.names[r.id] ?? r.id} ({r.arm}, seed {r.seed})
                  </option>
                ))}
              </select>
            ))}
          </div>
          <SideBySide conn={conn} a={evals.get(shownPair[0])!} b={evals.get(shownPair[1])!} />
        </>
      )}
      {!shownPair && withModel.length === 1 && <SideBySide conn={conn} a={evals.get(withModel[0]!.id)!} />}
      <PrelabelCard
        conn={conn}
        runs={data.rows}
        onDone={(ids) => {
          refresh();
          onPrelabeled(ids);
        }}
      />
    </div>
  );
}
