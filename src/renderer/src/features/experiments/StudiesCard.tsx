import { useCallback, useEffect, useState } from 'react';
import type { StudySummaryView } from '../../../../shared/api/runs-contract';
import type { Connection } from '../../api/client';
import { StudyList } from './StudyList';
import { StudyPanel } from './StudyPanel';
import './study.css';

/**
 * Studies as first-class units of Experiments: the list of the project's studies and, for the selected one, the
 * study panel. Reloads when a run starts or ends (a study's status and progress derive from its runs).
 */
export function StudiesCard({ conn, onChanged }: { conn: Connection; onChanged(): void }) {
  const [studies, setStudies] = useState<StudySummaryView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const refresh = useCallback(
    () =>
      void conn.api['studies.list']({}).then(
        (s) => {
          setErr(null);
          setStudies(s);
        },
        (e: Error) => setErr(e.message),
      ),
    [conn],
  );
  useEffect(() => {
    refresh();
    // Not on every queue update (those come with each training step): a run starting or ending moves a study.
    const offs = [conn.on('run.started', refresh), conn.on('run.ended', refresh)];
    return () => offs.forEach((off) => off());
  }, [conn, refresh]);
  const summary = studies?.find((s) => s.id === selected);
  return (
    <>
      <div className="card" data-testid="studies">
        <h2>Studies</h2>
        {err && <p className="err">{err}</p>}
        {note && (
          <p className="hint" data-testid="studies-note">
            {note}
          </p>
        )}
        {studies ? (
          <StudyList
            studies={studies}
            selected={summary ? selected : null}
            onSelect={(id) => {
              setNote(null);
              setSelected(id);
            }}
          />
        ) : (
          <p className="hint">Loading studies…</p>
        )}
      </div>
      {summary && (
        <StudyPanel
          key={summary.id}
          conn={conn}
          summary={summary}
          onChanged={(deleted, message) => {
            if (deleted) {
              setSelected(null);
              setNote(message);
            }
            refresh();
            onChanged();
          }}
        />
      )}
    </>
  );
}
