import { useCallback, useEffect, useState } from 'react';
import type { StudyDocument, StudySummaryView } from '../../../../shared/api/runs-contract';
import { armLabel } from '../../../../shared/stats/verdicts';
import type { Connection } from '../../api/client';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { figureText, STUDY_COLUMNS } from './study-figures';
import { SweepCharts } from './SweepCharts';

/** "1 run", "3 runs". */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A study is live while runs of it wait or train: Cancel applies then, Resume once it has stopped short. */
function live(status: StudySummaryView['status']): boolean {
  return status === 'queued' || status === 'running';
}

/**
 * One study as a unit (studies.show, the document `ridge study show` prints): its plan, the verdict sentences in
 * the CLI's words, the per-arm table with sd and 95% intervals, sweep curves, and Resume / Cancel / Delete.
 */
export function StudyPanel({
  conn,
  summary,
  onChanged,
}: {
  conn: Connection;
  summary: StudySummaryView;
  /** An action here changed the study (`message` says what): the list and the runs table reload. */
  onChanged(deleted: boolean, message: string): void;
}) {
  const [doc, setDoc] = useState<StudyDocument | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = summary.id;
  // Reload when the study's state moves (a run of it ended, it was resumed or cancelled).
  const stamp = `${summary.status}:${summary.progress.done}:${summary.progress.ended}`;
  useEffect(() => {
    let on = true;
    setErr(null);
    void conn.api['studies.show']({ studyId: id }).then(
      (d) => on && setDoc(d),
      (e: Error) => on && setErr(e.message),
    );
    return () => {
      on = false;
    };
  }, [conn, id, stamp]);
  const act = useCallback(
    (what: () => Promise<string>, deleted = false) => {
      setBusy(true);
      setMsg(null);
      void what().then(
        (m) => {
          setBusy(false);
          setMsg(m);
          onChanged(deleted, m);
        },
        (e: Error) => {
          setBusy(false);
          setMsg(e.message);
        },
      );
    },
    [onChanged],
  );
  const resume = () =>
    act(async () => {
      const r = await conn.api['studies.resume']({ studyId: id });
      return (
        `Resumed: ${r.resumed.length} run(s) continue from their last checkpoint, ` +
        `${r.restarted.length} start again; follow them in the Train tab.`
      );
    });
  const cancel = () =>
    act(async () => {
      const r = await conn.api['studies.cancel']({ studyId: id });
      return `Cancelled ${r.cancelled.length} run(s) of the study.`;
    });
  const del = () =>
    act(async () => {
      setConfirmDelete(false);
      const r = await conn.api['studies.delete']({ studyId: id });
      return `Deleted study ${summary.name} and ${r.deleted.length} run(s).`;
    }, true);
  // Some run ended short of done (interrupted, failed, cancelled): there is something to resume.
  const stoppedShort = summary.progress.ended > summary.progress.done;
  const base = doc?.arms.find((a) => a.arm === doc.study.baseline);
  return (
    <div className="card study-panel" data-testid="study-panel" data-study={id}>
      <div className="xrow">
        <h2>
          Study: {summary.name} <span className={`status ${summary.status}`}>({summary.status})</span>
        </h2>
        <span className="spacer" />
        <button
          disabled={busy || !stoppedShort}
          onClick={resume}
          title="Continue interrupted runs, start failed and cancelled ones again"
        >
          Resume study
        </button>
        <button disabled={busy || !live(summary.status)} onClick={cancel}>
          Cancel study
        </button>
        <button className="danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
          Delete study
        </button>
      </div>
      {msg && (
        <p className="hint" data-testid="study-msg">
          {msg}
        </p>
      )}
      {err ? (
        <p className="err">{err}</p>
      ) : !doc ? (
        <p className="hint">Reading the study (bootstrap over the test images)…</p>
      ) : (
        <>
          <p className="plan" data-testid="study-plan">
            {plural(doc.arms.length, 'arm')} × {plural(doc.study.seeds, 'seed')}, paired by seed:{' '}
            {doc.arms.map((a) => armLabel(a.reg, a.lambda)).join(', ')}. Baseline:{' '}
            {base ? armLabel(base.reg, base.lambda) : doc.study.baseline}. Manifest{' '}
            <code title={doc.manifestHash}>{doc.manifestHash.slice(0, 12)}</code>. Comparable:{' '}
            <b data-testid="study-comparable">{doc.comparable ? 'yes' : 'no'}</b>
            {doc.study.testImages !== null && (
              <>
                . {doc.study.testImages} test images, {doc.study.resamples} bootstrap resamples
              </>
            )}
            .
          </p>
          {doc.apart.length > 0 && (
            <div className="not-comparable">
              <h3>Not pooled: {doc.apart.length} run(s) with other settings</h3>
              <ul>
                {doc.apart.map((a) => (
                  <li key={a.runId}>
                    {a.runId}: {a.differs.join(', ')}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <h3>Verdict on the test split</h3>
          {doc.verdicts.length === 0 && (
            <p className="hint">
              No verdict:{' '}
              {doc.arms.length < 2 ? 'the study has only its baseline arm' : 'no finished runs yet'}.
            </p>
          )}
          <ul className="verdict" data-testid="study-verdicts">
            {doc.verdicts.map((v) => (
              <li key={`${v.metric}:${v.arm}`} className={v.claim ? 'claim' : 'noclaim'}>
                {v.sentence}
              </li>
            ))}
          </ul>
          <p className="hint">
            Each arm against the baseline by the seed-paired difference; the 95% interval combines the seeds
            with a bootstrap over the test images; Holm's correction across arms, one family per metric (the
            same rule and words as <code>ridge study show</code>).
          </p>
          <div className="table-scroll">
            <table className="mini arms study-arms" data-testid="study-table">
              <thead>
                <tr>
                  <th>arm</th>
                  <th>runs</th>
                  {STUDY_COLUMNS.map((c) => (
                    <th key={c.key}>{c.title}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {doc.arms.map((a) => (
                  <tr key={a.arm} data-arm={a.arm}>
                    <td>
                      {armLabel(a.reg, a.lambda)}
                      {a.arm === doc.study.baseline ? ' (baseline)' : ''}
                    </td>
                    <td>{a.runs}</td>
                    {STUDY_COLUMNS.map((c) => {
                      const t = figureText(a[c.key], c);
                      return (
                        <td key={c.key} data-col={c.key}>
                          <div>{t.main}</div>
                          {t.ci && <div className="ci">{t.ci}</div>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="hint">mean ± sd over seeds, [95% t-interval] below; mAP in percent.</p>
          <SweepCharts arms={doc.arms} baseline={doc.study.baseline} />
        </>
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete study “${summary.name}”?`}
          body={
            `This deletes its ${plural(summary.runIds.length, 'run')} and ${plural(summary.files, 'file')} on disk ` +
            `(checkpoints, models, detections, the report). It cannot be undone.`
          }
          confirmLabel={`Delete study and ${plural(summary.runIds.length, 'run')}`}
          onConfirm={del}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </div>
  );
}
