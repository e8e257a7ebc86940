import { useCallback, useEffect, useState } from 'react';
import type { OverviewImage, ProjectOverview, PurgeReport } from '../../../../shared/api/studio-contract';
import { SPLITS } from '../../../../shared/domain/types';
import type { Connection } from '../../api/client';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { plural } from '../../ui/plural';
import { Histogram } from './Histogram';
import './overview.css';

/** A file name that opens its image in Annotate. */
function ImageLink({ img, onOpen }: { img: OverviewImage; onOpen(id: number): void }) {
  return (
    <button className="link" title={img.path} onClick={() => onOpen(img.id)}>
      {img.path.split('/').pop()}
    </button>
  );
}

/**
 * The project at a glance, the landing page: images per split and status, boxes per class per split, box size
 * and aspect histograms, images without boxes, and the leakage check `ridge stats` prints. Every image named
 * opens in Annotate.
 */
export function OverviewView({ conn, onOpen }: { conn: Connection; onOpen(id: number): void }) {
  const [o, setO] = useState<ProjectOverview | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [purge, setPurge] = useState<'ask' | PurgeReport | null>(null);
  const load = useCallback(
    () => void conn.api['project.overview']({}).then(setO, (e: Error) => setErr(e.message)),
    [conn],
  );
  useEffect(load, [load]);
  if (err) return <div className="empty-state err">{err}</div>;
  if (!o) return <div className="empty-state">Reading the project…</div>;
  const st = o.images.byStatus;
  return (
    <div className="overview" data-testid="overview">
      <div className="card wide" data-testid="ov-images">
        <h2>{plural(o.images.total, 'image')}</h2>
        <div className="figures">
          {SPLITS.map((s) => (
            <span key={s}>
              <b>{o.images.bySplit[s]}</b> {s}
            </span>
          ))}
          <span className="sep" />
          <span>
            <b>{st.unlabeled}</b> unlabeled
          </span>
          <span>
            <b>{st.labeled}</b> labeled
          </span>
          <span>
            <b>{st.reviewed}</b> reviewed
          </span>
          <span>
            <b>{st.empty}</b> empty (negatives)
          </span>
          <span className="sep" />
          <span>
            <b>{o.boxes.accepted}</b> {o.boxes.accepted === 1 ? 'box' : 'boxes'}
          </span>
          {o.boxes.pending > 0 && (
            <span>
              <b>{o.boxes.pending}</b> {o.boxes.pending === 1 ? 'prediction' : 'predictions'} to review
            </span>
          )}
          {o.images.removed > 0 && (
            <span>
              <b>{o.images.removed}</b> removed{' '}
              <button className="link" onClick={() => setPurge('ask')}>
                delete their files…
              </button>
            </span>
          )}
        </div>
        {typeof purge === 'object' && purge && (
          <p className="hint" data-testid="purge-report">
            Deleted {plural(purge.deletedImages, 'removed image')} ({plural(purge.deletedFiles, 'file')}).
            {purge.keptForRuns.length > 0 &&
              ` Kept ${plural(purge.keptForRuns.length, 'image')} that a run's manifest refers to: delete those runs first.`}
          </p>
        )}
      </div>

      <div className="card">
        <h2>Boxes per class and split</h2>
        <table className="mini ov-table" data-testid="ov-class-split">
          <thead>
            <tr>
              <th>class</th>
              {SPLITS.map((s) => (
                <th key={s}>{s}</th>
              ))}
              <th>all</th>
            </tr>
          </thead>
          <tbody>
            {o.classes.map((c) => (
              <tr key={c.id} data-class={c.name}>
                <th>
                  <span className="sw" style={{ background: c.color }} /> {c.name}
                </th>
                {SPLITS.map((s) => (
                  <td key={s} data-split={s} className={c.bySplit[s] === 0 ? 'zero' : ''}>
                    {c.bySplit[s]}
                  </td>
                ))}
                <td>{SPLITS.reduce((n, s) => n + c.bySplit[s], 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {o.classes.some((c) => SPLITS.some((s) => c.bySplit[s] === 0)) && (
          <p className="hint">A class with no boxes in val or test cannot be measured there.</p>
        )}
      </div>

      <div className="card">
        <h2>Box size (√(w·h), px)</h2>
        <Histogram data={o.boxSize} testId="ov-size-hist" />
        <p className="hint">Small objects (under 32 px) are the hardest to detect at a low image size.</p>
      </div>

      <div className="card">
        <h2>Box aspect (width : height)</h2>
        <Histogram data={o.aspect} ratio testId="ov-aspect-hist" color="#3ecf8e" />
      </div>

      <div className="card" data-testid="ov-no-boxes">
        <h2>{plural(o.withoutBoxes.count, 'image')} without boxes</h2>
        <p className="hint">
          {o.withoutBoxes.unlabeled} unlabeled, {o.withoutBoxes.empty} marked empty (negatives: they train as
          background)
          {o.withoutBoxes.other ? `, ${o.withoutBoxes.other} other` : ''}.
        </p>
        <div className="names">
          {o.withoutBoxes.first.map((img) => (
            <ImageLink key={img.id} img={img} onOpen={onOpen} />
          ))}
          {o.withoutBoxes.count > o.withoutBoxes.first.length && <span className="hint">…</span>}
        </div>
      </div>

      <div className="card" data-testid="ov-leaks">
        <h2>Leakage check</h2>
        {o.leaks.length === 0 ? (
          <p className="hint">
            No identical images across splits
            {o.duplicateGroups
              ? ` (${plural(o.duplicateGroups, 'group')} of duplicates within one split)`
              : ''}
            .
          </p>
        ) : (
          <>
            <p className="err">
              ⚠ {plural(o.leaks.length, 'group')} of identical images in more than one split: a test score on
              them measures memory, not detection. Move them into one split or remove the copies.
            </p>
            {o.leaks.map((g) => (
              <div key={g.sha256} className="leak">
                {g.images.map((img) => (
                  <span key={img.id}>
                    <ImageLink img={img} onOpen={onOpen} /> <span className="hint">{img.split}</span>
                  </span>
                ))}
              </div>
            ))}
          </>
        )}
      </div>
      {purge === 'ask' && (
        <ConfirmDialog
          title={`Delete the files of ${plural(o.images.removed, 'removed image')}?`}
          body="Their rows, boxes and the copies in the project's images folder are deleted for good (linked files are left alone). Images a run's manifest refers to are kept. This cannot be undone."
          confirmLabel="Delete files"
          danger
          onCancel={() => setPurge(null)}
          onConfirm={() =>
            void conn.api['images.purgeRemoved']({}).then(
              (r) => {
                setPurge(r);
                load();
              },
              (e: Error) => {
                setPurge(null);
                setErr(e.message);
              },
            )
          }
        />
      )}
    </div>
  );
}
