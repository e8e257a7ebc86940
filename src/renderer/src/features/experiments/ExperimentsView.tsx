import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunsTable as RunsTableData, RunTestEval } from '../../../../shared/api/runs-contract';
import type { Connection } from '../../api/client';
import { splitComparable } from './comparable';
import { CompareView } from './CompareView';
import './experiments.css';
import { PrelabelCard } from './PrelabelCard';
import { displayName, shortRunNames } from './run-names';
import { RobustnessPanel } from './RobustnessPanel';
import { RunsTable } from './RunsTable';
import { SaliencyCompare } from './SaliencyCompare';
import { SideBySide } from './SideBySide';
import { StudiesCard } from './StudiesCard';

/** How long a delete can be undone before it reaches the project. */
const UNDO_MS = 8000;

/** The Experiments tab: studies, the runs table, the compare view of the selection, side-by-side predictions, pre-label. */
export function ExperimentsView({
  conn,
  onPrelabeled,
  onOpenImage,
}: {
  conn: Connection;
  onPrelabeled(imageIds: number[]): void;
  /** Open one image in Annotate (side by side names test images; a click opens one). */
  onOpenImage(imageId: number): void;
}) {
  const [data, setData] = useState<RunsTableData | null>(null);
  const [selected, setSelected] = useState<Set<string> | null>(null);
  const [pendingDelete, setPendingDelete] = useState<{ ids: string[]; timer: number } | null>(null);
  const [evals, setEvals] = useState<Map<string, RunTestEval>>(new Map());
  const [evalErr, setEvalErr] = useState<string | null>(null);
  // The side-by-side runs a person chose ('' = no second run); null until they choose.
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
  const withModel = (data?.rows ?? []).filter(
    (r) => r.status === 'done' && data?.models.includes(r.id) && !hidden.has(r.id),
  );
  // Side by side: what was chosen, else the first selected run and the first of another arm.
  const firstA = doneChosen[0];
  const sbs: [string, string] | null =
    pair && withModel.some((r) => r.id === pair[0])
      ? pair
      : firstA
        ? [
            firstA.id,
            (doneChosen.find((r) => r.reg !== firstA.reg || r.lambda !== firstA.lambda) ?? doneChosen[1])
              ?.id ?? '',
          ]
        : null;
  // Evaluations to load: the selected done runs (compare view) and the side-by-side pair, the pair first.
  const doneKey = [...new Set([...(sbs ?? []).filter(Boolean), ...doneChosen.map((r) => r.id)])].join(',');

  // Test-split evaluations (per-class AP, PR curves, predictions) of the needed runs, one at a time. A result is
  // kept whenever it arrives, even if the selection changed meanwhile (an evaluation belongs to its run; dropping
  // it left the run "loading" forever, since the next pass skipped it as in flight).
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const [failedEvals, setFailedEvals] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (loading.current.size > 0) return;
    const id = (doneKey ? doneKey.split(',') : []).find((k) => !evals.has(k) && !failedEvals.has(k));
    if (!id) return;
    loading.current.add(id);
    void conn.api['runs.testEval']({ runId: id }).then(
      (e) => {
        loading.current.delete(id);
        if (mounted.current) setEvals((cur) => new Map(cur).set(id, e));
      },
      (err: Error) => {
        loading.current.delete(id);
        if (!mounted.current) return;
        setEvalErr(err.message);
        setFailedEvals((cur) => new Set(cur).add(id));
      },
    );
  }, [conn, doneKey, evals, failedEvals]);

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
  const short = shortRunNames(data.rows);
  const nameOf = (id: string) => displayName(id, data.names, short);
  const split = splitComparable(
    chosen.map((r) => ({ id: r.id, config: data.configs[r.id] ?? {}, manifestHash: r.manifestHash })),
  );
  const compared = chosen.filter((r) => split.compared.includes(r.id));
  return (
    <div className="experiments" data-testid="experiments">
      {pendingDelete && (
        <div className="toast" data-testid="undo-toast">
          Deleted {pendingDelete.ids.length} run{pendingDelete.ids.length > 1 ? 's' : ''}.{' '}
          <button onClick={undo}>Undo</button>
        </div>
      )}
      {msg && <p className="err">{msg}</p>}
      <StudiesCard conn={conn} onChanged={refresh} />
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
      <CompareView conn={conn} rows={compared} apart={split.apart} nameOf={nameOf} evals={evals} />
      {evalErr && <p className="err">{evalErr}</p>}
      <RobustnessPanel
        conn={conn}
        rows={data.rows.filter((r) => !hidden.has(r.id))}
        models={data.models}
        robustness={data.robustness}
        initialRun={doneChosen[0]?.id}
        nameOf={nameOf}
        onMeasured={refresh}
      />
      {sbs && (
        <div className="card" data-testid="side-by-side">
          <div className="xrow">
            <h2>Predictions side by side (test split)</h2>
            {[0, 1].map((k) => (
              <select
                key={k}
                aria-label={`side-by-side run ${k + 1}`}
                value={sbs[k]}
                onChange={(e) => {
                  const next: [string, string] = [...sbs];
                  next[k] = e.target.value;
                  setPair(next);
                }}
              >
                {k === 1 && <option value="">no second run (ground truth only)</option>}
                {withModel.map((r) => (
                  <option key={r.id} value={r.id}>
                    {nameOf(r.id)}
                  </option>
                ))}
              </select>
            ))}
          </div>
          {evals.has(sbs[0]) && (!sbs[1] || evals.has(sbs[1])) ? (
            <SideBySide
              conn={conn}
              a={evals.get(sbs[0])!}
              b={sbs[1] ? evals.get(sbs[1]) : undefined}
              nameOf={nameOf}
              onOpenImage={onOpenImage}
            />
          ) : (
            <p className="hint">Predicting the test split with the chosen runs…</p>
          )}
        </div>
      )}
      <SaliencyCompare
        conn={conn}
        rows={data.rows.filter((r) => !hidden.has(r.id))}
        models={data.models}
        sideBySide={sbs}
        evals={evals}
        evalsLoading={new Set(doneKey.split(',').filter((k) => k && !failedEvals.has(k)))}
        nameOf={nameOf}
      />
      <PrelabelCard
        conn={conn}
        runs={data.rows}
        nameOf={nameOf}
        onDone={(ids) => {
          refresh();
          onPrelabeled(ids);
        }}
      />
    </div>
  );
}
