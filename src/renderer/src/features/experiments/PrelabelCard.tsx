import { useState } from 'react';
import type { PrelabelReport, RunRowView } from '../../../../shared/api/runs-contract';
import type { Connection } from '../../api/client';

/** "Pre-label with run X": pending predictions on unlabeled images, reviewed in Annotate (Enter accepts, X rejects). */
export function PrelabelCard({
  conn,
  runs,
  nameOf,
  onDone,
}: {
  conn: Connection;
  runs: RunRowView[];
  nameOf(runId: string): string;
  onDone(imageIds: number[]): void;
}) {
  const done = runs.filter((r) => r.status === 'done');
  const [runId, setRunId] = useState('');
  const [score, setScore] = useState(0.3);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const chosen = runId || done[done.length - 1]?.id || '';
  const go = async () => {
    setBusy(true);
    setMsg(null);
    try {
      const r: PrelabelReport = await conn.api['labeling.prelabel']({ runId: chosen, scoreThreshold: score });
      setMsg(
        `Added ${r.boxes} pending box${r.boxes === 1 ? '' : 'es'} on ${r.images} unlabeled image${r.images === 1 ? '' : 's'}` +
          (r.skippedImages ? ` (${r.skippedImages} already had pending boxes)` : '') +
          (r.missingClasses.length
            ? `; dropped classes no longer in the project: ${r.missingClasses.join(', ')}`
            : '') +
          '. Review them in Annotate (filter “pending”): Enter accepts, X rejects. Pending boxes are not ground truth.',
      );
      onDone(r.imageIds);
    } catch (e) {
      setMsg((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card" data-testid="prelabel">
      <h2>Model-assisted labeling</h2>
      {done.length === 0 ? (
        <p className="hint">A finished run can pre-label your unlabeled images.</p>
      ) : (
        <div className="xrow">
          <label>
            Pre-label with run{' '}
            <select aria-label="pre-label run" value={chosen} onChange={(e) => setRunId(e.target.value)}>
              {done.map((r) => (
                <option key={r.id} value={r.id}>
                  {nameOf(r.id)} ({r.id})
                </option>
              ))}
            </select>
          </label>
          <label>
            score ≥{' '}
            <input
              type="number"
              aria-label="pre-label score"
              min={0}
              max={1}
              step={0.05}
              value={score}
              onChange={(e) => setScore(Math.min(1, Math.max(0, Number(e.target.value))))}
            />
          </label>
          <button
            className="primary"
            disabled={busy || !chosen}
            data-testid="prelabel-go"
            onClick={() => void go()}
          >
            {busy ? 'Predicting…' : 'Pre-label unlabeled images'}
          </button>
        </div>
      )}
      {msg && (
        <p className="hint" data-testid="prelabel-report">
          {msg}
        </p>
      )}
    </div>
  );
}
