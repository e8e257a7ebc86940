import { useEffect, useState } from 'react';
import type { RunRowView } from '../../../../shared/api/runs-contract';
import type { RunRobustness } from '../../../../shared/domain/runs';
import type { Connection } from '../../api/client';
import { robustnessGrid } from './robustness-table';
import './analysis.css';
import { analysisBlocker } from './saliency-pair';
import { formatDuration, formatPct } from './view-model';

/** Seconds since `since` (ms), ticking each second while `on`; so a long wait shows it is alive. */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (since === null) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [since]);
  return since === null ? 0 : Math.max(0, (now - since) / 1000);
}

/** Below this clean test mAP50-95 the panel warns that rPC (a ratio over it) means little. */
const TINY_CLEAN = 0.01;

/** One run's stored robustness: test mAP50-95 per corruption and severity, the clean figure, mPC and rPC. */
function RobustnessTable({ r }: { r: RunRobustness }) {
  const grid = robustnessGrid(r);
  return (
    <>
      <table className="mini robustness" data-testid="robustness-table">
        <thead>
          <tr>
            <th>corruption</th>
            {grid.severities.map((s) => (
              <th key={s} className="num">
                severity {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row.corruption} data-corruption={row.corruption}>
              <td>{row.name}</td>
              {row.scores.map((v, i) => (
                <td key={i} className="num">
                  {formatPct(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="robustness-summary">
        clean <b>{formatPct(r.clean)}</b> · mPC <b data-testid="robustness-mpc">{formatPct(r.mPC)}</b> · rPC{' '}
        <b data-testid="robustness-rpc">{formatPct(r.rPC)}</b>{' '}
        <span className="hint">
          ({r.images} test images, measured in {formatDuration(r.seconds)})
        </span>
      </p>
      {r.clean < TINY_CLEAN && (
        <p className="hint" data-testid="robustness-tiny">
          The clean test mAP50-95 is under {formatPct(TINY_CLEAN, 0)}%: rPC is a ratio of tiny numbers here
          and says little about robustness.
        </p>
      )}
    </>
  );
}

/**
 * Robustness of one finished run (COCO-C style): its stored table, or a button that measures it now in a
 * trainer process (runs.robustness) and refreshes the runs table when the figures are stored.
 */
export function RobustnessPanel({
  conn,
  rows,
  models,
  robustness,
  initialRun,
  nameOf,
  onMeasured,
}: {
  conn: Connection;
  rows: readonly RunRowView[];
  models: readonly string[];
  robustness: Readonly<Record<string, RunRobustness>>;
  /** The run shown until a person picks another (the first selected finished run). */
  initialRun: string | undefined;
  nameOf(runId: string): string;
  onMeasured(): void;
}) {
  const [picked, setPicked] = useState<string | null>(null);
  // Measurements in flight (by run) with when they started, and the last failure of each run.
  const [busy, setBusy] = useState<Record<string, number>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const finished = rows.filter((r) => r.status === 'done');
  const runId = picked && rows.some((r) => r.id === picked) ? picked : (initialRun ?? finished[0]?.id);
  const row = rows.find((r) => r.id === runId);
  const started = runId !== undefined ? (busy[runId] ?? null) : null;
  const elapsed = useElapsed(started);
  if (!row || !runId) return null;
  const stored = robustness[runId];
  const blocker = analysisBlocker(row, models, 'robustness needs');
  const measure = () => {
    if (busy[runId] !== undefined) return;
    setBusy((b) => ({ ...b, [runId]: Date.now() }));
    setErrors(({ [runId]: _, ...rest }) => rest);
    void conn.api['runs.robustness']({ runId }).then(
      () => {
        setBusy(({ [runId]: _, ...rest }) => rest);
        onMeasured();
      },
      (e: Error) => {
        setBusy(({ [runId]: _, ...rest }) => rest);
        setErrors((x) => ({ ...x, [runId]: e.message }));
        // What made it fail may show in the table too (a model file gone, the run deleted).
        onMeasured();
      },
    );
  };
  return (
    <div className="card" data-testid="robustness">
      <div className="xrow">
        <h2>Robustness (test split under corruptions)</h2>
        <select aria-label="robustness run" value={runId} onChange={(e) => setPicked(e.target.value)}>
          {rows.map((r) => (
            <option key={r.id} value={r.id}>
              {nameOf(r.id)}
              {r.status !== 'done' ? ` (${r.status})` : ''}
              {robustness[r.id] ? ` · mPC ${formatPct(robustness[r.id]!.mPC)}` : ''}
            </option>
          ))}
        </select>
      </div>
      <p className="hint">
        Test mAP50-95 (%) of the best checkpoint under five corruptions at severities 1, 3 and 5 (ImageNet-C
        constants). mPC is their mean; rPC is mPC over the clean test mAP50-95 (100% = no loss under
        corruption).
      </p>
      {stored ? (
        <RobustnessTable r={stored} />
      ) : (
        !blocker && <p className="hint">Not measured for this run yet.</p>
      )}
      {/* Also under a stored table: it says why there is no "Measure again" (the model file gone, say). */}
      {blocker && (
        <p className="hint" data-testid="robustness-blocked">
          {blocker}
        </p>
      )}
      {!blocker && (
        <div className="xrow">
          <button
            data-testid="measure-robustness"
            disabled={started !== null}
            onClick={measure}
            title="15 test evaluations of the best checkpoint in a trainer process"
          >
            {started !== null ? 'Measuring…' : stored ? 'Measure again' : 'Measure robustness'}
          </button>
          {started !== null && (
            <span className="hint" data-testid="robustness-working" role="status">
              Scoring the test split under 15 corruption settings in a trainer process ·{' '}
              {formatDuration(elapsed)} so far. You can keep working meanwhile.
            </span>
          )}
        </div>
      )}
      {errors[runId] && (
        <p className="err" data-testid="robustness-error">
          Robustness could not be measured for {nameOf(runId)}: {errors[runId]}
        </p>
      )}
    </div>
  );
}
